"""Cases and volunteers checked and turned into the arrays the matcher works on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from routing.cases.taxonomy import Taxonomy
from routing.cases.urgency import Urgency
from routing.errors import InputError, Problem
from routing.hours import Window, describe, parse_windows
from routing.matching.columns import MATCH_CASE_REQUIRED, MATCH_VOLUNTEER_REQUIRED
from routing.matching.options import MatchOptions
from routing.matching.weekly import overlaps, parse_weekly
from routing.network import TravelMatrix

IntArray = NDArray[np.intp]
# Skill levels of a volunteer for a category (Instance.skill_level).
FIRST, OTHER, UNSKILLED, UNFIT = 0, 1, 2, -1


@dataclass(frozen=True, eq=False)
class Instance:
    """The matcher's view of one problem: per case, per volunteer, and between them.

    Case arrays have one entry per case row, volunteer arrays one per volunteer row, in
    the order given. ``skill_level[k, v]`` is FIRST (the category's first skill, or
    none needed), OTHER (a later-listed skill), UNSKILLED (no listed skill, allowed for
    optional-skill categories) or UNFIT; ``free[a, v]`` whether volunteer v's week meets
    the daily hours ``hours[a]``; ``distance[h, b]`` the matrix's metres.
    """

    case_ids: NDArray[np.object_]
    category: NDArray[np.object_]
    household: NDArray[np.object_]
    building: NDArray[np.object_]
    urgency: NDArray[np.int64]
    case_team: IntArray  # team code, -1 = none
    category_row: IntArray  # row of taxonomy.categories, -1 = unknown category
    building_row: IntArray  # row of the matrix
    hours_row: IntArray  # row of ``hours``
    hours: tuple[str, ...]  # distinct daily hours texts of the cases
    volunteer_ids: NDArray[np.object_]
    volunteer_team: IntArray  # team code, -2 = none (never equal to a case's -1)
    team_names: tuple[str, ...]  # team code → team id
    home_row: IntArray  # row of the matrix, -1 = outside
    remaining: NDArray[np.int64]  # monthly cap minus open cases, >= 0
    load: NDArray[np.int64]  # open cases already held
    skill_level: NDArray[np.int8]
    free: NDArray[np.bool_]
    distance: NDArray[np.float64]
    outside_m: float

    @property
    def n_cases(self) -> int:
        """Number of cases."""
        return len(self.case_ids)

    @property
    def n_volunteers(self) -> int:
        """Number of volunteers."""
        return len(self.volunteer_ids)


def prepare(
    cases: pd.DataFrame,
    volunteers: pd.DataFrame,
    matrix: TravelMatrix,
    taxonomy: Taxonomy,
    options: MatchOptions,
) -> Instance:
    """Check the frames and build the ``Instance``; every problem is reported at once.

    Parameters
    ----------
    cases, volunteers : DataFrame
        Per ``MATCH_CASE_COLUMNS`` and ``MATCH_VOLUNTEER_COLUMNS``.
    matrix : TravelMatrix
        Walking distances between buildings.
    taxonomy : Taxonomy
        Categories and their skills.
    options : MatchOptions
        Default cap, overlap and the distance assumed for volunteers living outside.

    Returns
    -------
    Instance
        The arrays.

    Raises
    ------
    InputError
        Missing columns, repeated ids, unreadable urgency, hours, caps or loads, case
        buildings not in the matrix — naming the frame, the case or volunteer and the
        column.
    """
    problems: list[Problem] = []
    _require(cases, MATCH_CASE_REQUIRED, "cases", problems)
    _require(volunteers, MATCH_VOLUNTEER_REQUIRED, "volunteers", problems)
    if problems:
        raise InputError(problems)
    c = _texts(cases, ("case_id", "category", "building_id", "household_id", "team_id"))
    v = _texts(volunteers, ("volunteer_id", "skills", "home_building", "team_id"))
    _unique(c["case_id"], "cases", "case_id", problems)
    _unique(v["volunteer_id"], "volunteers", "volunteer_id", problems)
    urgency = _parse(cases, "urgency", c["case_id"], "cases", problems, _urgency, 0)
    daily = _parse(cases, "availability", c["case_id"], "cases", problems, _daily, ())
    weekly = _parse(volunteers, "availability", v["volunteer_id"], "volunteers", problems,
                    parse_weekly, ())  # fmt: skip
    cap = _parse(volunteers, "monthly_cap", v["volunteer_id"], "volunteers", problems,
                 _count, options.default_cap)  # fmt: skip
    held = _parse(volunteers, "open_cases", v["volunteer_id"], "volunteers", problems, _count, 0)
    building_row = matrix.index_of(c["building_id"])
    for case, building in zip(c["case_id"][building_row < 0], c["building_id"][building_row < 0],
                              strict=True):  # fmt: skip
        problems.append(
            Problem("cases", None, "building_id",
                    f"case {case}: building {building!r} is not in the distance matrix")
        )  # fmt: skip
    if problems:
        raise InputError(problems)
    teams = sorted((set(c["team_id"]) | set(v["team_id"])) - {""})
    code = {t: i for i, t in enumerate(teams)}
    hours_text = [";".join(f"{a:.0f}-{b:.0f}" for a, b in w) for w in daily]
    _, first, hours_row = np.unique(
        np.asarray(hours_text, dtype=object), return_index=True, return_inverse=True
    )
    distinct = [daily[int(i)] for i in first]
    distance = np.asarray(matrix.distance_m, dtype=np.float64)
    finite = distance[np.isfinite(distance)]
    largest = float(finite.max()) if finite.size else 0.0
    load = np.asarray(held, dtype=np.int64)
    return Instance(
        case_ids=c["case_id"], category=c["category"], household=c["household_id"],
        building=c["building_id"], urgency=np.asarray(urgency, dtype=np.int64),
        case_team=np.array([code.get(t, -1) for t in c["team_id"]], dtype=np.intp),
        category_row=np.array([_row(taxonomy, k) for k in c["category"]], dtype=np.intp),
        building_row=building_row, hours_row=hours_row.astype(np.intp),
        hours=tuple(_hours_label(w) for w in distinct),
        volunteer_ids=v["volunteer_id"],
        volunteer_team=np.array([code.get(t, -2) for t in v["team_id"]], dtype=np.intp),
        team_names=tuple(teams), home_row=matrix.index_of(v["home_building"]),
        remaining=np.maximum(np.asarray(cap, dtype=np.int64) - load, 0), load=load,
        skill_level=_skill_levels(taxonomy, v["skills"]),
        free=np.array([[overlaps(w, d, options.min_overlap_s) for w in weekly] for d in distinct],
                      dtype=bool).reshape(len(distinct), len(weekly)),
        distance=distance,
        outside_m=largest if options.outside_m is None else float(options.outside_m),
    )  # fmt: skip


def _require(frame: pd.DataFrame, required: tuple[str, ...], name: str, out: list[Problem]) -> None:
    for column in required:
        if column not in frame.columns:
            out.append(Problem(name, None, column, f"missing column {column}"))


def _texts(frame: pd.DataFrame, columns: tuple[str, ...]) -> dict[str, NDArray[np.object_]]:
    """Columns as stripped text, "" for missing cells and absent optional columns."""
    out = {}
    for column in columns:
        values = frame[column] if column in frame.columns else pd.Series("", index=frame.index)
        out[column] = values.fillna("").astype(str).str.strip().to_numpy(dtype=object)
    return out


def _unique(ids: NDArray[np.object_], name: str, column: str, out: list[Problem]) -> None:
    seen = pd.Series(ids)
    for value in sorted(set(seen[seen.duplicated() & (seen != "")])):
        out.append(Problem(name, None, column, f"{column} {value!r} is repeated"))
    empty = int((seen == "").sum())
    if empty:
        out.append(Problem(name, None, column, f"{column} is empty in {empty} row(s)"))


def _parse(
    frame: pd.DataFrame,
    column: str,
    ids: NDArray[np.object_],
    name: str,
    out: list[Problem],
    parse: Callable[[str], Any],
    default: Any,
) -> list[Any]:
    """Parse one optional column cell by cell; empty cells and absent columns → default."""
    if column not in frame.columns:
        return [default] * len(frame)
    values = []
    for who, cell in zip(ids, frame[column].tolist(), strict=True):
        text = "" if cell is None or (not isinstance(cell, str) and pd.isna(cell)) else str(cell)
        if not text.strip():
            values.append(default)
            continue
        try:
            values.append(parse(text.strip()))
        except ValueError as error:
            out.append(Problem(name, None, column, f"{who}: {error}"))
            values.append(default)
    return values


def _urgency(text: str) -> int:
    return int(Urgency.parse(text))


def _daily(text: str) -> tuple[Window, ...]:
    return parse_windows(text)


def _count(text: str) -> int:
    number = float(text)
    if not (number.is_integer() and number >= 0):
        raise ValueError(f"expected a whole number >= 0, got {text!r}")
    return int(number)


def _row(taxonomy: Taxonomy, name: str) -> int:
    return taxonomy.names.index(name) if name in taxonomy else -1


def _hours_label(windows: tuple[Window, ...]) -> str:
    return describe(windows) if windows else ""


def _skill_levels(taxonomy: Taxonomy, skills: NDArray[np.object_]) -> NDArray[np.int8]:
    held = [{s.strip() for s in str(text).split(";") if s.strip()} for text in skills]
    out = np.full((len(taxonomy.categories), len(held)), UNFIT, dtype=np.int8)
    for k, category in enumerate(taxonomy.categories):
        for v, mine in enumerate(held):
            if not category.skills or category.skills[0] in mine:
                out[k, v] = FIRST
            elif mine & set(category.skills):
                out[k, v] = OTHER
            elif category.skills_optional:
                out[k, v] = UNSKILLED
    return out
