"""The pairing as a min-cost flow (OR-Tools): keep, then cover, then walk, skills, teams, load.

Nodes: a source, one node per household (supply: the volunteers it still needs), one
"skilled" node per household whose needs have fitting skills, one node per volunteer,
and a sink. A unit of flow is one volunteer for one family:

    source ─need─▶ household ─▶ volunteer ─cap─▶ sink        (volunteers without the skill)
                   household ─▶ skilled ─▶ volunteer          (volunteers with a fitting skill)
                   household ─unmet─▶ sink                     (a volunteer not found)

Every unit leaves its household on exactly one pair arc or on the unmet arc, so a
constant added to all of them changes nothing but the sign: adding ``keep`` to every
arc except the previous pairs' rewards keeping a pair without negative costs. ``unmet``
exceeds any total of walks, skills, teams and loads, and ``keep`` exceeds ``unmet``
times the units plus that total: the optimum keeps every pair it can, then pairs as many
families as possible, then minimises the weighted cost — one flow, lexicographic.

Convex pieces stay a flow: the first skilled volunteer of a family is worth
``unskilled_min`` and later ones ``second_skilled_min`` (two household → skilled arcs),
and a volunteer's k-th family costs (k - 1) × ``load_step_min`` (one arc per family).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from ortools.graph.python import min_cost_flow

from routing.pairing.candidates import BoolArray, Candidates, IntArray
from routing.pairing.options import UNITS_PER_MIN, PairingOptions

SOURCE, SINK = 0, 1


@dataclass(frozen=True, eq=False)
class Fixed:
    """Pairs decided before the flow and what they leave to it."""

    pinned: BoolArray  # (H, V)
    previous: BoolArray  # (H, V) previous pairs still possible (volunteer stays, allowed)
    need: IntArray  # (H,) volunteers still needed after pins
    room: IntArray  # (V,) families a volunteer may still take after pins


@dataclass(frozen=True, eq=False)
class FlowSolution:
    """The pairs (household row, volunteer column) the flow made, and its cost."""

    rows: IntArray
    cols: IntArray
    cost: int
    solve_s: float


def solve_flow(cand: Candidates, fixed: Fixed, options: PairingOptions) -> FlowSolution:
    """Pair volunteers with households by one min-cost flow.

    Parameters
    ----------
    cand : Candidates
        Allowed pairs and their costs.
    fixed : Fixed
        Pins (already made), previous pairs, remaining needs and room.
    options : PairingOptions
        Weights.

    Returns
    -------
    FlowSolution
        The pairs made by the flow (pins excluded), as (row, column) arrays.
    """
    start = time.perf_counter()
    n_h, n_v = cand.shape
    w = options.weights
    arcs = cand.allowed & ~fixed.pinned & (fixed.need[:, None] > 0) & (fixed.room[None, :] > 0)
    rows, cols = np.nonzero(arcs)
    skilled = cand.skill_rule[rows] & cand.fits[rows, cols]
    unskilled_u = round(w.unskilled_min * UNITS_PER_MIN)
    second_u = round((w.unskilled_min - w.second_skilled_min) * UNITS_PER_MIN)
    step_u = round(w.load_step_min * UNITS_PER_MIN)
    pair_cost = cand.cost[rows, cols] + np.where(cand.skill_rule[rows] & ~skilled, unskilled_u, 0)
    units = int(fixed.need.sum())
    # Most that walks, skills, teams and loads can add up to for one unit and for all.
    largest = int(pair_cost.max(initial=0)) + second_u + step_u * options.max_families_per_volunteer
    unmet_u = largest * units + 1
    keep_u = unmet_u * units + largest * units + 1
    # OR-Tools scales costs by the node count; the total must fit in 64 bits too.
    if (keep_u + unmet_u) * max(2 * n_h + n_v + 3, units) >= 2**62:
        raise ValueError(f"{units} volunteers to find is too large for one pairing flow")
    pair_cost = pair_cost + np.where(fixed.previous[rows, cols], 0, keep_u)

    household = 2 + np.arange(n_h)
    skill_node = 2 + n_h + np.arange(n_h)
    volunteer = 2 + 2 * n_h + np.arange(n_v)
    tails: list[NDArray[np.int64]] = []
    heads: list[NDArray[np.int64]] = []
    caps: list[NDArray[np.int64]] = []
    costs: list[NDArray[np.int64]] = []

    def add(tail: object, head: object, cap: object, cost: object) -> int:
        """Add the arcs of positive capacity; return the index of the first one."""
        arrays = (np.asarray(x, dtype=np.int64) for x in (tail, head, cap, cost))
        t, h, c, u = np.broadcast_arrays(*arrays)
        keep = c > 0
        offset = sum(len(x) for x in tails)
        tails.append(t[keep])
        heads.append(h[keep])
        caps.append(c[keep])
        costs.append(u[keep])
        return offset

    need = fixed.need
    add(SOURCE, household, need, 0)
    add(household, SINK, need, unmet_u + keep_u)
    pinned_skilled = (fixed.pinned & cand.fits).any(axis=1)
    first = cand.skill_rule & ~pinned_skilled & (need > 0)
    add(household, skill_node, first.astype(np.int64), 0)
    add(household, skill_node, np.where(cand.skill_rule, need - first, 0), second_u)
    first_pair = add(
        np.where(skilled, skill_node[rows], household[rows]), volunteer[cols], 1, pair_cost
    )
    # One arc per further family of a volunteer: the k-th costs (k - 1) steps.
    taken = fixed.pinned.sum(axis=0)
    owner = np.repeat(np.arange(n_v), fixed.room)
    before = np.repeat(np.cumsum(fixed.room) - fixed.room, fixed.room)
    kth = taken[owner] + np.arange(len(owner)) - before
    add(volunteer[owner], SINK, 1, step_u * kth)

    flow = min_cost_flow.SimpleMinCostFlow()
    tail, head = np.concatenate(tails), np.concatenate(heads)
    flow.add_arcs_with_capacity_and_unit_cost(
        tail, head, np.concatenate(caps), np.concatenate(costs)
    )
    flow.set_node_supply(SOURCE, units)
    flow.set_node_supply(SINK, -units)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"the pairing flow did not solve (OR-Tools status {status})")
    used = flow.flows(np.arange(first_pair, first_pair + len(rows))) > 0
    chosen_rows, chosen_cols = rows[used], cols[used]
    kept = int(fixed.previous[chosen_rows, chosen_cols].sum())
    unmet = units - int(used.sum())
    cost = int(flow.optimal_cost()) - keep_u * (int(used.sum()) - kept) - (unmet_u + keep_u) * unmet
    return FlowSolution(
        chosen_rows.astype(np.int64),
        chosen_cols.astype(np.int64),
        cost,
        time.perf_counter() - start,
    )
