"""Tests of routing.sources.households: good registers in three spellings and row checks."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from routing.schema import HOUSEHOLD_COLUMNS
from routing.sources import read_households
from routing.sources.households import canonical_tags, parse_since, parse_windows
from tests.support import problem_lines

GOOD_FILES = ["households_zh_utf8bom.csv", "households_gb18030.csv", "households_en.xlsx"]


@pytest.fixture(scope="module")
def register(good: Path, buildings: gpd.GeoDataFrame) -> pd.DataFrame:
    """The 10 households of the Chinese UTF-8 (BOM) register."""
    return read_households(good / GOOD_FILES[0], buildings)


@pytest.mark.parametrize("file", GOOD_FILES[1:])
def test_three_spellings_read_to_identical_frames(
    good: Path, buildings: gpd.GeoDataFrame, register: pd.DataFrame, file: str
) -> None:
    """GB18030 + tab + 出租/自住 + 2019年3月5日; English XLSX with float floors, date cells."""
    pd.testing.assert_frame_equal(read_households(good / file, buildings), register)


def test_columns_and_dtypes(register: pd.DataFrame) -> None:
    assert tuple(register.columns) == HOUSEHOLD_COLUMNS
    assert list(register.index) == list(range(10))
    dtypes = register.dtypes
    assert dtypes["floor"] == "int64" and dtypes["residents"] == "Int64"
    assert dtypes["rented"] == "boolean" and dtypes["basement"] == np.bool_
    for column in ("household_id", "building_id", "unit", "since", "phone", "tags"):
        assert pd.api.types.is_string_dtype(dtypes[column]), column


def test_values(register: pd.DataFrame) -> None:
    by_id = register.set_index("household_id")
    # 楼栋 given as a name ("3座") or an id ("SZ-02") both resolve to the id.
    assert by_id.loc["H003", "building_id"] == "SZ-02"
    assert by_id.loc["H004", "building_id"] == "SZ-03"
    assert by_id["floor"].tolist() == [1, 6, 18, 24, -2, 33, 5, 1, -1, -1]
    assert by_id.loc["H007", "unit"] == "0502"
    assert by_id.loc["H002", "since"] == "2019-03-05" and by_id.loc["H003", "since"] == "2020-01"
    assert by_id.loc["H004", "tags"] == "独居老人;残疾"
    assert by_id.loc["H004", "availability"] == "09:00-12:00;14:00-17:00"
    assert by_id.loc["H008", "residents"] is pd.NA and by_id.loc["H008", "rented"] is pd.NA
    assert by_id["basement"].sum() == 3


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_every_problem_is_reported_at_once(tmp_path: Path, buildings: gpd.GeoDataFrame) -> None:
    path = write_csv(
        tmp_path / "h.csv",
        "户号,楼栋,楼层,房号,人数,可访时间\n"
        "H1,9座,1,101,2,\n"
        "H1,3座,31,3101,three,\n"
        "H3,3座,0,0001,1,9-12\n",
    )
    assert problem_lines(read_households, path, buildings) == [
        "h.csv:2:楼栋: unknown building '9座'",
        "h.csv:3:户号: duplicate household id 'H1' (first in row 2)",
        "h.csv:3:楼层: floor 31 above building 3座's 30 levels",
        "h.csv:3:人数: not a whole number: 'three'",
        "h.csv:4:楼层: floor 0 does not exist (the ground floor is 1, the first basement -1)",
        "h.csv:4:可访时间: bad time window '9-12' (expected HH:MM-HH:MM)",
    ]


def test_ambiguous_building_name(tmp_path: Path, buildings: gpd.GeoDataFrame) -> None:
    twins = buildings.assign(name=["1座", "1座", "3座", "4座"])
    path = write_csv(tmp_path / "h.csv", "户号,楼栋,楼层,房号\nH1,1座,1,101\nH2,SZ-02,1,101\n")
    assert problem_lines(read_households, path, twins) == [
        "h.csv:2:楼栋: building name '1座' is not unique; use the building id"
    ]


def test_basement_flag_allows_one_level_below_buildings_without_basements(
    tmp_path: Path, buildings: gpd.GeoDataFrame
) -> None:
    path = write_csv(
        tmp_path / "h.csv", "户号,楼栋,楼层,房号,地下室\nH1,1座,-1,B1,是\nH2,3座,-2,B2,是\n"
    )
    assert read_households(path, buildings)["floor"].tolist() == [-1, -2]


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("2019-03-05", "2019-03-05"),
        ("2019/3/5", "2019-03-05"),
        ("2019.03.05", "2019-03-05"),
        ("2019-3", "2019-03"),
        ("2019年3月", "2019-03"),
        ("2019年3月5日", "2019-03-05"),
        ("2019-03-05 00:00:00", "2019-03-05"),
    ],
)
def test_parse_since(written: str, iso: str) -> None:
    assert parse_since(written) == iso


@pytest.mark.parametrize("written", ["2019-13-01", "2019-02-30", "03/05/2019", "去年", "2019"])
def test_parse_since_rejects(written: str) -> None:
    with pytest.raises(ValueError, match="not a date"):
        parse_since(written)


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("9:00-12:00", "09:00-12:00"),
        ("09：00–12：00；14:00~17:00", "09:00-12:00;14:00-17:00"),
        ("19:00 - 24:00", "19:00-24:00"),
        ("23:30-24:00", "23:30-24:00"),
        ("08:00至09:30、10:00-11:00", "08:00-09:30;10:00-11:00"),
    ],
)
def test_parse_windows(written: str, normal: str) -> None:
    assert parse_windows(written) == normal


@pytest.mark.parametrize("written", ["12:00-09:00", "9-12", "09:60-10:00", "24:30-25:00", "上午"])
def test_parse_windows_rejects(written: str) -> None:
    with pytest.raises(ValueError, match="window"):
        parse_windows(written)


@pytest.mark.parametrize(
    ("written", "tags"),
    [
        ("独居老人、残疾", "独居老人;残疾"),
        ("Elderly living alone; disabled", "独居老人;残疾"),
        ("elderly_alone disabled veteran", "独居老人;残疾;退役军人"),
        ("low_income/困难家庭, 空巢", "困难家庭;空巢"),
        ("", ""),
    ],
)
def test_canonical_tags(written: str, tags: str) -> None:
    """English spellings map to the Chinese names; unknown tags such as 空巢 are kept."""
    assert canonical_tags(written) == tags


def test_absent_basement_column_is_named_in_the_files_language(
    tmp_path: Path, buildings: gpd.GeoDataFrame
) -> None:
    path = write_csv(tmp_path / "h.csv", "户号,楼栋,楼层,房号\nH1,3座,-1,B1\n")
    assert problem_lines(read_households, path, buildings) == [
        "h.csv:2:楼层: negative floor -1 needs the 地下室 flag"
    ]
