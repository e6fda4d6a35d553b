"""Read CSV and XLSX files as rows of stripped strings, within the limits of their kind."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import time
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import ParseError

import charset_normalizer
import openpyxl
import pandas as pd
from openpyxl.utils.exceptions import InvalidFileException

from routing.errors import ProblemCollector
from routing.sources.limits import LIMITS, FileLimits, check_size, check_zip, too_many_rows

EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm"})
DELIMITERS = (",", "\t", ";")
# Above this share of control characters a decoded "text" is really binary data.
MAX_CONTROL_RATIO = 0.01
# Control characters (Unicode category Cc) other than tab, line feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# What a damaged workbook raises while it is read (zip, inflate and XML errors).
_DAMAGED = (zipfile.BadZipFile, EOFError, zlib.error, KeyError, ParseError, ValueError, OSError)
Rows = list[tuple[int, list[str]]]
YIELD_EVERY_ROWS = 250
# A worksheet larger than this must say its size before its rows (see _sized).
UNSIZED_SHEET_BYTES = 4 * 1024 * 1024
_SHEET = re.compile(r"xl/worksheets/[^/]+\.xml")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b")
_SHEET_DATA = re.compile(rb"<(?:\w+:)?sheetData\b")


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


def read_table(
    path: str | Path, *, name: str | None = None, limits: FileLimits | None = None
) -> Table:
    """Read a CSV (any common encoding and delimiter) or XLSX file as strings.

    Parameters
    ----------
    path : str or Path
        A ``.csv``/``.tsv``/``.txt`` text table or an ``.xlsx`` workbook (first sheet).
    name : str, optional
        How the file is named in messages; default its basename.
    limits : FileLimits, optional
        Size, unpacked size and row limits; default those of a household register.

    Returns
    -------
    Table
        Header and non-blank records, cells stripped, numbers as written
        (``24.0`` in Excel becomes ``"24"``).

    Raises
    ------
    InputError
        When the file is missing, too large, empty, binary, undecodable, damaged or
        has no records.
    """
    path = Path(path)
    limits = limits or LIMITS["households"]
    problems = ProblemCollector(file_name(path, name))
    if not path.is_file():
        problems.add(None, None, "file not found")
        problems.raise_if_any()
    if not check_size(path, limits, problems):
        problems.raise_if_any()
    if path.suffix.lower() in EXCEL_SUFFIXES:
        raw_rows = _excel_rows(path, limits, problems)
    elif path.suffix.lower() == ".xls":
        problems.add(None, None, "old Excel .xls files are not supported; save as .xlsx or CSV")
        raw_rows = []
    else:
        raw_rows = _text_rows(path.read_bytes(), limits, problems)
    problems.raise_if_any()
    return _build_table(problems, raw_rows)


def _build_table(problems: ProblemCollector, raw_rows: Rows) -> Table:
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


def _bounded(rows: Iterable[list[str]], limits: FileLimits, problems: ProblemCollector) -> Rows:
    """Rows numbered from 1, stopping (with a problem) past the header and ``max_rows``."""
    kept: Rows = []
    for number, cells in enumerate(rows, start=1):
        if too_many_rows(number - 1, limits, problems):
            return []
        kept.append((number, cells))
        if number % YIELD_EVERY_ROWS == 0:
            # Parsing holds the GIL; a pause lets a web process's request threads run
            # while an import job reads a large file (about 4 ms per 10,000 rows).
            time.sleep(0.001)
    return kept


def _text_rows(data: bytes, limits: FileLimits, problems: ProblemCollector) -> Rows:
    text = _decode(data, problems)
    if text is None:
        return []
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(DELIMITERS, key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        # Record i sits on spreadsheet row i (blank lines included), as Excel shows a CSV.
        return _bounded(([c.strip() for c in cells] for cells in reader), limits, problems)
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


def _excel_rows(path: Path, limits: FileLimits, problems: ProblemCollector) -> Rows:
    """The first sheet's rows, after checking the unpacked size of every zip member."""
    try:
        with zipfile.ZipFile(path) as archive:
            if not check_zip(archive, limits, problems) or not _sized(archive, problems):
                return []
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError):
        problems.add(None, None, "not an Excel .xlsx workbook (not a valid zip archive)")
        return []
    except _DAMAGED:
        problems.add(None, None, "damaged Excel workbook (truncated or corrupt); save it again")
        return []
    try:
        if not book.worksheets:
            problems.add(None, None, "the workbook has no worksheet")
            return []
        sheet = book.worksheets[0]
        # Read-only mode trusts the sheet's stored <dimension>, which some writers leave
        # stale: without the reset a sheet claiming A1:E3 loses every row after 3.
        sheet.reset_dimensions()
        # min_row=1 keeps the enumeration aligned with the real sheet rows.
        values = sheet.iter_rows(min_row=1, values_only=True)
        return _bounded(([excel_text(v) for v in row] for row in values), limits, problems)
    except _DAMAGED:
        problems.add(None, None, "damaged Excel workbook (truncated or corrupt); save it again")
        return []
    finally:
        book.close()


def _sized(archive: zipfile.ZipFile, problems: ProblemCollector) -> bool:
    """Whether every large worksheet states its size (``<dimension>``) before its data.

    openpyxl parses a whole sheet that lacks one just to size it, on opening the
    workbook: minutes for a sheet of a million rows, before a single row is read.
    """
    for member in archive.infolist():
        if not _SHEET.fullmatch(member.filename) or member.file_size <= UNSIZED_SHEET_BYTES:
            continue
        with archive.open(member) as sheet:
            head = sheet.read(64 * 1024)
        dimension, data = _DIMENSION.search(head), _SHEET_DATA.search(head)
        if dimension is None or (data is not None and data.start() < dimension.start()):
            problems.add(
                None,
                None,
                "a large worksheet without a size record (<dimension>): save the workbook "
                "again in Excel or WPS, or save it as CSV",
            )
            return False
    return True


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
