"""Read CSV/XLSX tables as stripped strings and map their headers to canonical columns."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import charset_normalizer
import numpy as np
import openpyxl
import pandas as pd
from openpyxl.utils.exceptions import InvalidFileException

from routing.errors import ProblemCollector
from routing.schema import FALSE_WORDS, TRUE_WORDS

EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm"})
DELIMITERS = (",", "\t", ";")
# Above this share of control characters a decoded "text" is really binary data.
MAX_CONTROL_RATIO = 0.01
_UNIT_NOTE = re.compile(r"\s*[(（][^()（）]*[)）]\s*$")
_CJK = re.compile(r"[\u3400-\u9fff]")
# Control characters (Unicode category Cc) other than tab, line feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Table:
    """A table's header and records, every cell a stripped string.

    ``row_numbers[i]`` is the spreadsheet row of ``rows[i]`` (the header is usually
    row 1); blank records are left out. Each record has exactly ``len(headers)`` cells.
    """

    name: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    row_numbers: tuple[int, ...]


def file_name(path: str | Path, name: str | None) -> str:
    """The name under which ``path`` appears in messages."""
    return name if name is not None else Path(path).name


def read_table(path: str | Path, *, name: str | None = None) -> Table:
    """Read a CSV (any common encoding and delimiter) or XLSX file as strings.

    Parameters
    ----------
    path : str or Path
        A ``.csv``/``.tsv``/``.txt`` text table or an ``.xlsx`` workbook (first sheet).
    name : str, optional
        How the file is named in messages; default its basename.

    Returns
    -------
    Table
        Header and non-blank records, cells stripped, numbers as written
        (``24.0`` in Excel becomes ``"24"``).

    Raises
    ------
    InputError
        When the file is missing, empty, binary, undecodable or has no records.
    """
    path = Path(path)
    problems = ProblemCollector(file_name(path, name))
    if not path.is_file():
        problems.add(None, None, "file not found")
        problems.raise_if_any()
    if path.suffix.lower() in EXCEL_SUFFIXES:
        raw_rows = _excel_rows(path, problems)
    elif path.suffix.lower() == ".xls":
        problems.add(None, None, "old Excel .xls files are not supported; save as .xlsx or CSV")
        raw_rows = []
    else:
        raw_rows = _text_rows(path.read_bytes(), problems)
    problems.raise_if_any()
    return _build_table(problems, raw_rows)


def _build_table(problems: ProblemCollector, raw_rows: list[tuple[int, list[str]]]) -> Table:
    filled = [(number, cells) for number, cells in raw_rows if any(cells)]
    if not filled:
        problems.add(None, None, "empty file: no header and no records")
        problems.raise_if_any()
    (_, header), records = filled[0], filled[1:]
    if not records:
        problems.add(None, None, "no records: the file has a header row only")
        problems.raise_if_any()
    width = len(header)
    for number, cells in records:
        if any(cells[width:]):
            problems.add(number, None, f"{len(cells)} cells but the header has {width} columns")
    problems.raise_if_any()
    padded = tuple(tuple((cells + [""] * width)[:width]) for _, cells in records)
    return Table(problems.file, tuple(header), padded, tuple(n for n, _ in records))


def _text_rows(data: bytes, problems: ProblemCollector) -> list[tuple[int, list[str]]]:
    text = _decode(data, problems)
    if text is None:
        return []
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(DELIMITERS, key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        # Record i sits on spreadsheet row i (blank lines included), as Excel shows a CSV.
        return [(n, [c.strip() for c in cells]) for n, cells in enumerate(reader, start=1)]
    except csv.Error as err:
        problems.add(reader.line_num, None, f"malformed CSV: {err}")
        return []


def _decode(data: bytes, problems: ProblemCollector) -> str | None:
    """Decode strictly as UTF-8, then GB18030, then whatever charset-normalizer finds.

    Excel's "Unicode text" export is UTF-16 with a byte-order mark, full of NUL bytes.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            problems.add(None, None, "unreadable encoding (broken UTF-16)")
            return None
    if b"\x00" in data or data.startswith(b"PK\x03\x04"):
        problems.add(None, None, "not a text table (binary data?)")
        return None
    text: str | None = None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        guess = charset_normalizer.from_bytes(data).best()
        if guess is None:
            problems.add(None, None, "unreadable encoding (save the file as UTF-8 or GB18030)")
            return None
        text = str(guess)
    if _control_ratio(text) > MAX_CONTROL_RATIO:
        problems.add(None, None, "not a text table (binary data?)")
        return None
    return text


def _control_ratio(text: str) -> float:
    return len(_CONTROL.findall(text)) / len(text) if text else 0.0


def _excel_rows(path: Path, problems: ProblemCollector) -> list[tuple[int, list[str]]]:
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError):
        problems.add(None, None, "not an Excel .xlsx workbook (not a valid zip archive)")
        return []
    try:
        sheet = book.worksheets[0]
        # min_row=1 keeps the enumeration aligned with the real sheet rows.
        values = sheet.iter_rows(min_row=1, values_only=True)
        return [(n, [excel_text(v) for v in row]) for n, row in enumerate(values, start=1)]
    finally:
        book.close()


def excel_text(value: object) -> str:
    """A cell value as the string a user reads in the cell (24.0 → "24")."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return str(value).strip()


# --- header mapping ---------------------------------------------------------------


def normalise_header(header: str) -> str:
    """Casefolded header without surrounding spaces or a trailing unit note."""
    return _UNIT_NOTE.sub("", header.strip()).strip().casefold()


def map_headers(
    headers: Sequence[str],
    aliases: Mapping[str, Sequence[str]],
    required: Iterable[str],
    problems: ProblemCollector,
) -> dict[str, int]:
    """Map canonical columns to header positions, reporting duplicates and gaps.

    Parameters
    ----------
    headers : sequence of str
        The file's headers as written.
    aliases : mapping
        Canonical column → accepted headers (``routing.schema`` ``*_HEADERS``).
    required : iterable of str
        Canonical columns that must be present.
    problems : ProblemCollector
        Receives one problem per duplicated or missing column.

    Returns
    -------
    dict
        Canonical column → index into ``headers``; unknown headers are ignored.
    """
    lookup = {normalise_header(a): column for column, names in aliases.items() for a in names}
    found: dict[str, int] = {}
    for index, header in enumerate(headers):
        column = lookup.get(normalise_header(header))
        if column is None:
            continue
        if column in found:
            first = headers[found[column]]
            problems.add(
                None, header, f"duplicate column: '{first}' and '{header}' both mean {column}"
            )
            continue
        found[column] = index
    chinese = _mostly_chinese(headers)
    for column in required:
        if column not in found:
            names = aliases[column]
            shown = _pick_name(names, chinese)
            problems.add(
                None, shown, f"missing required column (expected one of: {', '.join(names)})"
            )
    return found


def _mostly_chinese(headers: Sequence[str]) -> bool:
    written = [h for h in headers if h.strip()]
    return sum(1 for h in written if _CJK.search(h)) * 2 > len(written)


def _pick_name(names: Sequence[str], chinese: bool) -> str:
    matching = [n for n in names if bool(_CJK.search(n)) == chinese]
    return (matching or list(names))[0]


def canonical_frame(
    table: Table,
    aliases: Mapping[str, Sequence[str]],
    required: Iterable[str],
    problems: ProblemCollector,
) -> tuple[pd.DataFrame, dict[str, str]]:
    """The table's records under canonical column names, raising on header problems.

    Returns
    -------
    frame : DataFrame
        One string column per canonical column (absent optional ones are all ""),
        indexed by spreadsheet row number.
    fields : dict
        Canonical column → the header as the user wrote it (an alias if absent).
    """
    found = map_headers(table.headers, aliases, required, problems)
    problems.raise_if_any()
    index = pd.Index(table.row_numbers, name="row")
    data = {
        column: [row[found[column]] for row in table.rows] if column in found else ""
        for column in aliases
    }
    frame = pd.DataFrame(data, index=index, dtype="str")
    # Absent columns are named in the file's language: "add a 地下室 column", not "basement".
    chinese = _mostly_chinese(table.headers)
    fields = {
        c: table.headers[found[c]] if c in found else _pick_name(aliases[c], chinese)
        for c in aliases
    }
    return frame, fields


def report(problems: ProblemCollector, bad: pd.Series, field: str) -> None:
    """Add one problem per entry of ``bad`` (row number → message)."""
    for row, message in bad.items():
        problems.add(int(cast(int, row)), field, str(message))


def raise_sorted(problems: ProblemCollector, headers: Sequence[str] = ()) -> None:
    """Raise the collected problems ordered as the file reads: by row, then by column."""
    column = {header: index for index, header in enumerate(headers)}
    problems.problems.sort(
        key=lambda p: (p.row is not None, p.row or 0, column.get(p.field or "", len(column)))
    )
    problems.raise_if_any()


# --- cell parsers: Series of strings in, (values, row → message for bad cells) out --


def parse_whole(values: pd.Series, *, minimum: int | None = None) -> tuple[pd.Series, pd.Series]:
    """Whole numbers ("24", "24.0", "+3"); empty cells become <NA>."""
    given = values != ""
    ascii_digits = values.str.normalize("NFKC")  # full-width "２４" is 24
    whole = ascii_digits.str.fullmatch(r"[+-]?[0-9]+(?:\.0*)?")
    numbers = pd.to_numeric(ascii_digits.where(given & whole), errors="coerce").astype("Int64")
    messages = pd.Series("not a whole number: '" + values + "'", index=values.index)
    bad = messages[given & ~whole]
    if minimum is not None:
        low = (numbers < minimum).fillna(False).astype(bool)
        bad = pd.concat([bad, (f"must be at least {minimum}: '" + values + "'")[low]])
    return numbers, bad


def parse_number(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Decimal numbers with an optional metre unit ("12", "12.5 m", "12米")."""
    given = values != ""
    stripped = values.str.normalize("NFKC").str.replace(r"\s*(?:m|米)$", "", regex=True)
    numbers = pd.to_numeric(stripped.where(given), errors="coerce").astype("float64")
    numbers = numbers.where(np.isfinite(numbers))  # "inf" is no height
    bad = ("not a number: '" + values + "'")[given & numbers.isna()]
    return numbers, bad


def parse_bool(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Yes/no words of ``routing.schema``; empty cells become <NA>."""
    folded = values.str.casefold()
    truth = pd.Series(pd.NA, index=values.index, dtype="boolean")
    truth[folded.isin(TRUE_WORDS)] = True
    truth[folded.isin(FALSE_WORDS)] = False
    bad = ("not a yes/no value: '" + values + "'")[(values != "") & truth.isna()]
    return truth, bad


def parse_phone(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Phone numbers: letters rejected; kept as digits, '+', '-' and spaces."""
    kept = values.str.replace(r"[^\d+\- ]", "", regex=True).str.strip()
    letters = values.str.contains(r"[^\W\d_]", regex=True)
    few_digits = kept.str.count(r"\d") < 5
    bad = ("not a phone number: '" + values + "'")[(values != "") & (letters | few_digits)]
    return kept, bad


LIST_SEPARATORS = r"[;；,，、/\s]+"


def split_list(values: pd.Series, separators: str = LIST_SEPARATORS) -> pd.Series:
    """Lists written with ``separators`` (default ; , 、 ， / or spaces) as lists of words."""
    return values.str.split(separators, regex=True).map(
        lambda words: [w.strip() for w in words if w.strip()]
    )


def find_duplicates(values: pd.Series, what: str) -> pd.Series:
    """Row → message for each non-empty value already seen in an earlier row."""
    given = values[values != ""]
    first_row = given.index.to_series(index=given.index).groupby(given).transform("min")
    message = f"duplicate {what} '" + given + "' (first in row " + first_row.astype(str) + ")"
    return message[given.duplicated(keep="first")]


def parse_cells(values: pd.Series, parser: Callable[[str], str]) -> tuple[pd.Series, pd.Series]:
    """Apply ``parser`` (str → str, ValueError with a message when bad) to non-empty cells.

    Each distinct value is parsed once; empty cells stay "".
    """
    parsed: dict[str, str] = {"": ""}
    errors: dict[str, str] = {}
    for value in values.unique():
        if value in parsed:
            continue
        try:
            parsed[value] = parser(value)
        except ValueError as err:
            parsed[value] = ""
            errors[value] = str(err)
    bad = values[values.isin(errors.keys())].map(errors)
    return values.map(parsed).astype("str"), bad.astype("str")
