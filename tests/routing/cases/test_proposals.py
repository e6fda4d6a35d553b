"""Door records turned into proposed register changes."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import pytest

from routing.cases import (
    DoorRecord,
    NewHousehold,
    next_household_id,
    propose_changes,
    propose_new_household,
)

ROW: Mapping[str, object] = {
    "household_id": "H000017", "building_id": "w15243643", "floor": 2, "unit": "201",
    "residents": 3, "rented": False, "since": "2019-03-10", "phone": "13800000017",
    "tags": "婴幼儿", "requests": "需要陪同就医", "availability": "09:00-11:30", "basement": False,
}  # fmt: skip


def _record(**fields: object) -> DoorRecord:
    base: dict[str, object] = {"record_id": "R1", "team_id": "T001", "household_id": "H000017",
                               "recorded_at": "2026-03-01T10:00:00"}  # fmt: skip
    return DoorRecord(**(base | fields))  # type: ignore[arg-type]


def _diff(record: DoorRecord, allow_phone: bool = False) -> list[tuple[str, object, object]]:
    return [
        (p.field, p.register_value, p.recorded_value)
        for p in propose_changes(record, ROW, allow_phone=allow_phone)
    ]


def test_a_visit_proposes_what_differs() -> None:
    record = _record(rented=True, residents=3, since="2021", vulnerable="elderly_alone、婴幼儿",
                     requests="需要陪同就医；楼道灯坏了")  # fmt: skip
    assert _diff(record) == [
        ("rented", False, True),
        # residents 3 = 3: nothing
        ("since", "2019-03-10", "2021"),
        ("tags", "婴幼儿", "婴幼儿;独居老人"),  # English spelling → 独居老人, added
        ("requests", "需要陪同就医", "需要陪同就医；楼道灯坏了"),  # only the new need added
    ]
    proposal = propose_changes(record, ROW)[0]
    assert (proposal.kind, proposal.team_id, proposal.building_id, proposal.target) == (
        "change", "T001", "w15243643", "H000017",
    )  # fmt: skip


def test_a_less_precise_since_that_agrees_is_no_change() -> None:
    assert _diff(_record(since="2019")) == []
    assert _diff(_record(since="2019-03")) == []
    assert _diff(_record(since="2019-04")) == [("since", "2019-03-10", "2019-04")]


def test_phone_only_where_the_community_allows_it_and_by_digits() -> None:
    assert _diff(_record(phone="13900000000")) == []
    assert _diff(_record(phone="138-0000-0017"), allow_phone=True) == []  # same digits
    assert _diff(_record(phone="13900000000"), allow_phone=True) == [
        ("phone", "13800000017", "13900000000")
    ]


def test_not_home_and_refused_propose_nothing() -> None:
    assert _diff(_record(status="not_home", residents=5)) == []
    assert _diff(_record(status="refused", rented=True)) == []


def test_an_empty_flat_clears_the_household() -> None:
    assert _diff(_record(status="vacant")) == [
        ("rented", False, None), ("residents", 3, 0), ("since", "2019-03-10", ""),
        ("tags", "婴幼儿", ""), ("requests", "需要陪同就医", ""), ("phone", "13800000017", ""),
        ("availability", "09:00-11:30", ""),
    ]  # fmt: skip
    assert {p.kind for p in propose_changes(_record(status="vacant"), ROW)} == {"vacant"}


def test_register_gaps_read_as_unknown() -> None:
    row = dict(ROW, residents=pd.NA, rented=None, since=float("nan"), tags=None)
    record = _record(residents=2, rented=False, since="2020-05", vulnerable="残疾")
    diff = [(p.field, p.register_value, p.recorded_value) for p in propose_changes(record, row)]
    assert diff == [
        ("rented", None, False), ("residents", None, 2), ("since", "", "2020-05"),
        ("tags", "", "残疾"),
    ]  # fmt: skip


def test_a_record_of_another_household_is_refused() -> None:
    with pytest.raises(ValueError, match="about H000099, not H000017"):
        propose_changes(_record(household_id="H000099"), ROW)
    with pytest.raises(ValueError, match="status must be one of"):
        _record(status="moved")


REGISTER = pd.DataFrame(
    [("H000001", "b1", 24, "2401"), ("H000002", "b1", 24, "2402"), ("H000120", "b2", 3, "301")],
    columns=["household_id", "building_id", "floor", "unit"],
)


def test_a_new_household_is_one_proposal_with_its_row() -> None:
    report = NewHousehold("R9", "T002", "2026-03-01T11:00:00", "b1", 24, " 2401B ", residents=2,
                          rented=True, vulnerable="pregnant", requests="想咨询居住证",
                          phone="13912345678")  # fmt: skip
    proposal = propose_new_household(report, REGISTER)
    assert (proposal.kind, proposal.field, proposal.register_value) == ("new", "household", None)
    assert proposal.target == "b1/24/2401B"
    row = proposal.recorded_value
    assert isinstance(row, Mapping)
    assert (row["unit"], row["residents"], row["rented"], row["tags"], row["phone"]) == (
        "2401B", 2, True, "孕妇", "",  # phones not allowed: dropped
    )  # fmt: skip
    assert propose_new_household(report, REGISTER, allow_phone=True).recorded_value["phone"] == (  # type: ignore[index]
        "13912345678"
    )


def test_a_new_household_where_the_register_has_one_is_refused() -> None:
    report = NewHousehold("R9", "T002", "2026-03-01", "b1", 24, "2402")
    with pytest.raises(ValueError, match="already has H000002 at b1 floor 24 unit 2402"):
        propose_new_household(report, REGISTER)


def test_next_household_id_follows_the_highest_number() -> None:
    assert next_household_id(REGISTER["household_id"]) == "H000121"
    assert next_household_id(["H9", "X77", "H0010"]) == "H000011"
    assert next_household_id([]) == "H000001"
