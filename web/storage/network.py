"""The community's walking network and building matrix: loaded once, the matrix stored.

Every planner, job, page and command gets them here. The matrix is kept in the
``building_matrix`` table under the digest of what it was computed from (buildings,
walking network, speed and detour factor): it is reused until an import changes the
buildings or the paths, then computed again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import zlib
from dataclasses import dataclass
from typing import Literal

import geopandas as gpd
import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from routing.costs import BuildingMatrix, CostParameters, building_matrix
from routing.network import WalkingNetwork
from web.storage import frames
from web.storage.models import Building, BuildingMatrixRecord, Community, WalkEdge

log = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class Walking:
    """A community's walking network (None without paths) and its building matrix."""

    network: WalkingNetwork | None
    matrix: BuildingMatrix


def load_network(
    session: Session, community: Community, params: CostParameters | None = None
) -> WalkingNetwork | None:
    """The community's walking network from its stored edges; None when it has none."""
    params = params or CostParameters()
    edges = frames.load_network_edges(session, community)
    return WalkingNetwork.from_edges(edges, params.speed) if edges is not None else None


def load_matrix(
    session: Session,
    community: Community,
    params: CostParameters | None = None,
    *,
    buildings: gpd.GeoDataFrame | None = None,
) -> BuildingMatrix:
    """The community's building matrix: the stored one while its inputs are unchanged,
    else computed (from the network, or straight lines without one), stored and committed
    (load it before changing anything else in ``session``).

    Parameters
    ----------
    params : CostParameters, optional
        Speed and detour factor (the defaults otherwise).
    buildings : GeoDataFrame, optional
        The community's buildings when the caller has loaded them already.
    """
    return _walking(session, community, params or CostParameters(), buildings, False).matrix


def load_walking(
    session: Session,
    community: Community,
    params: CostParameters | None = None,
    *,
    buildings: gpd.GeoDataFrame | None = None,
) -> Walking:
    """The community's network and building matrix (as ``load_matrix``: stored, else
    computed, stored and committed)."""
    return _walking(session, community, params or CostParameters(), buildings, True)


def store_matrix(
    session: Session,
    community: Community,
    params: CostParameters | None = None,
) -> BuildingMatrix:
    """Compute the community's building matrix afresh, store it and commit."""
    params = params or CostParameters()
    buildings = frames.load_buildings(session, community)
    network = load_network(session, community, params)
    matrix = building_matrix(buildings, network, params)
    _store(session, community, matrix_key(session, community, params), matrix)
    session.commit()
    return matrix


def matrix_key(session: Session, community: Community, params: CostParameters) -> str:
    """SHA-256 of what the community's matrix is computed from, in hex."""
    digest = hashlib.sha256(repr((params.speed, params.detour_factor)).encode())
    buildings = session.execute(
        select(
            Building.building_id,
            Building.entrance_lon,
            Building.entrance_lat,
            Building.footprint_wkb,
        )
        .where(Building.community_id == community.id)
        .order_by(Building.id)
    )
    for building_id, lon, lat, wkb in buildings:
        digest.update(f"b{building_id}|{lon!r}|{lat!r}|".encode())
        digest.update(wkb)
    edges = session.execute(
        select(WalkEdge.u, WalkEdge.v, WalkEdge.length_m, WalkEdge.highway, WalkEdge.geometry_wkb)
        .where(WalkEdge.community_id == community.id)
        .order_by(WalkEdge.id)
    )
    for u, v, length, highway, wkb in edges:
        digest.update(f"e{u}|{v}|{length!r}|{highway}|".encode())
        digest.update(wkb)
    return digest.hexdigest()


def stored_matrix(
    session: Session, community: Community, params: CostParameters | None = None
) -> BuildingMatrix | None:
    """The stored matrix when it was computed from the community's current inputs."""
    key = matrix_key(session, community, params or CostParameters())
    record = session.scalar(
        select(BuildingMatrixRecord)
        .where(BuildingMatrixRecord.community_id == community.id)
        .options(undefer(BuildingMatrixRecord.distance_m), undefer(BuildingMatrixRecord.time_s))
    )
    if record is None or record.key != key:
        return None
    ids = np.asarray(json.loads(record.building_ids), dtype=object)
    shape = (len(ids), len(ids))
    method: Literal["network", "straight_line"] = (
        "network" if record.method == "network" else "straight_line"
    )
    return BuildingMatrix(
        ids,
        np.frombuffer(zlib.decompress(record.distance_m), dtype=np.float64).reshape(shape).copy(),
        np.frombuffer(zlib.decompress(record.time_s), dtype=np.float64).reshape(shape).copy(),
        method,
        record.note,
    )


def _walking(
    session: Session,
    community: Community,
    params: CostParameters,
    buildings: gpd.GeoDataFrame | None,
    with_network: bool,
) -> Walking:
    matrix = stored_matrix(session, community, params)
    network = load_network(session, community, params) if with_network or matrix is None else None
    if matrix is None:
        frame = buildings if buildings is not None else frames.load_buildings(session, community)
        matrix = building_matrix(frame, network, params)
        _store(session, community, matrix_key(session, community, params), matrix)
        session.commit()
        log.info("stored the building matrix of community %s (%s)", community.id, matrix.method)
    return Walking(network, matrix)


def _store(session: Session, community: Community, key: str, matrix: BuildingMatrix) -> None:
    frames.drop_matrix(session, community)
    session.add(
        BuildingMatrixRecord(
            community_id=community.id,
            key=key,
            method=matrix.method,
            note=matrix.note,
            building_ids=json.dumps([str(b) for b in matrix.building_ids], ensure_ascii=False),
            distance_m=zlib.compress(np.ascontiguousarray(matrix.distance_m, np.float64).tobytes()),
            time_s=zlib.compress(np.ascontiguousarray(matrix.time_s, np.float64).tobytes()),
        )
    )
    session.flush()
