"""Map table headers to canonical columns and parse cells, with short, safe excerpts in messages."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import cast

import numpy as np
import pandas as pd

from routing.errors import EXCERPT_CHARS, ProblemCollector, excerpt
from routing.ids import id_problem
from routing.schema import FALSE_WORDS, TRUE_WORDS
from routing.sources.spreadsheets import Table, excel_text, file_name, read_table

# re-exported: older imports
__all__ = ["EXCERPT_CHARS", "Table", "excel_text", "excerpt", "file_name", "read_table"]

_UNIT_NOTE = re.compile(r"\s*[(（][^()（）]*[)）]\s*$")
_CJK = re.compile(r"[\u3400-\u9fff]")


def quoted(values: pd.Series) -> pd.Series:
    """Each value as ``'excerpt'`` for a message (apply to the bad cells only)."""
    return "'" + values.astype("str").map(excerpt) + "'"


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
            message = f"duplicate column: '{excerpt(first)}' and '{excerpt(header)}'"
            problems.add(None, excerpt(header), f"{message} both mean {column}")
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
    shown = excerpt(field)  # headers are the file's text too
    for row, message in bad.items():
        problems.add(int(cast(int, row)), shown, str(message))


def raise_sorted(problems: ProblemCollector, headers: Sequence[str] = ()) -> None:
    """Raise the collected problems ordered as the file reads: by row, then by column."""
    column = {excerpt(header): index for index, header in enumerate(headers)}
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
    bad = "not a whole number: " + quoted(values[given & ~whole])
    if minimum is not None:
        low = (numbers < minimum).fillna(False).astype(bool)
        bad = pd.concat([bad, f"must be at least {minimum}: " + quoted(values[low])])
    return numbers, bad


def parse_number(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Decimal numbers with an optional metre unit ("12", "12.5 m", "12米")."""
    given = values != ""
    stripped = values.str.normalize("NFKC").str.replace(r"\s*(?:m|米)$", "", regex=True)
    numbers = pd.to_numeric(stripped.where(given), errors="coerce").astype("float64")
    numbers = numbers.where(np.isfinite(numbers))  # "inf" is no height
    bad = "not a number: " + quoted(values[given & numbers.isna()])
    return numbers, bad


def parse_bool(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Yes/no words of ``routing.schema``; empty cells become <NA>."""
    folded = values.str.casefold()
    truth = pd.Series(pd.NA, index=values.index, dtype="boolean")
    truth[folded.isin(TRUE_WORDS)] = True
    truth[folded.isin(FALSE_WORDS)] = False
    bad = "not a yes/no value: " + quoted(values[(values != "") & truth.isna()])
    return truth, bad


def parse_phone(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Phone numbers: letters rejected; kept as digits, '+', '-' and spaces."""
    kept = values.str.replace(r"[^\d+\- ]", "", regex=True).str.strip()
    letters = values.str.contains(r"[^\W\d_]", regex=True)
    few_digits = kept.str.count(r"\d") < 5
    bad = "not a phone number: " + quoted(values[(values != "") & (letters | few_digits)])
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
    repeated = given.duplicated(keep="first")
    return (
        f"duplicate {what} "
        + quoted(given[repeated])
        + " (first in row "
        + first_row[repeated].astype(str)
        + ")"
    )


def find_bad_ids(values: pd.Series, what: str) -> pd.Series:
    """Row → message for each non-empty value that breaks the id rule of ``routing.ids``."""
    reasons = {value: id_problem(value, what) for value in values[values != ""].unique()}
    bad = {value: reason for value, reason in reasons.items() if reason is not None}
    return values[values.isin(bad.keys())].map(bad).astype("str")


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
