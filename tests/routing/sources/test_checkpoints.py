"""Checkpoint files: CSV with lon/lat in Chinese or English, GeoJSON points, every problem."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pytest

from routing.errors import InputError
from routing.sources.checkpoints import CHECKPOINT_COLUMNS, read_checkpoints


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        read_checkpoints(path)
    return [str(p) for p in caught.value.problems]


def test_chinese_csv_in_gb18030_reads_names_minutes_and_hours(tmp_path: Path) -> None:
    path = write(
        tmp_path / "点位.csv",
        "编号,名称,类型,经度,纬度,停留时间（分钟）,时段\n"
        "W1,积水点 1,积水点,24.9380,60.1680,10,\n"
        "V1,菜市场摊位,摊贩点,24.9400,60.1660,5.5,7:00～9:30\n"
        ",宣传栏,,24.9350,60.1690,,\n",
        encoding="gb18030",
    )
    frame = read_checkpoints(path)
    assert list(frame.columns) == list(CHECKPOINT_COLUMNS)
    assert frame.crs.to_epsg() == 4326
    assert frame["checkpoint_id"].tolist() == ["W1", "V1", "C003"]  # C + row in file order
    assert frame["name"].tolist() == ["积水点 1", "菜市场摊位", "宣传栏"]
    assert frame["category"].tolist() == ["积水点", "摊贩点", ""]
    assert frame["service_s"].iloc[:2].tolist() == [600.0, 330.0]
    assert frame["service_s"].isna().iloc[2]  # the patrol kind's default applies
    assert frame["hours"].tolist() == ["", "07:00-09:30", ""]
    assert frame["opens_s"].iloc[1] == 7 * 3600 and frame["closes_s"].iloc[1] == 9.5 * 3600
    assert frame["row"].tolist() == [2, 3, 4]
    assert (frame.geometry.x.round(4).tolist(), frame.geometry.y.round(4).tolist()) == (
        [24.938, 24.94, 24.935],
        [60.168, 60.166, 60.169],
    )


def test_every_bad_cell_is_named_by_file_row_and_header(tmp_path: Path) -> None:
    path = write(
        tmp_path / "bad.csv",
        "id,name,lon,lat,minutes,hours\n"
        "W1,Pond,abc,60.168,10,\n"
        "W1,,24.94,6016600,-5,10:00-07:00\n"
        "X,Board,24.935,60.169,lots,9-10\n",
    )
    assert problems(path) == [
        "bad.csv:2:lon: not a number: 'abc'",
        "bad.csv:3:id: duplicate checkpoint id 'W1' (first in row 2)",
        "bad.csv:3:name: missing value: every checkpoint needs a name",
        "bad.csv:3:lat: must be WGS84 degrees within ±90 (metres?): '6016600'",
        "bad.csv:3:minutes: must be between 0 and 240 minutes: '-5'",
        "bad.csv:3:hours: hours '10:00-07:00' do not end after they start "
        "(overnight is not supported)",
        "bad.csv:4:minutes: not a number of minutes: 'lots'",
        "bad.csv:4:hours: bad hours '9-10' (expected HH:MM-HH:MM, e.g. 07:00-09:30)",
    ]


def test_a_table_without_coordinates_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "nocoords.csv", "名称,类型\n积水点,积水点\n")
    found = problems(path)
    assert any(p.startswith("nocoords.csv::经度: missing required column") for p in found)
    assert any(p.startswith("nocoords.csv::纬度: missing required column") for p in found)


def feature(props: Mapping[str, object], geometry: Mapping[str, object]) -> dict[str, object]:
    return {"type": "Feature", "properties": props, "geometry": geometry}


def test_geojson_points_read_with_their_properties(tmp_path: Path) -> None:
    point = {"type": "Point", "coordinates": [24.94, 60.166]}
    doc = {
        "type": "FeatureCollection",
        "features": [
            feature({"name": "积水点 A", "kind": "积水点", "minutes": 10}, point),
            feature({"name": "摊位", "minutes": 5, "hours": "07:00-09:00"}, point),
        ],
    }
    path = write(tmp_path / "points.geojson", json.dumps(doc, ensure_ascii=False))
    frame = read_checkpoints(path)
    assert frame["name"].tolist() == ["积水点 A", "摊位"]
    assert frame["category"].tolist() == ["积水点", ""]
    assert frame["service_s"].tolist() == [600.0, 300.0]
    assert frame["hours"].tolist() == ["", "07:00-09:00"]
    assert frame["row"].tolist() == [1, 2]  # feature numbers


def test_geojson_lines_and_metres_are_refused(tmp_path: Path) -> None:
    line = {"type": "LineString", "coordinates": [[24.94, 60.166], [24.95, 60.166]]}
    doc = {"type": "FeatureCollection", "features": [feature({"name": "线"}, line)]}
    path = write(tmp_path / "lines.geojson", json.dumps(doc, ensure_ascii=False))
    assert problems(path) == ["lines.geojson:1:geometry: not a point: LineString"]
    metres = {"type": "Point", "coordinates": [385000.0, 6672000.0]}
    doc = {"type": "FeatureCollection", "features": [feature({"name": "A"}, metres)]}
    path = write(tmp_path / "metres.geojson", json.dumps(doc))
    assert problems(path) == [
        "metres.geojson::: coordinates look like metres, not WGS84 longitude/latitude; "
        "set the file's CRS or reproject to EPSG:4326"
    ]
