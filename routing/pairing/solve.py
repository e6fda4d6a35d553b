"""Pair volunteers with families: the optimum (min-cost flow) and the greedy baseline."""

from __future__ import annotations

import time

import numpy as np

from routing.errors import InputError, Problem
from routing.pairing.candidates import BoolArray, Candidates, build_candidates
from routing.pairing.explain import assemble
from routing.pairing.flow import Fixed, solve_flow
from routing.pairing.options import UNITS_PER_MIN, PairingOptions
from routing.pairing.request import PairingRequest
from routing.pairing.result import PairingResult


def solve_pairing(
    request: PairingRequest, options: PairingOptions = PairingOptions()
) -> PairingResult:
    """Pair volunteers with the households the rule table pairs.

    In order of priority: the coordinator's pins; every previous pair that is still
    possible (the volunteer stays, is not forbidden, still shares the household's hours)
    unless the volunteer is over the cap or the household now needs fewer; as many
    volunteers as the households need; then the least weighted cost of walking from
    home, missing fitting skills, other area teams and uneven loads (``PairingWeights``).
    Each volunteer takes at most ``max_families_per_volunteer`` families and only
    families whose visiting hours overlap theirs for a whole visit on some weekday.

    Parameters
    ----------
    request : PairingRequest
        Register, roster, walking costs, rules, marks, teams, previous pairs, pins, forbids.
    options : PairingOptions
        Cap, walking limit and weights.

    Returns
    -------
    PairingResult
        The optimum: pairs with reasons, every household short of volunteers explained.
    """
    start, budget = time.perf_counter(), options.budget()
    cand = build_candidates(request, options)
    fixed = fix_pairs(request, cand, options)
    flow = solve_flow(cand, fixed, options)
    pin_rows, pin_cols = np.nonzero(fixed.pinned)
    rows = np.concatenate([pin_rows, flow.rows]).astype(np.int64)
    cols = np.concatenate([pin_cols, flow.cols]).astype(np.int64)
    kept = fixed.previous[flow.rows, flow.cols]
    status = ["pinned"] * len(pin_rows) + ["kept" if k else "new" for k in kept]
    solve_s = time.perf_counter() - start
    notes: tuple[str, ...] = ()
    if budget.expired():
        notes = (f"The solve took {solve_s:.1f} s, over the {options.time_limit_s:g} s budget.",)
    return assemble(request, cand, fixed, (rows, cols, status), options, solve_s, notes)


def greedy_pairing(
    request: PairingRequest, options: PairingOptions = PairingOptions()
) -> PairingResult:
    """The baseline: each household in register order takes its nearest volunteers with room.

    Pins, forbids, caps and hours are respected as by ``solve_pairing``; previous pairs,
    skills, teams and balance are not looked at (a pair that happens to be a previous
    one counts as kept).

    Parameters
    ----------
    request : PairingRequest
        As for ``solve_pairing``.
    options : PairingOptions
        Cap and walking limit.

    Returns
    -------
    PairingResult
        The greedy pairs, explained and measured like the optimum.
    """
    start = time.perf_counter()
    cand = build_candidates(request, options)
    fixed = fix_pairs(request, cand, options)
    room = fixed.room.copy()
    walk = np.where(
        np.isnan(cand.walk_s), options.weights.unknown_home_min * UNITS_PER_MIN, cand.walk_s
    )
    allowed = cand.allowed & ~fixed.pinned
    rows: list[int] = []
    cols: list[int] = []
    for i in range(cand.shape[0]):
        need = int(fixed.need[i])
        if need <= 0:
            continue
        options_i = np.flatnonzero(allowed[i] & (room > 0))
        nearest = options_i[np.argsort(walk[i, options_i], kind="stable")][:need]
        room[nearest] -= 1
        rows += [i] * len(nearest)
        cols += nearest.tolist()
    pin_rows, pin_cols = np.nonzero(fixed.pinned)
    all_rows = np.concatenate([pin_rows, np.asarray(rows, dtype=np.int64)]).astype(np.int64)
    all_cols = np.concatenate([pin_cols, np.asarray(cols, dtype=np.int64)]).astype(np.int64)
    kept = fixed.previous[rows, cols] if rows else np.zeros(0, dtype=bool)
    status = ["pinned"] * len(pin_rows) + ["kept" if k else "new" for k in kept]
    solve_s = time.perf_counter() - start
    return assemble(request, cand, fixed, (all_rows, all_cols, status), options, solve_s)


def fix_pairs(request: PairingRequest, cand: Candidates, options: PairingOptions) -> Fixed:
    """Pins, the previous pairs still possible, and the needs and room they leave.

    Raises
    ------
    InputError
        When pins give a household more volunteers than it needs or a volunteer more
        families than the cap.
    """
    n_h, n_v = cand.shape
    pinned = _mask(request, request.pins, (n_h, n_v))
    previous = _mask(request, request.previous, (n_h, n_v))
    previous &= cand.allowed & ~pinned
    needed = request.demand["needed"].to_numpy(dtype=np.int64)
    need = needed - pinned.sum(axis=1)
    room = options.max_families_per_volunteer - pinned.sum(axis=0)
    problems = []
    households, volunteers = request.demand["household_id"].tolist(), request.volunteer_ids
    for i in np.flatnonzero(need < 0):
        pins = int(pinned[i].sum())
        message = f"{households[i]} is pinned to {pins} volunteers, it needs {needed[i]}"
        problems.append(Problem("pins", None, "household_id", message))
    cap = options.max_families_per_volunteer
    for j in np.flatnonzero(room < 0):
        pins = int(pinned[:, j].sum())
        message = f"{volunteers[j]} is pinned to {pins} families, over the cap of {cap}"
        problems.append(Problem("pins", None, "volunteer_id", message))
    if problems:
        raise InputError(problems)
    return Fixed(pinned, previous, need.astype(np.int64), room.astype(np.int64))


def _mask(
    request: PairingRequest, pairs: tuple[tuple[str, str], ...], shape: tuple[int, int]
) -> BoolArray:
    """The pairs whose household and volunteer are both known, as an H × V mask."""
    out = np.zeros(shape, dtype=bool)
    rows, cols = request.positions(pairs)
    known = (rows >= 0) & (cols >= 0)
    out[rows[known], cols[known]] = True
    return out
