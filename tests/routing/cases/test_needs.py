"""Splitting requests text into needs, and the cases of an imported register."""

from __future__ import annotations

import pandas as pd
import pytest

from routing.cases import (
    CASE_COLUMNS,
    Urgency,
    cases_from_register,
    needs_of,
    new_needs,
    split_requests,
)
from routing.schema import HOUSEHOLD_COLUMNS, HOUSEHOLD_HEADERS
from tests.conftest import DATA


@pytest.mark.parametrize(
    ("text", "needs"),
    [
        ("需要代购药品", ("需要代购药品",)),
        ("", ()),
        ("  ；。 ", ()),
        ("楼道灯坏了；需要代购药品。", ("楼道灯坏了", "需要代购药品")),
        ("楼道灯坏了\n楼道灯坏了", ("楼道灯坏了",)),  # an exact repeat is one need
        ("楼道灯坏了，电梯经常故障", ("楼道灯坏了", "电梯经常故障")),  # both parts have keywords
        ("需要代购药品，周三上午送到", ("需要代购药品，周三上午送到",)),  # 2nd part: no keyword
        ("帮忙买菜、买药", ("帮忙买菜、买药",)),  # 、 lists one errand
        (
            "1. 楼道灯坏了 2、需要陪同就医 (3) 想咨询低保",
            ("楼道灯坏了", "需要陪同就医", "想咨询低保"),
        ),
        ("①法律咨询②补贴申请", ("法律咨询", "补贴申请")),
        ("血压 2.5 倍", ("血压 2.5 倍",)),  # a decimal is not a list number
        ("pipe leak; need groceries", ("pipe leak", "need groceries")),
    ],
)
def test_split_requests(text: str, needs: tuple[str, ...]) -> None:
    assert split_requests(text) == needs


def test_needs_are_classified_and_given_urgency() -> None:
    needs = needs_of("楼道灯坏了；需要陪同就医", tags="独居老人")
    assert [(n.category, n.keyword, n.urgency) for n in needs] == [
        ("维修", "坏了", Urgency.PRIORITY),  # NORMAL + hardship
        ("医疗健康", "就医", Urgency.URGENT),  # PRIORITY + hardship
    ]


def _demo_register() -> pd.DataFrame:
    frame = pd.read_csv(DATA / "demo" / "households.csv", dtype=str, keep_default_na=False)
    names = {headers[0]: column for column, headers in HOUSEHOLD_HEADERS.items()}
    frame = frame.rename(columns=names)
    return frame.assign(basement=False).loc[:, list(HOUSEHOLD_COLUMNS)]


def test_the_demo_register_gives_one_case_per_request() -> None:
    register = _demo_register()
    asking = register[register["requests"] != ""]
    cases = cases_from_register(register)
    assert list(cases.columns) == list(CASE_COLUMNS)
    # Each demo household asks one of eight single phrases: one case each.
    assert len(cases) == len(asking) == 489
    assert list(cases["household_id"]) == list(asking["household_id"])
    assert (cases["case_id"] == cases["household_id"] + "-1").all()
    assert list(cases["text"]) == list(asking["requests"])
    assert set(cases["status"]) == {"registered"} and set(cases["source"]) == {"register"}
    assert set(cases["category"]) == {"代购送药", "维修", "医疗健康", "心理疏导", "政策咨询"}
    first = cases.iloc[0]  # H000017 in w15243643 asks 需要陪同就医, no tags
    assert (first["case_id"], first["category"], first["urgency"]) == (
        "H000017-1", "医疗健康", "priority",
    )  # fmt: skip


def test_several_requests_of_one_household_are_numbered() -> None:
    register = pd.DataFrame(
        [
            ("H1", "B1", "", "楼道灯坏了；需要代购药品"),
            ("H2", "B1", "", ""),
            ("H3", "B2", "残疾", "紧急求助"),
        ],
        columns=["household_id", "building_id", "tags", "requests"],
    )
    cases = cases_from_register(register)
    assert list(cases["case_id"]) == ["H1-1", "H1-2", "H3-1"]
    assert list(cases["category"]) == ["维修", "代购送药", "其他"]
    assert list(cases["urgency"]) == ["normal", "normal", "urgent"]


def test_a_door_record_makes_cases_only_for_requests_the_register_lacks() -> None:
    needs = new_needs("楼道灯坏了；想咨询低保", held="需要代购药品；楼道灯坏了", tags="困难家庭")
    assert [(n.text, n.category, n.urgency) for n in needs] == [
        ("想咨询低保", "政策咨询", Urgency.PRIORITY)  # NORMAL + 困难家庭
    ]
    assert new_needs("", held="楼道灯坏了") == ()
