"""Tests of routing.sources.volunteers."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd

from routing.schema import VOLUNTEER_COLUMNS
from routing.sources import read_volunteers
from tests.support import problem_lines


def test_good_roster(good: Path, buildings: gpd.GeoDataFrame) -> None:
    roster = read_volunteers(good / "volunteers.csv", buildings)
    assert tuple(roster.columns) == VOLUNTEER_COLUMNS
    assert roster["volunteer_id"].tolist() == ["V01", "V02", "V03", "V04"]
    # Home given by name or id; empty means outside the community.
    assert roster["home_building"].tolist() == ["SZ-01", "", "SZ-03", "SZ-04"]
    assert roster["skills"].tolist() == ["急救;电工", "普通话;粤语", "", "first aid;driving"]
    assert roster["team_id"].tolist() == ["红马甲一队", "红马甲一队", "红马甲二队", ""]
    assert roster["phone"].tolist()[2] == "137 0013 7000"


def test_roster_problems(tmp_path: Path, buildings: gpd.GeoDataFrame) -> None:
    path = tmp_path / "v.csv"
    path.write_text("id,name,phone,team\nV1,A,phone,T1\nV1,,13800138000,\n", encoding="utf-8")
    assert problem_lines(read_volunteers, path, buildings) == [
        "v.csv:2:phone: not a phone number: 'phone'",
        "v.csv:3:id: duplicate volunteer id 'V1' (first in row 2)",
        "v.csv:3:name: missing value",
    ]
