"""Recurring pairing visits for the next weeks: dates and times inside both sides' hours."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

import numpy as np
import pandas as pd

from routing.hours import Window, clock
from routing.pairing.request import PairingRequest
from routing.pairing.weekly import DAY_NAMES, weekly_overlap

# The CLI's DIR/pairing_visits.csv header (issue 14): ISO date, HH:MM start and end.
VISIT_COLUMNS: Final = ("date", "household_id", "volunteer_id", "start", "end")
UNSCHEDULED_COLUMNS: Final = ("household_id", "volunteer_id", "reason")
SLOT_S: Final = 300  # visits start on the 5-minute grid
MAX_WEEKS: Final = 52


@dataclass(frozen=True, eq=False)
class VisitSchedule:
    """Pairing visits of ``weeks`` weeks from ``start``, and the pairs left without a slot.

    Attributes
    ----------
    visits : DataFrame
        ``VISIT_COLUMNS``, sorted by date, volunteer and start.
    unscheduled : DataFrame
        ``UNSCHEDULED_COLUMNS``: pairs for which no weekly slot was found, and why.
    start : date
        First day of week 0 (weeks run seven days from it).
    weeks : int
        Weeks scheduled.
    """

    visits: pd.DataFrame
    unscheduled: pd.DataFrame
    start: date
    weeks: int

    def week(self, k: int) -> pd.DataFrame:
        """The visits of week ``k`` (0 = the week starting on ``start``)."""
        first = self.start + timedelta(days=7 * k)
        days = {(first + timedelta(days=d)).isoformat() for d in range(7)}
        return self.visits[self.visits["date"].isin(days)]

    def summary(self) -> str:
        """One line for the coordinator."""
        volunteers = self.visits["volunteer_id"].nunique()
        end = self.start + timedelta(days=7 * self.weeks - 1)
        line = (
            f"{len(self.visits)} pairing visits {self.start.isoformat()}..{end.isoformat()} "
            f"by {volunteers} volunteers"
        )
        if len(self.unscheduled):
            line += f"; {len(self.unscheduled)} pair(s) without a weekly slot"
        return line + "."


def schedule_visits(
    request: PairingRequest,
    pairs: pd.DataFrame,
    *,
    start: date,
    weeks: int,
    last_visits: Mapping[str, date] | None = None,
) -> VisitSchedule:
    """Schedule the paired volunteers' visits for ``weeks`` weeks.

    A household is visited every ``every_weeks`` weeks (its rule): the first visit one
    interval after its last recorded one (at once when that is overdue), or, without a
    record, in the week of the interval that evens out its volunteers' weeks. Several
    volunteers of one family (多对一) take its visits in turn. Each volunteer keeps one
    standing weekly slot per family: families whose hours allow it are seen on one
    outing, one after another with the walk between their doors, on the weekday that
    fits most of them; the others on further days. Slots lie inside both the
    volunteer's weekly hours and the household's visiting hours (``default_hours`` for
    a side that gives none), so no volunteer is ever booked twice.

    Parameters
    ----------
    request : PairingRequest
        The inputs of the pairing (households' frequencies and hours, volunteers'
        weeks, walking costs).
    pairs : DataFrame
        ``household_id`` and ``volunteer_id`` of the pairs (rows with an empty
        ``volunteer_id`` are ignored), e.g. ``PairingResult.pairs``.
    start : date
        First day of the schedule.
    weeks : int
        Number of weeks, 1..52.
    last_visits : mapping of str to date, optional
        Household → date of its last recorded pairing visit.

    Returns
    -------
    VisitSchedule
        The visits and the pairs without a slot.
    """
    if not (isinstance(weeks, int) and 1 <= weeks <= MAX_WEEKS):
        raise ValueError(f"weeks must be an int in 1..{MAX_WEEKS}, got {weeks!r}")
    last_visits = dict(last_visits or {})
    volunteers_of, unscheduled = _volunteers_of(request, pairs)
    demand = request.demand
    row_of = {h: i for i, h in enumerate(demand["household_id"])}
    every = demand["every_weeks"].to_numpy(dtype=np.int64)
    slots: dict[tuple[str, str], tuple[int, float]] = {}
    families: dict[str, list[int]] = defaultdict(list)
    for hid in sorted(volunteers_of):
        for vid in volunteers_of[hid]:
            families[vid].append(row_of[hid])
    weekly = dict(zip(request.volunteer_ids, request.weekly, strict=True))
    for vid in sorted(families):
        placed, missing = _standing_slots(request, weekly[vid], families[vid])
        slots.update({(str(demand["household_id"].iat[i]), vid): s for i, s in placed.items()})
        unscheduled += [(str(demand["household_id"].iat[i]), vid, why) for i, why in missing]
    due = _due_weeks(volunteers_of, row_of, every, start, weeks, last_visits)
    rows = []
    visit_s = request.visit_s
    for hid, week_list in due.items():
        turn = volunteers_of[hid]
        k = int(every[row_of[hid]])
        for w in week_list:
            first = _absolute_week(start, w) // k
            for step in range(len(turn)):
                vid = turn[(first + step) % len(turn)]
                if (hid, vid) in slots:
                    day, at = slots[(hid, vid)]
                    when = start + timedelta(days=7 * w + (day - start.weekday()) % 7)
                    rows.append((when.isoformat(), hid, vid, _hhmm(at), _hhmm(at + visit_s)))
                    break
    visits = pd.DataFrame(rows, columns=list(VISIT_COLUMNS))
    visits = visits.sort_values(["date", "volunteer_id", "start"], kind="stable")
    return VisitSchedule(
        visits.reset_index(drop=True),
        pd.DataFrame(unscheduled, columns=list(UNSCHEDULED_COLUMNS)),
        start,
        weeks,
    )


def _volunteers_of(
    request: PairingRequest, pairs: pd.DataFrame
) -> tuple[dict[str, list[str]], list[tuple[str, str, str]]]:
    """Household → its volunteers (sorted), and pairs that cannot be scheduled."""
    known_h = set(request.demand["household_id"])
    known_v = set(request.volunteer_ids)
    out: dict[str, list[str]] = defaultdict(list)
    bad = []
    households = pairs["household_id"].fillna("").astype(str)
    for hid, vid in zip(households, pairs["volunteer_id"].fillna("").astype(str), strict=True):
        if not vid:
            continue
        if hid not in known_h:
            bad.append((hid, vid, "household no longer paired"))
        elif vid not in known_v:
            bad.append((hid, vid, "volunteer not on the roster"))
        elif vid not in out[hid]:
            out[hid].append(vid)
    return {h: sorted(v) for h, v in out.items()}, bad


def _absolute_week(start: date, week: int) -> int:
    """Weeks since 0001-01-01 (a Monday), so that turns continue from one run to the next."""
    return (start + timedelta(days=7 * week)).toordinal() // 7


def _due_weeks(
    volunteers_of: Mapping[str, list[str]],
    row_of: Mapping[str, int],
    every: np.ndarray,
    start: date,
    weeks: int,
    last_visits: Mapping[str, date],
) -> dict[str, list[int]]:
    """Week indexes (0..weeks-1) in which each household is due.

    Households with a last visit continue its rhythm. The others choose, in order of
    frequency then id, the phase in their interval whose weeks are least busy for their
    volunteers (counted over at least one whole interval, so that short schedules
    still spread fortnightly families over both weeks).
    """
    span = max(weeks, int(every.max(initial=1)))
    busy: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(span, dtype=np.int64))
    out: dict[str, list[int]] = {}
    order = sorted(volunteers_of, key=lambda h: (int(every[row_of[h]]), h))
    for hid in order:
        k, turn = int(every[row_of[hid]]), volunteers_of[hid]
        if hid in last_visits:
            next_due = last_visits[hid] + timedelta(days=7 * k)
            # Due in the week holding its date; an overdue visit goes into the first week.
            phase = max(0, (next_due - start).days // 7)
            candidates = [phase]
        else:
            candidates = list(range(k))

        def load(phase: int, k: int = k, turn: list[str] = turn) -> int:
            return sum(
                int(busy[turn[(_absolute_week(start, w) // k) % len(turn)]][w])
                for w in range(phase, span, k)
            )

        phase = min(candidates, key=lambda p: (load(p), p))
        for w in range(phase, span, k):
            busy[turn[(_absolute_week(start, w) // k) % len(turn)]][w] += 1
        out[hid] = list(range(phase, weeks, k))
    return out


def _standing_slots(
    request: PairingRequest, weekly: tuple[tuple[int, float, float], ...], rows: list[int]
) -> tuple[dict[int, tuple[int, float]], list[tuple[int, str]]]:
    """A weekly (weekday, start) per family of one volunteer, outings as chains.

    Returns the slot of each household row placed and (row, reason) of the others.
    """
    hours, visit_s = request.rules.hours, request.visit_s
    windows = {i: weekly_overlap(weekly, request.daily[i], hours, visit_s) for i in rows}
    positions = request.household_positions()[rows]
    walk = request.costs.submatrix(positions)
    local = {i: k for k, i in enumerate(rows)}
    placed: dict[int, tuple[int, float]] = {}
    remaining = [i for i in rows if windows[i]]
    used_days: set[int] = set()
    while remaining:
        best: tuple[tuple[int, float, int], int, list[tuple[int, float]]] | None = None
        for day in range(7):
            if day in used_days:
                continue
            chain = _chain(day, remaining, windows, walk, local, visit_s)
            if chain:
                span = chain[-1][1] - chain[0][1]
                key = (-len(chain), span, day)
                if best is None or key < best[0]:
                    best = (key, day, chain)
        if best is None:
            break
        _, day, chain = best
        used_days.add(day)
        for i, at in chain:
            placed[i] = (day, at)
        remaining = [i for i in remaining if i not in placed]
    missing = []
    for i in rows:
        if not windows[i]:
            missing.append((i, "the volunteer's week and the household's hours never overlap"))
        elif i not in placed:
            days = "、".join(DAY_NAMES[d] for d in sorted(windows[i]))
            missing.append((i, f"the volunteer's other families fill their common days ({days})"))
    return placed, missing


def _chain(
    day: int,
    remaining: list[int],
    windows: Mapping[int, dict[int, tuple[Window, ...]]],
    walk: np.ndarray,
    local: Mapping[int, int],
    visit_s: float,
) -> list[tuple[int, float]]:
    """One outing on ``day``: repeatedly the family that can be seen soonest after the last."""
    chain: list[tuple[int, float]] = []
    free_from, last = -math.inf, None
    todo = [i for i in remaining if day in windows[i]]
    while todo:
        options = []
        for i in todo:
            ready = free_from + (walk[local[last], local[i]] if last is not None else 0.0)
            at = _earliest(windows[i][day], ready, visit_s)
            if at is not None:
                options.append((at, i))
        if not options:
            break
        at, i = min(options)
        chain.append((i, at))
        free_from, last = at + visit_s, i
        todo.remove(i)
    return chain


def _earliest(windows: tuple[Window, ...], ready: float, visit_s: float) -> float | None:
    """First start on the 5-minute grid at or after ``ready`` with the visit inside a window."""
    for a, b in windows:
        at = math.ceil(max(a, ready) / SLOT_S) * SLOT_S
        if at + visit_s <= b:
            return float(at)
    return None


def _hhmm(seconds: float) -> str:
    return clock(seconds, with_seconds=False)
