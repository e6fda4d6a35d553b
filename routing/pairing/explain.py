"""Reasons: why each pair was made, why a household is short of volunteers, why a pair went."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np
import pandas as pd

from routing.hours import describe
from routing.pairing.candidates import BoolArray, Candidates, IntArray
from routing.pairing.flow import Fixed
from routing.pairing.options import PairingOptions
from routing.pairing.request import PairingRequest
from routing.pairing.result import (
    DROPPED_COLUMNS,
    LOAD_COLUMNS,
    PAIR_DETAIL_COLUMNS,
    PairingResult,
    pair_metrics,
)


def assemble(
    request: PairingRequest,
    cand: Candidates,
    fixed: Fixed,
    pairs: tuple[IntArray, IntArray, Sequence[str]],
    options: PairingOptions,
    solve_s: float,
    notes: tuple[str, ...] = (),
) -> PairingResult:
    """The result of a set of pairs: rows with reasons, loads, dropped pairs, metrics.

    Parameters
    ----------
    request : PairingRequest
        The inputs.
    cand : Candidates
        The matrices the pairs index into.
    fixed : Fixed
        Pins and the previous pairs still possible.
    pairs : (ndarray, ndarray, sequence of str)
        Household rows, volunteer columns and status ("pinned", "kept", "new") of each pair.
    options : PairingOptions
        The cap and walking limit, quoted in reasons.
    solve_s : float
        Seconds the solve took.
    notes : tuple of str
        Run-level notes to pass on.

    Returns
    -------
    PairingResult
        Everything the CLI and the pages show.
    """
    rows, cols, status = pairs
    n_h, n_v = cand.shape
    made = np.zeros((n_h, n_v), dtype=bool)
    made[rows, cols] = True
    loads = made.sum(axis=0)
    dropped = _dropped(request, cand, fixed, made, options)
    lost: dict[str, list[str]] = defaultdict(list)
    for hid, vid, why in dropped:
        lost[hid].append(f"{vid} {why}")
    records = []
    demand = request.demand
    hids, vids = demand["household_id"].to_numpy(), np.asarray(request.volunteer_ids, dtype=object)
    teams = request.volunteers["team_id"].fillna("").astype(str).to_numpy(dtype=object)
    skills = demand["skills"].to_numpy(dtype=object)
    needed_all = demand["needed"].to_numpy(dtype=np.int64)
    by_row: dict[int, list[int]] = defaultdict(list)
    for k, i in enumerate(rows):
        by_row[int(i)].append(k)
    for i in range(n_h):
        hid = str(hids[i])
        for k in sorted(by_row[i], key=lambda k: vids[cols[k]]):
            j = int(cols[k])
            reason = _pair_reason(status[k], str(skills[i]), cand, i, j, lost.get(hid, []))
            walk = cand.walk_s[i, j]
            fits, own = bool(cand.fits[i, j]), bool(cand.own_team[i, j])
            records.append(
                (hid, vids[j], teams[j], round(walk / 60, 1), reason, status[k], fits, own)
            )
        needed = int(needed_all[i])
        if len(by_row[i]) < needed:
            reason = _short_reason(request, cand, i, made, loads, needed, options)
            reason = "; ".join([*lost.get(hid, []), reason])
            records.append(
                (hid, "", cand.household_team[i], np.nan, reason, "unpaired", False, False)
            )
    pairs_frame = pd.DataFrame.from_records(records, columns=list(PAIR_DETAIL_COLUMNS))
    if pairs_frame.empty:
        pairs_frame = pairs_frame.astype({"walk_min": float, "skill_fit": bool, "own_team": bool})
    loads_frame = pd.DataFrame(
        {"volunteer_id": vids.astype(str), "team_id": teams.astype(str), "families": loads},
        columns=list(LOAD_COLUMNS),
    )
    dropped_frame = pd.DataFrame(dropped, columns=list(DROPPED_COLUMNS))
    staying = sum(1 for _, vid in request.previous if vid in set(request.volunteer_ids))
    kept = sum(1 for s in status if s == "kept")
    metrics = pair_metrics(cand, rows, cols, needed_all, staying, kept, solve_s)
    return PairingResult(pairs_frame, loads_frame, dropped_frame, metrics, notes)


def _pair_reason(
    status: str, skills: str, cand: Candidates, i: int, j: int, lost: list[str]
) -> str:
    if status in ("pinned", "kept"):
        return {"pinned": "pinned by the coordinator", "kept": "kept"}[status]
    parts = ["new"]
    parts += [f"replaces {text}" for text in lost]
    if cand.skill_rule[i]:
        parts.append(f"has {skills}" if cand.fits[i, j] else f"without {skills}")
    if cand.household_team[i]:
        parts.append(
            "own area team" if cand.own_team[i, j] else f"area team {cand.household_team[i]}"
        )
    return "; ".join(parts)


def _short_reason(
    request: PairingRequest,
    cand: Candidates,
    i: int,
    made: BoolArray,
    loads: IntArray,
    needed: int,
    options: PairingOptions,
) -> str:
    """Why household row ``i`` has fewer volunteers than it needs."""
    got = int(made[i].sum())
    head = f"needs {needed}, paired {got}" if got else f"needs {needed}"
    hours = describe(request.daily[i]) or f"any time ({request.rules.default_hours})"
    allowed = ~cand.forbidden[i]
    free = allowed & cand.free[i]
    near = free & cand.near[i]
    others = near & ~made[i]
    cap = options.max_families_per_volunteer
    if not len(allowed):
        cause = "no volunteers to pair"
    elif not allowed.any():
        cause = "every volunteer is forbidden for it"
    elif not free.any():
        cause = f"no volunteer is free at its visiting hours {hours} for a whole visit"
    elif not near.any():
        cause = f"no volunteer free at its hours {hours} lives within {options.max_walk_min:g} min"
    elif not others.any():
        cause = f"only {int(near.sum())} volunteer(s) are free at its hours {hours}"
    elif (loads[others] >= cap).all():
        count = int(others.sum())
        cause = f"the {count} other volunteer(s) free at its hours have {cap} families already"
    else:
        cause = "the volunteers free at its hours went to other families first"
    return f"{head}: {cause}"


def _dropped(
    request: PairingRequest,
    cand: Candidates,
    fixed: Fixed,
    made: BoolArray,
    options: PairingOptions,
) -> list[tuple[str, str, str]]:
    """Previous pairs not made again: (household_id, volunteer_id, reason)."""
    rows, cols = request.positions(request.previous)
    needed = request.demand["needed"].to_numpy(dtype=np.int64)
    possible_v = fixed.previous.sum(axis=0)
    possible_h = fixed.previous.sum(axis=1)
    out = []
    for (hid, vid), i, j in zip(request.previous, rows, cols, strict=True):
        if j < 0:
            why = "left"
        elif i < 0:
            why = "household no longer paired"
        elif made[i, j]:
            continue
        elif cand.forbidden[i, j]:
            why = "forbidden by the coordinator"
        elif not cand.free[i, j]:
            why = "no longer free at the household's hours"
        elif not cand.near[i, j]:
            why = f"lives over {options.max_walk_min:g} min away"
        elif possible_v[j] + fixed.pinned[:, j].sum() > options.max_families_per_volunteer:
            why = f"over the cap of {options.max_families_per_volunteer} families"
        elif possible_h[i] + fixed.pinned[i].sum() > needed[i]:
            why = "household needs fewer volunteers"
        else:
            why = "moved by the optimisation"
        out.append((hid, vid, why))
    return out
