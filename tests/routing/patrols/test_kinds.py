"""Patrol kinds: defaults per kind and language, validation, JSON round trip."""

from __future__ import annotations

import json

import pytest

from routing.patrols import KIND_NAMES, PatrolKind, default_kind, kind_label


def test_defaults_give_each_kind_its_checklist() -> None:
    assert KIND_NAMES == ("street", "checkpoints", "building")
    building = default_kind("building")
    assert building.checklist == ("楼道照明", "消防门", "安全出口堵塞", "杂物堆放")
    assert default_kind("building", "en").checklist[:2] == ("Stairwell lights", "Fire doors")
    assert default_kind("street").per_week is None  # every slot, as before kinds
    assert default_kind("checkpoints").per_week == 1  # dengue spots weekly
    assert kind_label("building", "zh") == "楼栋巡查"
    assert kind_label("checkpoints", "en", "Dengue prevention") == "Dengue prevention"


def test_a_kind_round_trips_through_json() -> None:
    kind = PatrolKind(
        "checkpoints", ("积水清除", "容器倒置"), 600.0, per_week=2, label="防控登革热"
    )
    text = json.dumps(kind.to_dict(), ensure_ascii=False)
    assert PatrolKind.from_dict(json.loads(text)) == kind
    assert PatrolKind.from_dict({"kind": "street"}) == default_kind("street")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "river"}, "kind must be one of"),
        ({"kind": "street", "checklist": []}, "checklist needs 1..8"),
        ({"kind": "street", "checklist": ["a", "a"]}, "distinct"),
        ({"kind": "street", "checklist": [" a"]}, "trimmed"),
        ({"kind": "street", "checklist": "a"}, "list of text"),
        ({"kind": "street", "stop_s": -1}, "stop_s"),
        ({"kind": "street", "per_week": 0}, "per_week"),
        ({"kind": "street", "colour": "red"}, "unknown patrol kind keys: colour"),
        ({}, "needs a 'kind'"),
    ],
)
def test_bad_kinds_are_refused(data: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PatrolKind.from_dict(data)
