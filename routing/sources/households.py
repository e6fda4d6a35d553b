"""Read the household register (CSV/XLSX) into the households frame, validating every row."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Final, cast

import pandas as pd

from routing.errors import ProblemCollector
from routing.hours import describe, parse_windows
from routing.schema import HOUSEHOLD_COLUMNS, HOUSEHOLD_HEADERS, HOUSEHOLD_REQUIRED, HOUSEHOLD_TAGS
from routing.sources.limits import LIMITS
from routing.sources.tables import (
    canonical_frame,
    excerpt,
    find_bad_ids,
    find_duplicates,
    parse_bool,
    parse_cells,
    parse_phone,
    parse_whole,
    quoted,
    raise_sorted,
    read_table,
    report,
)

_DATE = re.compile(
    r"(?P<y>\d{4})(?:[-/.]|年)(?P<m>\d{1,2})(?:(?:[-/.]|月)(?P<d>\d{1,2})日?|月)?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"
)
_TAG_SEPARATORS = r"[;；,，、/]+"
# English spellings and the canonical names themselves, casefolded → canonical tag.
_TAG_ALIASES: Final = {
    alias.casefold(): tag for tag, aliases in HOUSEHOLD_TAGS.items() for alias in (tag, *aliases)
}


def read_households(
    path: str | Path, buildings: pd.DataFrame, *, name: str | None = None
) -> pd.DataFrame:
    """Read and validate a household register.

    Parameters
    ----------
    path : str or Path
        CSV or XLSX with headers from ``routing.schema.HOUSEHOLD_HEADERS``.
    buildings : DataFrame
        The buildings frame (``BUILDING_COLUMNS``); 楼栋 values are matched against
        ``building_id`` first, then against a building ``name`` that is unique.
    name : str, optional
        How the file is named in messages; default its basename.

    Returns
    -------
    DataFrame
        ``HOUSEHOLD_COLUMNS`` with a RangeIndex, in file order.

    Raises
    ------
    InputError
        Every problem of every row, with spreadsheet row numbers.
    """
    table = read_table(path, name=name, limits=LIMITS["households"])
    problems = ProblemCollector(table.name)
    text, fields = canonical_frame(table, HOUSEHOLD_HEADERS, HOUSEHOLD_REQUIRED, problems)
    report_missing(text, fields, HOUSEHOLD_REQUIRED, problems)
    report(problems, find_bad_ids(text["household_id"], "household id"), fields["household_id"])
    report(problems, find_duplicates(text["household_id"], "household id"), fields["household_id"])
    building_id, bad = resolve_buildings(text["building_id"], buildings)
    report(problems, bad, fields["building_id"])
    basement, bad = parse_bool(text["basement"])
    report(problems, bad, fields["basement"])
    basement = basement.fillna(False).astype(bool)
    floor = _floors(text["floor"], building_id, basement, buildings, fields, problems)
    _report_repeated_units(text["unit"], building_id, floor, buildings, fields["unit"], problems)
    frame = pd.DataFrame(index=text.index)
    frame["household_id"] = text["household_id"]
    frame["building_id"] = building_id
    frame["floor"] = floor
    frame["unit"] = text["unit"]
    frame = frame.join(_optional_columns(text, fields, problems))
    frame["basement"] = basement
    raise_sorted(problems, table.headers)
    frame["floor"] = frame["floor"].astype("int64")
    return frame[list(HOUSEHOLD_COLUMNS)].reset_index(drop=True)


def _optional_columns(
    text: pd.DataFrame, fields: dict[str, str], problems: ProblemCollector
) -> pd.DataFrame:
    """Residents, rented, since, phone, tags, requests and availability, parsed."""
    frame = pd.DataFrame(index=text.index)
    frame["residents"], bad = parse_whole(text["residents"], minimum=0)
    report(problems, bad, fields["residents"])
    frame["rented"], bad = parse_bool(text["rented"])
    report(problems, bad, fields["rented"])
    for column, parser in (("since", parse_since), ("availability", normal_windows)):
        frame[column], bad = parse_cells(text[column], parser)
        report(problems, bad, fields[column])
    frame["phone"], bad = parse_phone(text["phone"])
    report(problems, bad, fields["phone"])
    frame["tags"], _ = parse_cells(text["tags"], canonical_tags)
    frame["requests"] = text["requests"]
    return frame


def report_missing(
    text: pd.DataFrame,
    fields: dict[str, str],
    required: tuple[str, ...],
    problems: ProblemCollector,
) -> None:
    """One problem per empty cell of a required column."""
    for column in required:
        empty = text[column] == ""
        report(problems, pd.Series("missing value", index=text.index)[empty], fields[column])


def resolve_buildings(values: pd.Series, buildings: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Building ids for 楼栋 values given as an id or as a unique building name.

    Returns
    -------
    ids : Series
        The matched ``building_id``, "" where empty or unknown.
    bad : Series
        Row → message for values that match no building or an ambiguous name.
    """
    ids = buildings["building_id"].astype("str")
    names = buildings["name"].astype("str")
    counts = names[names != ""].value_counts()
    unique = names.isin(counts.index[counts == 1])
    by_name = pd.Series(ids[unique].to_numpy(), index=names[unique].to_numpy())
    known_id = values.isin(ids)
    resolved = values.where(known_id, values.map(by_name)).fillna("").astype("str")
    ambiguous = ~known_id & values.isin(counts.index[counts > 1])
    unknown = (values != "") & (resolved == "") & ~ambiguous
    bad = pd.concat(
        [
            "unknown building " + quoted(values[unknown]),
            "building name " + quoted(values[ambiguous]) + " is not unique; use the building id",
        ]
    )
    return resolved, bad


def _floors(
    values: pd.Series,
    building_id: pd.Series,
    basement: pd.Series,
    buildings: pd.DataFrame,
    fields: dict[str, str],
    problems: ProblemCollector,
) -> pd.Series:
    """Parse floors and check them against the building's levels and basements.

    A basement flag allows floors down to ``-max(1, basement_levels)``: registers
    often know of a cellar flat that the footprint data does not record.
    """
    floor, bad = parse_whole(values)
    report(problems, bad, fields["floor"])
    indexed = buildings.set_index(buildings["building_id"].astype("str"))
    facts = pd.DataFrame(
        {
            "floor": floor,
            "levels": building_id.map(indexed["levels"]).astype("Int64"),
            "depth": building_id.map(indexed["basement_levels"]).astype("Int64").clip(lower=1),
            "who": building_id.map(_display_names(buildings)),
        }
    )
    below = floor < 0
    rules = (
        (floor == 0, "floor 0 does not exist (the ground floor is 1, the first basement -1)"),
        (floor > facts["levels"], "floor {floor} above building {who}'s {levels} levels"),
        (below & ~basement, "negative floor {floor} needs the {flag} flag"),
        (
            below & basement & (floor < -facts["depth"]),
            "floor {floor} below building {who}'s {depth} basement level(s)",
        ),
        ((floor > 0) & basement, "{flag} flag set but floor {floor} is above ground"),
    )
    for mask, template in rules:
        for row, fact in facts[mask.fillna(False).astype(bool)].iterrows():  # bad rows only
            message = template.format(
                flag=fields["basement"], **{str(k): v for k, v in fact.items()}
            )
            problems.add(int(cast(int, row)), fields["floor"], message)
    return floor


def _display_names(buildings: pd.DataFrame) -> pd.Series:
    """building_id → its name, or the id where the name is empty."""
    ids = buildings["building_id"].astype("str")
    names = buildings["name"].astype("str")
    shown = names.where(names != "", ids).map(excerpt)
    return pd.Series(shown.to_numpy(), index=ids.to_numpy())


def _report_repeated_units(
    units: pd.Series,
    building_id: pd.Series,
    floor: pd.Series,
    buildings: pd.DataFrame,
    field: str,
    problems: ProblemCollector,
) -> None:
    known = (units != "") & (building_id != "") & floor.notna()
    keys = pd.DataFrame({"b": building_id, "f": floor, "u": units})[known]
    rows = keys.index.to_series(index=keys.index)
    first = rows.groupby([keys["b"], keys["f"], keys["u"]]).transform("min")
    repeated = keys.duplicated(keep="first")
    who = keys["b"].map(_display_names(buildings))
    message = (
        "unit "
        + keys["u"].map(excerpt)
        + " of "
        + who
        + " floor "
        + keys["f"].astype("str")
        + " listed twice: rows "
        + first.astype("str")
        + " and "
        + rows.astype("str")
    )
    report(problems, message[repeated], field)


def parse_since(value: str) -> str:
    """An ISO "YYYY-MM-DD" or "YYYY-MM" from the common ways registers write dates."""
    match = _DATE.fullmatch(value)
    if match is None:
        raise ValueError(f"not a date: '{excerpt(value)}' (expected YYYY-MM-DD or YYYY-MM)")
    year, month, day = match["y"], int(match["m"]), match["d"]
    try:
        date = dt.date(int(year), month, int(day) if day else 1)
    except ValueError:
        raise ValueError(f"not a date: '{excerpt(value)}'") from None
    return date.isoformat() if day else date.isoformat()[:7]


def normal_windows(value: str) -> str:
    """Visiting windows "9:00-12:00；14:00~17:00" as the schema writes them, sorted:
    ``09:00-12:00;14:00-17:00`` (``routing.hours.parse_windows``)."""
    return describe(parse_windows(value))


def canonical_tags(value: str) -> str:
    """Tags joined by ";": English spellings mapped to the Chinese names, others kept."""
    tags: list[str] = []
    for piece in re.split(_TAG_SEPARATORS, value):
        piece = piece.strip()
        whole = _TAG_ALIASES.get(piece.casefold())
        words = [whole] if whole else [_TAG_ALIASES.get(w.casefold(), w) for w in piece.split()]
        for word in words:
            if word and word not in tags:
                tags.append(word)
    return ";".join(tags)
