"""Urgency levels and the default rules that derive them."""

from __future__ import annotations

import pytest

from routing.cases import DEFAULT_TAXONOMY, Urgency, derive_urgency

T = DEFAULT_TAXONOMY


@pytest.mark.parametrize(
    ("text", "tags", "category", "expected"),
    [
        ("楼道灯坏了", "", "维修", Urgency.NORMAL),  # category base NORMAL
        ("需要陪同就医", "", "医疗健康", Urgency.PRIORITY),  # 医疗健康 starts at PRIORITY
        ("楼道灯坏了", "独居老人", "维修", Urgency.PRIORITY),  # hardship: one level up
        ("需要陪同就医", "残疾;婴幼儿", "医疗健康", Urgency.URGENT),  # PRIORITY + 1
        ("楼道灯坏了", "婴幼儿;退役军人", "维修", Urgency.NORMAL),  # not raising tags
        ("水管爆了，很急", "", "维修", Urgency.URGENT),  # 急
        ("紧急：老人摔倒", "", "医疗健康", Urgency.URGENT),
        ("Please come ASAP", "", "其他", Urgency.NORMAL),  # asap is not a default keyword
        ("补贴申请不急", "", "政策咨询", Urgency.NORMAL),  # 不急 is calm, not 急
        (
            "不着急，但是门锁坏了需要尽快修",
            "",
            "维修",
            Urgency.URGENT,
        ),  # 尽快 outside the calm part
    ],
)
def test_default_rules(text: str, tags: str, category: str, expected: Urgency) -> None:
    assert derive_urgency(text, tags, T[category], T) is expected


def test_tags_may_be_a_collection_and_urgency_caps_at_urgent() -> None:
    assert derive_urgency("紧急", ["独居老人"], T["医疗健康"], T) is Urgency.URGENT


@pytest.mark.parametrize("value", [2, "2", "urgent", "URGENT", "紧急", Urgency.URGENT])
def test_parse_accepts_level_name_and_label(value: object) -> None:
    assert Urgency.parse(value) is Urgency.URGENT


def test_parse_refuses_other_values_listing_the_levels() -> None:
    with pytest.raises(ValueError, match=r"unknown urgency '3'; known: normal \(一般, 0\)"):
        Urgency.parse("3")


def test_labels_in_order() -> None:
    assert [u.label for u in sorted(Urgency)] == ["一般", "优先", "紧急"]
