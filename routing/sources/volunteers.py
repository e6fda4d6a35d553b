"""Read the volunteer roster (CSV/XLSX) into the volunteers frame."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from routing.errors import ProblemCollector
from routing.schema import VOLUNTEER_COLUMNS, VOLUNTEER_HEADERS, VOLUNTEER_REQUIRED
from routing.sources.households import report_missing, resolve_buildings
from routing.sources.limits import LIMITS
from routing.sources.tables import (
    canonical_frame,
    find_bad_ids,
    find_duplicates,
    parse_phone,
    raise_sorted,
    read_table,
    report,
    split_list,
)


def read_volunteers(
    path: str | Path, buildings: pd.DataFrame, *, name: str | None = None
) -> pd.DataFrame:
    """Read and validate a volunteer roster.

    Parameters
    ----------
    path : str or Path
        CSV or XLSX with headers from ``routing.schema.VOLUNTEER_HEADERS``.
    buildings : DataFrame
        The buildings frame; a home building is matched by id, then by unique name,
        and may be empty (the volunteer lives outside the community).
    name : str, optional
        How the file is named in messages; default its basename.

    Returns
    -------
    DataFrame
        ``VOLUNTEER_COLUMNS`` with a RangeIndex, in file order; skills joined by ";".

    Raises
    ------
    InputError
        Every problem of every row.
    """
    table = read_table(path, name=name, limits=LIMITS["volunteers"])
    problems = ProblemCollector(table.name)
    text, fields = canonical_frame(table, VOLUNTEER_HEADERS, VOLUNTEER_REQUIRED, problems)
    report_missing(text, fields, VOLUNTEER_REQUIRED, problems)
    report(problems, find_bad_ids(text["volunteer_id"], "volunteer id"), fields["volunteer_id"])
    report(problems, find_duplicates(text["volunteer_id"], "volunteer id"), fields["volunteer_id"])
    report(problems, find_bad_ids(text["team_id"], "team id"), fields["team_id"])
    frame = pd.DataFrame(index=text.index)
    frame["volunteer_id"] = text["volunteer_id"]
    frame["name"] = text["name"]
    frame["phone"], bad = parse_phone(text["phone"])
    report(problems, bad, fields["phone"])
    frame["home_building"], bad = resolve_buildings(text["home_building"], buildings)
    report(problems, bad, fields["home_building"])
    frame["skills"] = split_list(text["skills"], r"[;；,，、/]+").str.join(";").astype("str")
    frame["team_id"] = text["team_id"]
    raise_sorted(problems, table.headers)
    return frame[list(VOLUNTEER_COLUMNS)].reset_index(drop=True)
