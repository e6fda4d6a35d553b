"""Checks shared by the patrol tests, reading walks through the edge table only."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from routing.network import WalkingNetwork
from routing.patrols import PatrolPlan, Walk
from routing.patrols.result import PatrolRoute


def step_nodes(edges: gpd.GeoDataFrame, edge: np.ndarray, forward: np.ndarray) -> np.ndarray:
    """(from, to) OSM node ids of each step, read from the edge table, not the solver."""
    u, v = edges["u"].to_numpy()[edge], edges["v"].to_numpy()[edge]
    return np.stack([np.where(forward, u, v), np.where(forward, v, u)], axis=1)


def assert_closed_walk(edges: gpd.GeoDataFrame, walk: Walk | PatrolRoute, start: object) -> None:
    """Consecutive steps share a node and the walk starts and ends at ``start``."""
    ends = step_nodes(edges, walk.edge, walk.forward)
    assert len(ends) > 0
    assert (ends[1:, 0] == ends[:-1, 1]).all(), "a step does not start where the last ended"
    assert ends[0, 0] == start and ends[-1, 1] == start


def start_node(network: WalkingNetwork, plan: PatrolPlan) -> object:
    """The OSM node at the plan's start point (an end of some edge)."""
    lines = network.edges.geometry
    heads = pd.Series(lines.map(lambda g: g.coords[0]).to_numpy(), index=network.edges["u"])
    tails = pd.Series(lines.map(lambda g: g.coords[-1]).to_numpy(), index=network.edges["v"])
    both = pd.concat([heads, tails])
    match = both[both.map(lambda xy: xy == (plan.start_lon, plan.start_lat))]
    assert len(match), "the start point is not a network node"
    return match.index[0]
