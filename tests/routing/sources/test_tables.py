"""Tests of routing.sources.tables: encodings, delimiters, row numbers, header mapping."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from routing.errors import InputError, ProblemCollector
from routing.schema import HOUSEHOLD_HEADERS, HOUSEHOLD_REQUIRED
from routing.sources import map_headers, read_table
from routing.sources.limits import FileLimits
from routing.sources.tables import (
    EXCERPT_CHARS,
    excel_text,
    excerpt,
    parse_bool,
    parse_phone,
    parse_whole,
)
from tests.support import problem_lines


def problems_of(path: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        read_table(path)
    return [str(p) for p in caught.value.problems]


def test_bom_gb18030_and_xlsx_read_to_the_same_cells(good: Path) -> None:
    bom = read_table(good / "households_zh_utf8bom.csv")
    gb = read_table(good / "households_gb18030.csv")  # tab-separated
    assert bom.headers == gb.headers
    assert bom.headers[0] == "户号"  # the BOM is not part of the first header
    assert [r[:4] for r in bom.rows] == [r[:4] for r in gb.rows]
    assert bom.row_numbers == gb.row_numbers == tuple(range(2, 12))
    xlsx = read_table(good / "households_en.xlsx")
    assert [r[:4] for r in xlsx.rows] == [r[:4] for r in bom.rows]  # 24.0 cells read "24"


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_delimiter_is_sniffed(tmp_path: Path, delimiter: str) -> None:
    path = tmp_path / "t.csv"
    path.write_text(delimiter.join(["a", "b", "c"]) + "\n" + delimiter.join("123") + "\n")
    assert read_table(path).rows == (("1", "2", "3"),)


def test_full_width_comma_is_not_a_delimiter(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("户号，楼栋\nH1，1座\n", encoding="utf-8")
    table = read_table(path)
    assert table.headers == ("户号，楼栋",)


def test_cells_stay_strings_as_written(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("unit,phone,floor\n 007 ,0755-1234, 24.0\n")
    assert read_table(path).rows == (("007", "0755-1234", "24.0"),)


def test_utf16_unicode_text_export_is_read(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes("户号\t楼栋\nH1\t1座\n".encode("utf-16"))
    assert read_table(path).rows == (("H1", "1座"),)


def test_blank_lines_keep_spreadsheet_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('a,b\n1,"two\nlines"\n\n3,4\n,\n5,6\n')
    table = read_table(path)
    assert table.row_numbers == (2, 4, 6)
    assert table.rows[0] == ("1", "two\nlines")


def test_xlsx_rows_are_real_sheet_rows_and_cells_read_as_shown(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([])
    sheet.append(["id", "floor", "since", "ratio", "flag"])
    sheet.append(["H1", 24.0, dt.datetime(2019, 3, 5), 2.5, True])
    sheet.append([])
    sheet.append(["H2", 7, dt.date(2020, 1, 2), None, False])
    book.save(tmp_path / "t.xlsx")
    table = read_table(tmp_path / "t.xlsx", name="登记表.xlsx")
    assert table.name == "登记表.xlsx"
    assert table.row_numbers == (3, 5)
    assert table.rows == (
        ("H1", "24", "2019-03-05", "2.5", "true"),
        ("H2", "7", "2020-01-02", "", "false"),
    )


def test_excel_text() -> None:
    assert excel_text(24.0) == "24"
    assert excel_text(float("nan")) == ""
    assert excel_text(dt.time(9, 30)) == "09:30"
    assert excel_text(dt.datetime(2020, 1, 2, 8, 15)) == "2020-01-02 08:15"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "::: empty file"),
        (b"\r\n  \r\n", "::: empty file"),
        ("户号,楼栋\r\n".encode("gb18030"), "::: no records"),
        (b"PK\x03\x04" + b"\x14" * 40, "::: not a text table (binary data?)"),
        (b"a,b\n\x01\x02\x03\x04\x05,\x06\x07\x08\x0b\x0c\n", "::: not a text table"),
        (b"\xff\xfe\x00", "::: unreadable encoding"),
        (b"a,b\n1,2\n3,4,5\n", "t.csv:3:: 3 cells but the header has 2 columns"),
    ],
)
def test_unreadable_tables(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(content)
    assert any(message in p for p in problems_of(path))


def test_missing_file_and_fake_xlsx(tmp_path: Path) -> None:
    assert problems_of(tmp_path / "nope.csv") == ["nope.csv::: file not found"]
    (tmp_path / "t.xlsx").write_text("a,b\n1,2\n")
    assert problems_of(tmp_path / "t.xlsx") == [
        "t.xlsx::: not an Excel .xlsx workbook (not a valid zip archive)"
    ]


def test_map_headers_ignores_case_space_unit_notes_and_extras() -> None:
    problems = ProblemCollector("f.csv")
    headers = [" Household_ID ", "楼栋", "Floor (storey)", "人数（人）", "房号", "备注"]
    found = map_headers(headers, HOUSEHOLD_HEADERS, HOUSEHOLD_REQUIRED, problems)
    assert not problems
    assert found == {"household_id": 0, "building_id": 1, "floor": 2, "residents": 3, "unit": 4}


def test_map_headers_reports_duplicates_and_missing_in_the_users_language() -> None:
    problems = ProblemCollector("f.csv")
    map_headers(
        ["户号", "楼栋", "人数", "Residents"], HOUSEHOLD_HEADERS, HOUSEHOLD_REQUIRED, problems
    )
    assert [str(p) for p in problems.problems] == [
        "f.csv::Residents: duplicate column: '人数' and 'Residents' both mean residents",
        "f.csv::楼层: missing required column (expected one of: 楼层, floor)",
        "f.csv::房号: missing required column (expected one of: 房号, unit, room)",
    ]
    english = ProblemCollector("f.csv")
    map_headers(["id", "building", "unit"], HOUSEHOLD_HEADERS, HOUSEHOLD_REQUIRED, english)
    assert [str(p) for p in english.problems] == [
        "f.csv::floor: missing required column (expected one of: 楼层, floor)"
    ]


def test_cell_parsers() -> None:
    values = pd.Series(["24", "24.0", "+3", "-1", "二十四", ""], index=range(2, 8), dtype="str")
    numbers, bad = parse_whole(values, minimum=0)
    assert numbers.tolist()[:4] == [24, 24, 3, -1] and numbers.isna().tolist()[4:] == [True] * 2
    assert bad.to_dict() == {6: "not a whole number: '二十四'", 5: "must be at least 0: '-1'"}
    truth, bad = parse_bool(pd.Series(["是", "No", "有", "maybe", ""], dtype="str"))
    assert truth.tolist()[:3] == [True, False, True] and truth.isna().tolist()[3:] == [True] * 2
    assert bad.to_dict() == {3: "not a yes/no value: 'maybe'"}
    phones, bad = parse_phone(pd.Series(["(0755) 1234-5678", "abc12345", "12"], dtype="str"))
    assert phones[0] == "0755 1234-5678"
    assert sorted(bad.index) == [1, 2]


def test_stale_dimension_does_not_hide_rows(good: Path) -> None:
    """The sheet claims A1:L3; read-only openpyxl would stop after two records."""
    stale = read_table(good / "households_stale_dimension.xlsx")
    assert stale.row_numbers == tuple(range(2, 12))
    assert stale.rows == read_table(good / "households_en.xlsx").rows


def test_row_limit_stops_reading(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("a,b\n" + "1,2\n" * 6)
    few = FileLimits("households", 1024, 1024, 5)
    assert problem_lines(read_table, path, limits=few) == [
        "t.csv::: more than 5 rows: the limit for households; split the file or import a "
        "smaller area"
    ]
    assert read_table(path, limits=FileLimits("households", 1024, 1024, 6)).rows[-1] == ("1", "2")


def test_size_limit_is_checked_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"a,b\n" + b"1,2\n" * 300)
    assert problem_lines(read_table, path, limits=FileLimits("volunteers", 1000, 1000, 10)) == [
        "t.csv::: file too large: 1204 bytes, the limit for volunteers is 1000 bytes"
    ]


def test_cells_are_quoted_short_and_escaped(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    long = "x" * 500
    path.write_text(f'residents\n{long}\n"a\x1b[31mb"\n', encoding="utf-8")
    values = pd.Series([long, "a\x1b[31mb"], index=[2, 3])
    _, bad = parse_whole(values)
    assert bad.tolist() == [
        "not a whole number: '" + "x" * EXCERPT_CHARS + "…'",
        "not a whole number: 'a\\u001b[31mb'",
    ]
    assert excerpt("line\nbreak\u202eevil") == "line\\nbreak\\u202eevil"


def test_problems_beyond_the_cap_are_counted(tmp_path: Path) -> None:
    problems = ProblemCollector("f.csv", limit=3)
    for row in range(2, 12):
        problems.add(row, "x", "bad")
    with pytest.raises(InputError) as caught:
        problems.raise_if_any()
    assert len(caught.value.problems) == 3 and caught.value.omitted == 7
    assert caught.value.total == 10
    assert str(caught.value).startswith("10 problem(s): ")
