"""The pairing result: pairs and unpaired households with reasons, loads, metrics, summary."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from routing.pairing.candidates import Candidates, IntArray

# The CLI's DIR/pairs.csv header (issue 14); unpaired rows have an empty volunteer_id.
PAIR_COLUMNS: Final = ("household_id", "volunteer_id", "team_id", "walk_min", "reason")
# ``PairingResult.pairs`` adds these: "pinned" | "kept" | "new" | "unpaired", and two flags.
PAIR_DETAIL_COLUMNS: Final = (*PAIR_COLUMNS, "status", "skill_fit", "own_team")
LOAD_COLUMNS: Final = ("volunteer_id", "team_id", "families")
DROPPED_COLUMNS: Final = ("household_id", "volunteer_id", "reason")


@dataclass(frozen=True)
class PairingMetrics:
    """Quality of a pairing, computed from its pairs alone.

    Attributes
    ----------
    households : int
        Households the rule table pairs.
    volunteers_needed : int
        Volunteers they need in all.
    pairs : int
        Pairs made (pins included).
    unpaired_households : int
        Households with fewer volunteers than they need (none at all or some).
    total_walk_min : float
        Sum over pairs of the walk from the volunteer's home to the door (known homes).
    mean_walk_min : float
        Its mean per pair with a known home, 0 without pairs.
    skill_fit : float or None
        Of the paired households whose needs have fitting skills, the share with at least
        one volunteer who has one; None when there are none.
    own_team : float or None
        Of the pairs of households with a known area team, the share made within it.
    largest_load : int
        Most families of one volunteer.
    volunteers_paired : int
        Volunteers with at least one family.
    previous_staying : int
        Previous pairs whose volunteer is still on the roster.
    kept : int
        Of those, pairs made again.
    kept_share : float or None
        ``kept / previous_staying``; None without previous pairs.
    solve_s : float
        Wall-clock seconds of the solve (candidates, flow and result).
    """

    households: int
    volunteers_needed: int
    pairs: int
    unpaired_households: int
    total_walk_min: float
    mean_walk_min: float
    skill_fit: float | None
    own_team: float | None
    largest_load: int
    volunteers_paired: int
    previous_staying: int
    kept: int
    kept_share: float | None
    solve_s: float


@dataclass(frozen=True, eq=False)
class PairingResult:
    """Pairs, per-volunteer loads, previous pairs not kept, metrics and notes.

    Attributes
    ----------
    pairs : DataFrame
        ``PAIR_DETAIL_COLUMNS``, one row per pair and one per household still short of
        volunteers (empty ``volunteer_id``, the reason why). ``team_id`` is the
        volunteer's team on a pair row, the household's own area team on an unpaired row.
    loads : DataFrame
        ``LOAD_COLUMNS``: families per volunteer, every volunteer of the roster.
    dropped : DataFrame
        ``DROPPED_COLUMNS``: previous pairs not made again and why.
    metrics : PairingMetrics
        Totals.
    notes : tuple of str
        Anything the coordinator should know about the run as a whole.
    """

    pairs: pd.DataFrame
    loads: pd.DataFrame
    dropped: pd.DataFrame
    metrics: PairingMetrics
    notes: tuple[str, ...] = ()

    def made(self) -> pd.DataFrame:
        """The pair rows (a volunteer found)."""
        return self.pairs[self.pairs["volunteer_id"] != ""]

    def unpaired(self) -> pd.DataFrame:
        """The rows of households short of volunteers."""
        return self.pairs[self.pairs["volunteer_id"] == ""]

    def summary(self) -> str:
        """A few lines for the coordinator (and the CLI)."""
        m = self.metrics
        lines = [
            f"{m.pairs} pairs for {m.households} households needing {m.volunteers_needed} "
            f"volunteers; {m.unpaired_households} household(s) short of volunteers.",
            f"Walking from home: {m.total_walk_min:,.0f} min in all, {m.mean_walk_min:.1f} min "
            f"a pair; largest load {m.largest_load} families over "
            f"{m.volunteers_paired} volunteers.",
            f"Skill fit {_share(m.skill_fit)}; own area team {_share(m.own_team)}; kept "
            f"{m.kept} of {m.previous_staying} previous pairs of staying volunteers "
            f"({_share(m.kept_share)}). Solved in {m.solve_s:.2f} s.",
        ]
        return "\n".join([*lines, *self.notes])


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def pair_metrics(
    cand: Candidates,
    rows: IntArray,
    cols: IntArray,
    needed: IntArray,
    previous_staying: int,
    kept: int,
    solve_s: float,
) -> PairingMetrics:
    """Metrics of the pairs (row, column) of ``cand`` (pins included).

    Parameters
    ----------
    cand : Candidates
        The matrices the pairs index into.
    rows, cols : ndarray of int
        Household rows and volunteer columns of the pairs.
    needed : ndarray of int
        Volunteers each household needs.
    previous_staying, kept : int
        Previous pairs whose volunteer stays, and how many of them were made again.
    solve_s : float
        Seconds the solve took.

    Returns
    -------
    PairingMetrics
        Totals computed from the pairs alone.
    """
    n_h, n_v = cand.shape
    got = np.bincount(rows, minlength=n_h)
    loads = np.bincount(cols, minlength=n_v)
    walk = cand.walk_s[rows, cols]
    known = ~np.isnan(walk)
    fitted = np.zeros(n_h, dtype=bool)
    np.logical_or.at(fitted, rows, cand.fits[rows, cols])
    judged = cand.skill_rule & (got > 0)
    with_team = cand.household_team[rows] != ""
    own = cand.own_team[rows, cols][with_team]
    return PairingMetrics(
        households=n_h,
        volunteers_needed=int(needed.sum()),
        pairs=len(rows),
        unpaired_households=int((got < needed).sum()),
        total_walk_min=float(walk[known].sum() / 60),
        mean_walk_min=float(walk[known].mean() / 60) if known.any() else 0.0,
        skill_fit=float(fitted[judged].mean()) if judged.any() else None,
        own_team=float(own.mean()) if len(own) else None,
        largest_load=int(loads.max(initial=0)),
        volunteers_paired=int((loads > 0).sum()),
        previous_staying=previous_staying,
        kept=kept,
        kept_share=kept / previous_staying if previous_staying else None,
        solve_s=solve_s,
    )
