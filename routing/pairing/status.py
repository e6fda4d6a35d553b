"""Which scheduled pairing visits were done, which are overdue: a pure function of the records."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final

import numpy as np
import pandas as pd

from routing.pairing.schedule import VISIT_COLUMNS

# Records of visits as the web layer stores them: household, when, and (optionally) the
# outcome at the door; only "visited" counts as a visit done.
RECORD_COLUMNS: Final = ("household_id", "recorded_at", "status")
STATE_COLUMNS: Final = (*VISIT_COLUMNS, "state", "done_on")
STATES: Final = ("done", "overdue", "upcoming")


def visit_states(
    visits: pd.DataFrame, records: pd.DataFrame, today: date, *, early_days: int = 3
) -> pd.DataFrame:
    """Match recorded visits to scheduled ones: done, overdue or upcoming.

    A recorded visit to the household (whoever recorded it) counts for the scheduled
    visit whose window holds its date: from ``early_days`` before the visit's date to
    ``early_days`` before the household's next scheduled visit (open after its last).
    A scheduled visit is ``overdue`` when its date has passed (before ``today``) and
    no record falls in its window, ``upcoming`` when its date is today or later.

    Parameters
    ----------
    visits : DataFrame
        Scheduled visits per ``VISIT_COLUMNS`` (``date`` ISO text or date).
    records : DataFrame
        Recorded visits per ``RECORD_COLUMNS`` (``recorded_at`` a datetime, date or ISO
        text; ``status`` optional — when present, only "visited" counts).
    today : date
        The day the states are computed for; records after it are ignored.
    early_days : int
        How many days early a visit may be made and still count, 3.

    Returns
    -------
    DataFrame
        ``visits`` with ``state`` (one of ``STATES``) and ``done_on`` (ISO date of the
        matching record, "" when none), in the order given.
    """
    if not (isinstance(early_days, int) and early_days >= 0):
        raise ValueError(f"early_days must be an int >= 0, got {early_days!r}")
    out = visits.loc[:, list(VISIT_COLUMNS)].reset_index(drop=True)
    due = pd.to_datetime(out["date"]).dt.date
    done = _record_days(records, today)
    passed = np.array([d < today for d in due], dtype=bool)
    state = np.where(passed, "overdue", "upcoming").astype(object)
    done_on = np.full(len(out), "", dtype=object)
    early = timedelta(days=early_days)
    for _, group in out.groupby(out["household_id"].astype(str), sort=False):
        days = done.get(str(group["household_id"].iat[0]), [])
        order = group.index[np.argsort(due[group.index].to_numpy(), kind="stable")]
        dates = due[order].tolist()
        for k, idx in enumerate(order):
            low = dates[k] - early
            high = dates[k + 1] - early if k + 1 < len(dates) else date.max
            hit = next((d for d in days if low <= d < high), None)
            if hit is not None:
                state[idx], done_on[idx] = "done", hit.isoformat()
    out["state"], out["done_on"] = state, done_on
    return out.set_axis(visits.index)


def overdue(visits: pd.DataFrame, records: pd.DataFrame, today: date) -> pd.DataFrame:
    """Scheduled visits whose date has passed without a recorded visit (``visit_states``)."""
    states = visit_states(visits, records, today)
    return states[states["state"] == "overdue"]


def _record_days(records: pd.DataFrame, today: date) -> dict[str, list[date]]:
    """Household → sorted dates of its recorded visits up to ``today``."""
    missing = [c for c in RECORD_COLUMNS[:2] if c not in records.columns]
    if missing:
        raise ValueError(f"records need the columns {', '.join(missing)}")
    kept = records
    if "status" in records.columns:
        kept = records[records["status"].astype(str) == "visited"]
    when = pd.to_datetime(kept["recorded_at"])
    if getattr(when.dt, "tz", None) is not None:
        when = when.dt.tz_localize(None)
    days = when.dt.date
    out: dict[str, list[date]] = {}
    for hid, day in sorted(zip(kept["household_id"].astype(str), days, strict=True)):
        if day <= today:
            out.setdefault(hid, []).append(day)
    return out
