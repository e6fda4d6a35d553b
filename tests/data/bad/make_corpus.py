"""Regenerate the good and bad input files of tests/data (run once, commit the outputs).

Usage: ``.venv/bin/python tests/data/bad/make_corpus.py``. GB18030, binary, Shapefile
and XLSX files are written by this script rather than by hand so that they can be
regenerated. ``expected.csv`` lists, for each bad file, every problem the readers must
report as (row, field, message substring).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import re
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pyogrio
import shapely
from pyproj import Transformer

BAD = Path(__file__).resolve().parent
GOOD = BAD.parent / "good"
ROOT = BAD.parents[2]
Rows = Sequence[Sequence[object]]
Expected = list[tuple[int | None, str | None, str]]
CORPUS: dict[str, tuple[str, Expected]] = {}


# --- writers --------------------------------------------------------------------


def rows_of(text: str, separator: str = "|") -> list[list[str]]:
    """Rows written one per line with ``separator`` between cells."""
    return [line.split(separator) for line in text.strip("\n").split("\n")]


def csv_bytes(rows: Rows, *, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def write_stale_dimension(path: Path, rows: Rows) -> None:
    """An XLSX whose sheet claims ``<dimension ref="A1:L3"/>`` but holds every row.

    Some writers leave the dimension stale; openpyxl's read-only mode trusts it.
    """
    write_xlsx(path, rows)
    rewrite_member(
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:L3"', xml),
    )


def rewrite_member(path: Path, member: str, change: Callable[[bytes], bytes]) -> None:
    """Rewrite one member of a zip file (an XLSX) through ``change``."""
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in entries:
            target.writestr(info, change(data) if info.filename == member else data)


def write_xlsx(path: Path, rows: Rows) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            if value not in (None, ""):
                sheet.cell(number, column, value)
    book.save(path)


def polygon(lon: float, lat: float) -> dict:
    """A 30 m x 20 m footprint with its south-west corner at (lon, lat)."""
    return shapely.geometry.mapping(shapely.box(lon, lat, lon + 0.0003, lat + 0.0002))


def feature(properties: dict, geometry: dict | None) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def geojson_text(features: list[dict], **extra: object) -> str:
    document = {"type": "FeatureCollection", **extra, "features": features}
    return json.dumps(document, ensure_ascii=False, indent=1)


def to_mercator(geometry: dict) -> dict:
    transformer = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)

    def move(xy: np.ndarray) -> np.ndarray:
        return np.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))

    return shapely.geometry.mapping(shapely.transform(shapely.geometry.shape(geometry), move))


# --- good files: a Shenzhen-like community of four towers near 22.54N 114.05E -------

GOOD_BUILDINGS = [
    feature({"楼栋编号": "SZ-01", "名称": "1座", "类型": "residential", "层数": 6,
             "每层户数": 2, "电梯": "无"}, polygon(114.0500, 22.5400)),
    feature({"楼栋编号": "SZ-02", "名称": "2座", "类型": "residential", "高度（米）": 54.0},
            polygon(114.0506, 22.5400)),
    feature({"楼栋编号": "SZ-03", "名称": "3座", "类型": "apartments", "层数": 30,
             "地下层数": 2, "每层户数": 4}, polygon(114.0500, 22.5405)),
    feature({"楼栋编号": "SZ-04", "名称": "4座", "类型": "apartments", "层数": 33,
             "入口经度": 114.05075, "入口纬度": 22.54048}, polygon(114.0506, 22.5405)),
]  # fmt: skip

# One register in three spellings (Chinese UTF-8 with BOM; GB18030 with tabs and Chinese
# dates; English XLSX with float floors and date cells): all must read to the same frame.
REGISTER = rows_of("""
户号|楼栋|楼层|房号|人数（人）|是否出租|入住时间|联系电话|标签|诉求|可访时间|地下室
H001|1座|1|101|2|否|2015-06-01|138 0013 8001|独居老人||09:00-12:00|
H002|1座|6|602|3|是|2019-03-05|+86-755-8888-0002||需要上门办理||
H003|SZ-02|18|1801|4|否|2020-01||困难家庭;孕妇||14:00-17:00|
H004|3座|24|2401|1|否|2010-10-10|13900139004|独居老人;残疾|行动不便|09:00-12:00;14:00-17:00|
H005|3座|-2|B201|2|是||||||是
H006|4座|33|3301|5|否|2021-07-15|13700137006|退役军人|||
H007|2座|5|0502|2|否|2018-02||婴幼儿||19:00-21:00|
H008|4座|1|101||||||||
H009|3座|-1|B101|1|否|2012-12-12||困难家庭|||是
H010|1座|-1|B01|1|是||||||是
""")
ENGLISH_HEADERS = (
    "household_id building floor unit residents rented since phone tags requests availability"
    " basement"
)
ENGLISH_WORDS = {
    "是": "yes",
    "否": "no",
    "独居老人": "elderly_alone",
    "残疾": "disabled",
    "困难家庭": "hardship",
    "孕妇": "pregnant",
    "退役军人": "veteran",
    "婴幼儿": "infant",
}
GB_WORDS = {"是": "出租", "否": "自住"}
GB_WINDOWS = {
    "09:00-12:00": "9：00–12：00",
    "14:00-17:00": "14:00～17:00",
    "09:00-12:00;14:00-17:00": "09:00-12:00；14:00-17:00",
}
RENTED, SINCE, TAGS, WINDOWS, BASEMENT = 5, 6, 8, 10, 11

GOOD_VOLUNTEERS = rows_of("""
编号|姓名|电话|居住楼栋|技能|队伍
V01|张伟|13800138000|1座|急救;电工|红马甲一队
V02|李娜|13900139000||普通话、粤语|红马甲一队
V03|王芳|137 0013 7000|SZ-03||红马甲二队
V04|陈强||4座|first aid, driving|
""")  # fmt: skip


def chinese_date(iso: str) -> str:
    parts = [int(p) for p in iso.split("-")] if iso else []
    return "".join(f"{n}{unit}" for n, unit in zip(parts, "年月日", strict=False))


def register_gb18030() -> list[list[object]]:
    rows: list[list[object]] = [list(REGISTER[0])]
    for record in REGISTER[1:]:
        row: list[object] = list(record)
        row[RENTED] = GB_WORDS.get(record[RENTED], "")
        row[SINCE] = chinese_date(record[SINCE])
        row[TAGS] = record[TAGS].replace(";", "、")
        row[WINDOWS] = GB_WINDOWS.get(record[WINDOWS], record[WINDOWS])
        rows.append(row)
    return rows


def register_english() -> list[list[object]]:
    rows: list[list[object]] = [list[object](ENGLISH_HEADERS.split())]
    for record in REGISTER[1:]:
        row: list[object] = list(record)
        row[2] = float(record[2])  # Excel stores every number as a float
        row[4] = int(record[4]) if record[4] else None
        row[RENTED] = ENGLISH_WORDS.get(record[RENTED], "")
        since = record[SINCE]
        row[SINCE] = dt.datetime.fromisoformat(since) if len(since) == 10 else since
        row[TAGS] = ", ".join(ENGLISH_WORDS[t] for t in record[TAGS].split(";") if t)
        row[BASEMENT] = ENGLISH_WORDS.get(record[BASEMENT], "")
        rows.append(row)
    return rows


def write_good() -> None:
    GOOD.mkdir(exist_ok=True)
    (GOOD / "buildings.geojson").write_text(geojson_text(GOOD_BUILDINGS), encoding="utf-8")
    frame = gpd.read_file(GOOD / "buildings.geojson")
    frame.to_crs("EPSG:32650").to_file(GOOD / "buildings_utm50.gpkg", engine="pyogrio")
    legacy = [feature(f["properties"], to_mercator(f["geometry"])) for f in GOOD_BUILDINGS]
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}
    text = geojson_text(legacy, crs=crs)
    (GOOD / "buildings_legacy_crs.geojson").write_text(text, encoding="utf-8")
    bom = csv_bytes(REGISTER, encoding="utf-8-sig")
    (GOOD / "households_zh_utf8bom.csv").write_bytes(bom)
    gb = csv_bytes(register_gb18030(), encoding="gb18030", delimiter="\t")
    (GOOD / "households_gb18030.csv").write_bytes(gb)
    write_xlsx(GOOD / "households_en.xlsx", register_english())
    (GOOD / "volunteers.csv").write_bytes(csv_bytes(GOOD_VOLUNTEERS))
    # A bow-tie footprint: imported after make_valid, with a note naming it.
    repairable = [GOOD_BUILDINGS[0], feature({"楼栋编号": "SZ-BOW", "名称": "8字楼"}, BOWTIE)]
    (GOOD / "buildings_selfintersecting.geojson").write_text(
        geojson_text(repairable), encoding="utf-8"
    )
    write_stale_dimension(GOOD / "households_stale_dimension.xlsx", register_english())


# --- bad files --------------------------------------------------------------------


def bad(name: str, kind: str, expected: Expected, content: bytes | str | None = None) -> None:
    """Register a bad file and its expected problems; write ``content`` (str as UTF-8)."""
    CORPUS[name] = (kind, expected)
    if isinstance(content, str):
        (BAD / name).write_text(content, encoding="utf-8")
    elif content is not None:
        (BAD / name).write_bytes(content)


def table(text: str, encoding: str = "utf-8") -> bytes:
    """CSV bytes of rows written with "|" between cells."""
    return csv_bytes(rows_of(text), encoding=encoding)


# fmt: off
def write_bad_households() -> None:
    bad("households_unknown_building.csv", "households",
        [(3, "楼栋", "unknown building '9座'"), (4, "楼栋", "unknown building 'SZ-09'")],
        table("户号|楼栋|楼层|房号\nH1|1座|3|301\nH2|9座|5|501\nH3|SZ-09|2|201", "gb18030"))
    bad("households_floor_above.csv", "households",
        [(2, "floor", "floor 31 above building 3座's 30 levels"),
         (3, "floor", "floor 7 above building 1座's 6 levels")],
        table("household_id|building|floor|unit\nH1|3座|31|3101\nH2|SZ-01|7|701"))
    bad("households_floor_zero.csv", "households", [(3, "floor", "floor 0 does not exist")],
        table("household_id|building|floor|unit\nH1|3座|1|101\nH2|3座|0|001"))
    bad("households_basement_without_flag.csv", "households",
        [(2, "楼层", "negative floor -1 needs the 地下室 flag"),
         (3, "楼层", "floor -3 below building 3座's 2 basement level(s)"),
         (5, "楼层", "floor -2 below building 1座's 1 basement level(s)"),
         (6, "楼层", "地下室 flag set but floor 5 is above ground")],
        table("户号|楼栋|楼层|房号|地下室\nH1|3座|-1|B101|\nH2|3座|-3|B301|是\n"
              "H3|1座|-1|B01|是\nH4|1座|-2|B02|是\nH5|2座|5|501|是"))
    # The blank line is spreadsheet row 4, so the repeated id sits on row 5.
    bad("households_duplicate_id.csv", "households",
        [(5, "household_id", "duplicate household id 'H1' (first in row 2)")],
        "household_id,building,floor,unit\nH1,1座,1,101\nH2,1座,2,201\n\nH1,1座,3,301\n")
    # Sheet row 3 is empty: the second record is on row 4.
    bad("households_nonnumeric_residents.xlsx", "households",
        [(2, "residents", "not a whole number: 'three'"),
         (4, "residents", "must be at least 0: '-2'")])
    write_xlsx(BAD / "households_nonnumeric_residents.xlsx",
               [["household_id", "building", "floor", "unit", "residents"],
                ["H1", "3座", 24.0, "2401", "three"], [],
                ["H2", "3座", 25.0, "2501", -2], ["H3", "3座", 26.0, "2601", 3.0]])
    bad("households_missing_columns.csv", "households",
        [(None, "楼层", "missing required column (expected one of: 楼层, floor)"),
         (None, "房号", "missing required column (expected one of: 房号, unit, room)")],
        table("户号|楼栋|人数\nH1|1座|2"))
    rnd = random.Random(20240601)
    junk = bytes(rnd.randrange(0x80, 0x100) for _ in range(400))
    bad("households_bad_encoding.csv", "households", [(None, None, "unreadable encoding")],
        "户号,楼栋,楼层,房号\r\n".encode("gb18030") + junk)
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(rnd.randrange(256) for _ in range(200))
    bad("households_binary.csv", "households",
        [(None, None, "not a text table (binary data?)")], png)
    bad("households_empty.csv", "households", [(None, None, "empty file")], b"")
    bad("households_header_only.csv", "households", [(None, None, "no records")],
        "户号,楼栋,楼层,房号\r\n".encode("utf-8-sig"))
    bad("households_bad_window.csv", "households",
        [(2, "可访时间", "time window '12:00-09:00' does not end after it starts"),
         (3, "可访时间", "bad time window '9点-10点'"),
         (4, "可访时间", "bad time window '25:00-26:00'"),
         (5, "可访时间", "bad time window '14:00'")],
        table("户号|楼栋|楼层|房号|可访时间\nH1|1座|1|101|12:00-09:00\nH2|1座|2|201|9点-10点\n"
              "H3|1座|3|301|25:00-26:00\nH4|1座|4|401|09:00-12:00;14:00\n"
              "H5|1座|5|501|9：00–12：00"))
    bad("households_bad_date.csv", "households",
        [(2, "since", "not a date: '2019-13-01'"), (3, "since", "not a date: 'last year'"),
         (4, "since", "not a date: '2019-02-30'")],
        table("household_id|building|floor|unit|since\nH1|1座|1|101|2019-13-01\n"
              "H2|1座|2|201|last year\nH3|1座|3|301|2019-02-30\nH4|1座|4|401|2019年2月"))
    bad("households_bad_floor_text.csv", "households",
        [(2, "楼层", "not a whole number: '二十四'"), (3, "楼层", "not a whole number: '24a'")],
        table("户号|楼栋|楼层|房号\nH1|3座|二十四|2401\nH2|3座|24a|2402", "gb18030"))
    bad("households_duplicate_unit.csv", "households",
        [(9, "unit", "unit 2401 of 3座 floor 24 listed twice: rows 5 and 9")],
        table("household_id|building|floor|unit\nH1|3座|1|101\nH2|3座|2|201\nH3|3座|3|301\n"
              "H4|3座|24|2401\nH5|4座|5|501\nH6|4座|6|601\nH7|4座|7|701\nH8|SZ-03|24|2401"))
    bad("households_bad_values.csv", "households",
        [(2, "phone", "not a phone number: 'call me'"),
         (3, "rented", "not a yes/no value: 'maybe'"),
         (4, "basement", "not a yes/no value: 'sometimes'"),
         (5, "phone", "not a phone number: '13800x13800'")],
        table("household_id|building|floor|unit|phone|rented|basement\n"
              "H1|1座|1|101|call me|no|\nH2|1座|2|201||maybe|\nH3|1座|3|301|||sometimes\n"
              "H4|1座|4|401|13800x13800||"))
    bad("households_missing_values.csv", "households",
        [(2, "户号", "missing value"), (3, "楼栋", "missing value"), (4, "楼层", "missing value"),
         (5, "房号", "missing value")],
        table("户号|楼栋|楼层|房号\n|1座|1|101\nH2||2|201\nH3|1座||301\nH4|1座|4|", "utf-8-sig"))
    bad("households_duplicate_header.csv", "households",
        [(None, "residents", "duplicate column: '人数' and 'residents' both mean residents")],
        table("户号|楼栋|楼层|房号|人数|residents\nH1|1座|1|101|2|2"))
    bad("households_ragged.csv", "households",
        [(3, None, "6 cells but the header has 4 columns")],
        table("household_id|building|floor|unit\nH1|1座|1|101\nH2|1座|2|201|x|y"))
    bad("households_not_xlsx.xlsx", "households",
        [(None, None, "not an Excel .xlsx workbook")], "household_id,building\nH1,1座\n")
    bad("households_old.xls", "households", [(None, None, "old Excel .xls files")],
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))


def write_bad_volunteers() -> None:
    bad("volunteers_duplicate_id.csv", "volunteers",
        [(4, "编号", "duplicate volunteer id 'V1' (first in row 2)")],
        table("编号|姓名\nV1|张伟\nV2|李娜\nV1|王芳", "gb18030"))
    bad("volunteers_unknown_home.csv", "volunteers",
        [(2, "home_building", "unknown building '9座'"), (3, "name", "missing value"),
         (4, "phone", "not a phone number: '13800x'")],
        table("volunteer_id|name|phone|home_building\nV1|Zhang Wei||9座\nV2|||\n"
              "V3|Li Na|13800x|1座"))
    bad("volunteers_missing_columns.csv", "volunteers",
        [(None, "姓名", "missing required column (expected one of: 姓名, name)")],
        table("编号|电话\nV1|13800138000"))


# fmt: on
def named(index: int) -> dict:
    """Good building ``index`` with a name only, so that no id problems muddle a case."""
    return feature({"名称": f"{index + 1}座"}, GOOD_BUILDINGS[index]["geometry"])


BOWTIE = {"type": "Polygon", "coordinates": [[
    [114.05, 22.54], [114.0503, 22.5402], [114.0503, 22.54], [114.05, 22.5402], [114.05, 22.54]
]]}  # fmt: skip
# A UTM 50N footprint written without a CRS.
METRES = {"type": "Polygon", "coordinates": [[
    [205000, 2494000], [205030, 2494000], [205030, 2494020], [205000, 2494000]
]]}  # fmt: skip


# fmt: off
def write_bad_buildings() -> None:
    text = geojson_text(GOOD_BUILDINGS)
    bad("buildings_truncated.geojson", "buildings", [(None, None, "(file truncated?)")],
        text[: len(text) // 2])
    bad("buildings_invalid_json.geojson", "buildings",
        [(None, None, "invalid JSON at line 1 column 2")],
        "{'type': 'FeatureCollection', 'features': []}")
    bad("buildings_not_geojson.geojson", "buildings",
        [(None, None, "not GeoJSON: the file is not a JSON object")], "[1, 2, 3]")
    bad("buildings_not_feature_collection.geojson", "buildings",
        [(None, None, "not GeoJSON: expected a FeatureCollection")], '{"type": "Topology"}')
    bad("buildings_no_features.geojson", "buildings", [(None, None, "no features")],
        geojson_text([]))
    bad("buildings_empty.geojson", "buildings", [(None, None, "empty file")], b"")
    bad("buildings_empty_geometry.geojson", "buildings",
        [(2, "geometry", "missing geometry"), (3, "geometry", "empty geometry")],
        geojson_text([named(0), feature({"名称": "2座"}, None),
                      feature({"名称": "3座"}, {"type": "Polygon", "coordinates": []})]))
    bad("buildings_metres_no_crs.geojson", "buildings",
        [(None, None, "coordinates look like metres, not WGS84 longitude/latitude")],
        geojson_text([feature({"name": "A"}, METRES)]))
    line = {"type": "LineString", "coordinates": [[114.05, 22.54], [114.051, 22.541]]}
    bad("buildings_point_geometry.geojson", "buildings",
        [(1, "geometry", "not a polygon: Point"), (2, "geometry", "not a polygon: LineString")],
        geojson_text([feature({}, {"type": "Point", "coordinates": [114.05, 22.54]}),
                      feature({}, line), named(2)]))
    bad("buildings_nonnumeric_levels.geojson", "buildings",
        [(1, "levels", "not a whole number: 'six'"), (2, "levels", "must be at least 1: '0'"),
         (3, "height", "not a number: 'tall'"),
         (4, "units_per_floor", "not a whole number: 'many'"),
         (4, "lift", "not a yes/no value: 'maybe'")],
        geojson_text([feature({"levels": "six"}, polygon(114.05, 22.54)),
                      feature({"levels": 0}, polygon(114.0506, 22.54)),
                      feature({"height": "tall"}, polygon(114.05, 22.5405)),
                      feature({"units_per_floor": "many", "lift": "maybe"},
                              polygon(114.0506, 22.5405))]))
    bad("buildings_duplicate_ids.geojson", "buildings",
        [(2, "楼栋编号", "missing building id"),
         (3, "楼栋编号", "duplicate building id 'SZ-01' (first in row 1)")],
        geojson_text([GOOD_BUILDINGS[0], feature({"楼栋编号": ""}, polygon(114.0506, 22.54)),
                      feature({"楼栋编号": "SZ-01"}, polygon(114.05, 22.5405))]))
    shapes = [polygon(114.05, 22.54), BOWTIE, polygon(114.05, 22.5405)]
    gpd.GeoDataFrame(
        {"id": ["A", "B", "A"], "levels": [6, 0, 30]},
        geometry=[shapely.geometry.shape(s) for s in shapes],
        crs="EPSG:4326",
    ).to_file(BAD / "buildings_bad.shp", engine="pyogrio")
    # The bow-tie of row 2 is repaired (a note), its levels are not.
    bad("buildings_bad.shp", "buildings",
        [(2, "levels", "must be at least 1: '0'"),
         (3, "id", "duplicate building id 'A' (first in row 1)")])
    bad("buildings_not_xlsx.xlsx", "buildings", [(None, None, "unsupported file type '.xlsx'")],
        b"id,name\n1,A\n")


# fmt: on
def write_bad_osm() -> None:
    message = "not a readable OSM PBF file"
    bad(
        "osm_not_pbf.osm.pbf",
        "osm",
        [(None, None, message)],
        "<?xml version='1.0'?>\n<osm version='0.6'></osm>\n",
    )
    bad("osm_empty.osm.pbf", "osm", [(None, None, message)], b"")
    pbf = (ROOT / "data" / "osm" / "helsinki.osm.pbf").read_bytes()
    bad("osm_truncated.osm.pbf", "osm", [(None, None, message)], pbf[:3000])


def write_bad_paths() -> None:
    def path_line(lon: float, highway: str | None = None) -> dict:
        coords = [[lon, 22.5395], [lon, 22.5415]]
        props = {} if highway is None else {"highway": highway}
        return feature(props, {"type": "LineString", "coordinates": coords})

    bad(
        "paths_wrong_kinds.geojson",
        "paths",
        [
            (2, "geometry", "not a line: Polygon"),
            (3, "highway", "not a walkable highway: 'motorway'"),
        ],
        geojson_text(
            [
                path_line(114.05),
                feature({}, polygon(114.0506, 22.54)),
                path_line(114.051, "motorway"),
            ]
        ),
    )
    metres = {"type": "LineString", "coordinates": [[12696000.0, 2577000.0], [12696100.0, 2577.0]]}
    bad(
        "paths_metres_no_crs.geojson",
        "paths",
        [(None, None, "coordinates look like metres, not WGS84 longitude/latitude")],
        geojson_text([feature({}, metres)]),
    )
    bad("paths_no_features.geojson", "paths", [(None, None, "no features")], geojson_text([]))


# --- hostile files: each must be refused before it can read anything else ---------


def vrt_xml(source: str) -> str:
    """GDAL VRT XML that would read ``source`` (a file or URL) as a layer with WKT."""
    return (
        "<OGRVRTDataSource>\n  <OGRVRTLayer name='secret_key'>\n"
        f"    <SrcDataSource>{source}</SrcDataSource>\n"
        "    <GeometryField encoding='WKT' field='wkt'/>\n"
        "  </OGRVRTLayer>\n</OGRVRTDataSource>\n"
    )


def zip_bomb_xlsx(unpacked_mib: int) -> bytes:
    """A tiny XLSX whose one sheet unpacks to ``unpacked_mib`` MiB of whitespace."""
    buffer = io.BytesIO()
    write_xlsx_to(buffer, [["household_id", "building", "floor", "unit"]])
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info, data in entries:
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info, data)
                continue
            head, tail = data.split(b"</sheetData>")
            with target.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
                member.write(head)
                block = b" " * (1024 * 1024)
                for _ in range(unpacked_mib):
                    member.write(block)
                member.write(b"</sheetData>" + tail)
    return out.getvalue()


def write_xlsx_to(target: io.BytesIO, rows: Rows) -> None:
    book = openpyxl.Workbook()
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            book.active.cell(number, column, value)
    book.save(target)


def geopackage_without_geometry(path: Path) -> None:
    """A GeoPackage holding one attribute table (no geometry column)."""
    path.unlink(missing_ok=True)
    table = gpd.pd.DataFrame({"楼栋编号": ["SZ-01", "SZ-02"], "层数": [6, 18]})
    pyogrio.write_dataframe(table, path, layer="attributes", driver="GPKG")


def write_hostile() -> None:
    secret = vrt_xml("CSV:/proc/self/environ")
    bad(
        "buildings_vrt.gpkg",
        "buildings",
        [(None, None, "not a GeoPackage: the file is not a SQLite database")],
        secret,
    )
    bad(
        "buildings_vrt.shp",
        "buildings",
        [(None, None, "not a Shapefile: the .shp header is not a Shapefile header")],
        secret,
    )
    bad(
        "buildings_vsicurl.gpkg",
        "buildings",
        [(None, None, "not a GeoPackage: the file is not a SQLite database")],
        vrt_xml("/vsicurl/http://169.254.169.254/latest/meta-data/"),
    )
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("b.shp", secret)
        bundle.writestr("b.shx", secret)
        bundle.writestr("b.dbf", secret)
    bad(
        "buildings_vrt.zip",
        "buildings",
        [(None, None, "not a Shapefile: the .shp header is not a Shapefile header")],
        archive.getvalue(),
    )
    # Valid GeoJSON with VRT XML in its first kilobyte: GDAL alone would open it as VRT.
    document = {
        "type": "FeatureCollection",
        "name": vrt_xml("CSV:/etc/hostname"),
        "features": [
            feature(
                {"name": vrt_xml("CSV:/etc/hostname")},
                {"type": "Point", "coordinates": [114.05, 22.54]},
            )
        ],
    }
    bad(
        "buildings_vrt_inside.geojson",
        "buildings",
        [(1, "geometry", "not a polygon: Point")],
        json.dumps(document),
    )
    link = {"type": "link", "properties": {"href": "http://169.254.169.254/crs", "type": "proj4"}}
    bad(
        "buildings_crs_link.geojson",
        "buildings",
        [(None, "crs", "unsupported crs member")],
        geojson_text([named(0)], crs=link),
    )
    bad("buildings_no_geometry.gpkg", "buildings", [(None, None, "no geometry")])
    geopackage_without_geometry(BAD / "buildings_no_geometry.gpkg")
    bad(
        "buildings_hostile_ids.geojson",
        "buildings",
        [
            (1, "楼栋编号", "building id contains the character '<'"),
            (2, "楼栋编号", "building id contains the character '`'"),
            (3, "楼栋编号", "building id contains the character U+001B"),
            (4, "楼栋编号", "building id longer than 64 characters (65)"),
        ],
        geojson_text(
            [
                feature(
                    {"楼栋编号": "</script><img src=x onerror=alert(1)>"}, polygon(114.05, 22.54)
                ),
                feature({"楼栋编号": "`+alert(42)+`"}, polygon(114.0506, 22.54)),
                feature({"楼栋编号": "A\u001b[31mB"}, polygon(114.05, 22.5405)),
                feature({"楼栋编号": "长" * 65}, polygon(114.0506, 22.5405)),
            ]
        ),
    )
    bad(
        "households_hostile_ids.csv",
        "households",
        [
            (2, "户号", "household id contains the character '<'"),
            (3, "户号", "household id contains the character '$'"),
            (4, "户号", "household id contains the character '\"'"),
        ],
        csv_bytes(
            [
                ["户号", "楼栋", "楼层", "房号"],
                ["<b>H1</b>", "1座", "1", "101"],
                ["${H2}", "1座", "2", "201"],
                ['H"3', "1座", "3", "301"],
                ["H-4 (东)·1", "1座", "4", "401"],
            ]
        ),
    )
    bad(
        "volunteers_hostile_ids.csv",
        "volunteers",
        [
            (2, "编号", "volunteer id contains the character '&'"),
            (3, "队伍", "team id contains the character '<'"),
            (4, "队伍", 'team id contains the character "\'"'),
        ],
        csv_bytes(
            [
                ["编号", "姓名", "队伍"],
                ["V&1", "张伟", "一队"],
                ["V2", "李娜", "<img src=x onerror=alert(1)>"],
                ["V3", "王芳", "'; drop"],
            ]
        ),
    )
    bad(
        "households_zip_bomb.xlsx",
        "households",
        [(None, None, "file unpacks to 200.0 MiB")],
        zip_bomb_xlsx(200),
    )
    good = (GOOD / "households_en.xlsx").read_bytes()
    bad(
        "households_truncated.xlsx",
        "households",
        [(None, None, "not an Excel .xlsx workbook")],
        good[: len(good) // 2],
    )
    (BAD / "households_damaged.xlsx").write_bytes(good)
    rewrite_member(
        BAD / "households_damaged.xlsx",
        "xl/worksheets/sheet1.xml",
        lambda xml: xml[: len(xml) // 2],
    )
    bad("households_damaged.xlsx", "households", [(None, None, "damaged Excel workbook")])


def write_expected() -> None:
    with (BAD / "expected.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["file", "kind", "row", "field", "message"])
        for name, (kind, problems) in CORPUS.items():
            for row, field, message in problems:
                writer.writerow([name, kind, "" if row is None else row, field or "", message])


def main() -> None:
    write_good()
    write_bad_households()
    write_bad_volunteers()
    write_bad_buildings()
    write_bad_osm()
    write_bad_paths()
    write_hostile()
    write_expected()
    print(f"wrote {len(CORPUS)} bad files and the good files in {GOOD}")


if __name__ == "__main__":
    main()
