"""Common needs: one category, many households, one building."""

from __future__ import annotations

import pandas as pd
import pytest

from routing.cases import COMMON_NEED_COLUMNS, common_needs


def _cases(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["household_id", "building_id", "category", "text"])
    return frame.assign(case_id=[f"C{i}" for i in range(1, len(frame) + 1)])


def test_twelve_households_of_one_tower_are_one_common_need() -> None:
    rows = [(f"H{i:02d}", "b3", "维修", "楼道灯坏了") for i in range(1, 11)]
    rows += [("H11", "b3", "维修", "楼道的灯不亮"), ("H12", "b3", "维修", "楼道灯坏了")]
    rows += [("H13", "b4", "维修", "楼道灯坏了")]  # another tower: alone, not common
    rows += [("H01", "b3", "代购送药", "需要代购药品")]  # another category: alone
    needs = common_needs(_cases(rows), {"b3": "3座", "b4": "4座"})
    assert list(needs.columns) == list(COMMON_NEED_COLUMNS)
    assert len(needs) == 1
    need = needs.iloc[0]
    # 11 of 12 wrote 楼道灯坏了: the label takes the most frequent text.
    assert need["label"] == "楼道灯坏了 ×12, 3座"
    assert (need["households"], need["cases"]) == (12, 12)
    assert need["case_ids"] == tuple(f"C{i}" for i in range(1, 13))


def test_households_are_counted_once_and_building_ids_stand_in_for_names() -> None:
    rows = [("H1", "b9", "环境卫生", "垃圾"), ("H1", "b9", "环境卫生", "异味"),
            ("H2", "b9", "环境卫生", "异味"), ("", "b9", "环境卫生", "异味")]  # fmt: skip
    need = common_needs(_cases(rows)).iloc[0]
    # Two distinct households (the building-level case has none), four cases.
    assert (need["households"], need["cases"], need["label"]) == (2, 4, "异味 ×2, b9")


def test_most_households_first_and_a_tie_in_texts_takes_the_first_written() -> None:
    rows = [("H1", "b1", "维修", "水管漏水"), ("H2", "b1", "维修", "电梯故障")]
    rows += [(f"K{i}", "b2", "维修", "电梯故障") for i in range(3)]
    needs = common_needs(_cases(rows))
    assert list(needs["label"]) == ["电梯故障 ×3, b2", "水管漏水 ×2, b1"]
    assert common_needs(_cases(rows), min_households=3)["building_id"].tolist() == ["b2"]


def test_at_least_two_households() -> None:
    with pytest.raises(ValueError, match="at least 2 households"):
        common_needs(_cases([]), min_households=1)
    assert common_needs(_cases([])).empty
