"""Write plans as the CLI's files: visits.csv, dropped.csv and one GPX per team and session."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from routing.spreadsheet import formula_safe
from routing.visits.result import DROPPED_COLUMNS, STOP_COLUMNS, EventDayPlan, VisitPlan

# Plain UTF-8: other tools read these files by their exact header. The web pages add a
# byte-order mark when a coordinator downloads them for Excel (web/downloads.py).
CSV_ENCODING = "utf-8"


def gpx_name(team_id: str, session: int) -> str:
    """File name of a team's session track: ``visits_<team>_s<session>.gpx``."""
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in str(team_id)) or "team"
    return f"visits_{safe}_s{session}.gpx"


def write_outputs(plans: Iterable[VisitPlan] | EventDayPlan, out_dir: str | Path) -> list[Path]:
    """Write ``visits.csv``, ``dropped.csv`` and ``visits_<team>_s<n>.gpx`` files.

    Parameters
    ----------
    plans : iterable of VisitPlan, or EventDayPlan
        One plan per team (its households left out are in its ``dropped``), or an
        event day (whose pooled left-outs are written with an empty ``team_id``).
    out_dir : str or Path
        Directory, created if missing.

    Returns
    -------
    list of Path
        The files written: the two CSVs, then the GPX files.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if isinstance(plans, EventDayPlan):
        teams = list(plans.plans)
        dropped = [plans.dropped.assign(team_id="")]
    else:
        teams = list(plans)
        dropped = [plan.dropped.assign(team_id=plan.team_id) for plan in teams]
    stops = [plan.stops for plan in teams]
    visits = (
        pd.concat(stops, ignore_index=True) if stops else pd.DataFrame(columns=list(STOP_COLUMNS))
    )
    left = pd.concat(dropped, ignore_index=True) if dropped else pd.DataFrame()
    left = left.reindex(columns=["team_id", *DROPPED_COLUMNS])
    written = [out / "visits.csv", out / "dropped.csv"]
    # Team and household ids come from imported files: no cell may run as a formula.
    visits = formula_safe(visits.loc[:, list(STOP_COLUMNS)])
    visits.to_csv(written[0], index=False, encoding=CSV_ENCODING)
    formula_safe(left).to_csv(written[1], index=False, encoding=CSV_ENCODING)
    for plan in teams:
        for route in plan.routes:
            path = out / gpx_name(plan.team_id, route.session)
            path.write_text(plan.to_gpx(route.session), encoding="utf-8")
            written.append(path)
    return written
