"""Fixtures of the patrol tests: the Helsinki walking network and a 300 m piece of it."""

from __future__ import annotations

import pytest
import shapely

from routing.network import WalkingNetwork
from routing.sources import OsmExtract


@pytest.fixture(scope="session")
def extract(helsinki_extract: OsmExtract) -> OsmExtract:
    """Buildings (483) and walkable ways of central Helsinki."""
    return helsinki_extract


@pytest.fixture(scope="session")
def network(helsinki_network: WalkingNetwork) -> WalkingNetwork:
    """The Helsinki walking network (6,120 edges, 5,262 nodes)."""
    return helsinki_network


@pytest.fixture(scope="session")
def small(network: WalkingNetwork) -> WalkingNetwork:
    """Streets with their midpoint within 300 m of the centre (about 1,200 edges)."""
    metric = network.edges.geometry.to_crs(network.crs)
    centre = shapely.box(*metric.total_bounds).centroid
    inside = metric.interpolate(0.5, normalized=True).distance(centre) <= 300
    return WalkingNetwork.from_edges(network.edges.loc[inside.to_numpy()].reset_index(drop=True))
