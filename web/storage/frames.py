"""Frames in and out of the database: a community's tables written in one transaction, read back."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from routing.schema import BUILDING_COLUMNS, HOUSEHOLD_COLUMNS, VOLUNTEER_COLUMNS, WGS84
from web.storage.models import (
    Building,
    BuildingMatrixRecord,
    Community,
    Household,
    ImportRecord,
    Team,
    Volunteer,
    WalkEdge,
)

DEFAULT_COMMUNITY = "默认社区"


def get_or_create_community(session: Session, name: str) -> Community:
    """The community called ``name``, created when missing."""
    community = session.scalar(select(Community).where(Community.name == name))
    if community is None:
        community = Community(name=name)
        session.add(community)
        session.flush()
    return community


def find_community(session: Session, name: str | None) -> Community | None:
    """The community called ``name``; without a name, the only (or first) one."""
    if name is not None:
        return session.scalar(select(Community).where(Community.name == name))
    return session.scalar(select(Community).order_by(Community.id))


# --- writing ------------------------------------------------------------------------


def _records(frame: pd.DataFrame, columns: Iterable[str]) -> list[dict[str, Any]]:
    out = frame.loc[:, list(columns)].astype(object)
    out = out.where(pd.notna(out), None)
    return out.to_dict("records")  # type: ignore[return-value]


def _insert_records(
    session: Session,
    model: type[Household] | type[Volunteer],
    community: Community,
    frame: pd.DataFrame,
    columns: Iterable[str],
) -> int:
    """Insert ``frame``'s ``columns`` as rows of ``model`` in ``community``; the row count."""
    rows = _records(frame, columns)
    for row in rows:
        row["community_id"] = community.id
    if rows:
        session.execute(insert(model), rows)
    return len(rows)


def replace_buildings(session: Session, community: Community, buildings: gpd.GeoDataFrame) -> int:
    """Replace the community's buildings with ``buildings`` (schema BUILDING_COLUMNS)."""
    drop_matrix(session, community)
    session.execute(delete(Building).where(Building.community_id == community.id))
    columns = [c for c in BUILDING_COLUMNS if c != "geometry"]
    rows = _records(pd.DataFrame(buildings), columns)
    wkb = shapely.to_wkb(buildings.to_crs(WGS84).geometry.to_numpy())
    for row, blob in zip(rows, wkb, strict=True):
        row["community_id"] = community.id
        row["footprint_wkb"] = blob
    if rows:
        session.execute(insert(Building), rows)
    return len(rows)


def replace_households(session: Session, community: Community, households: pd.DataFrame) -> int:
    """Replace the community's household register."""
    session.execute(delete(Household).where(Household.community_id == community.id))
    return _insert_records(session, Household, community, households, HOUSEHOLD_COLUMNS)


def replace_volunteers(session: Session, community: Community, volunteers: pd.DataFrame) -> int:
    """Replace the community's roster and the teams named in it."""
    session.execute(delete(Volunteer).where(Volunteer.community_id == community.id))
    session.execute(delete(Team).where(Team.community_id == community.id))
    count = _insert_records(session, Volunteer, community, volunteers, VOLUNTEER_COLUMNS)
    teams = sorted({str(t) for t in volunteers["team_id"] if t})
    if teams:
        session.execute(insert(Team), [{"community_id": community.id, "team_id": t} for t in teams])
    return count


def replace_network(session: Session, community: Community, edges: gpd.GeoDataFrame) -> int:
    """Replace the community's walking network (edges with u, v, length_m, highway)."""
    drop_matrix(session, community)
    session.execute(delete(WalkEdge).where(WalkEdge.community_id == community.id))
    frame = edges.to_crs(WGS84)
    wkb = shapely.to_wkb(frame.geometry.to_numpy())
    highway = frame["highway"] if "highway" in frame else pd.Series("", index=frame.index)
    rows = [
        {
            "community_id": community.id,
            "u": str(u),
            "v": str(v),
            "length_m": float(length),
            "highway": str(hw) if isinstance(hw, str) else "",
            "geometry_wkb": blob,
        }
        for u, v, length, hw, blob in zip(
            frame["u"], frame["v"], frame["length_m"], highway, wkb, strict=True
        )
    ]
    if rows:
        session.execute(insert(WalkEdge), rows)
    return len(rows)


def drop_matrix(session: Session, community: Community) -> None:
    """Forget the community's stored building matrix (its buildings or paths change)."""
    session.execute(
        delete(BuildingMatrixRecord).where(BuildingMatrixRecord.community_id == community.id)
    )


def record_import(
    session: Session, community: Community, files: Mapping[str, str], counts: Mapping[str, int]
) -> None:
    """Keep an audit row of what an import stored (file names and counts only)."""
    session.add(
        ImportRecord(
            community_id=community.id,
            files=json.dumps(dict(files), ensure_ascii=False),
            counts=json.dumps(dict(counts)),
        )
    )


# --- reading ------------------------------------------------------------------------


def load_buildings(session: Session, community: Community) -> gpd.GeoDataFrame:
    """The community's buildings as a GeoDataFrame (schema BUILDING_COLUMNS, WGS84)."""
    rows = session.scalars(
        select(Building).where(Building.community_id == community.id).order_by(Building.id)
    ).all()
    data = {c: [getattr(r, c) for r in rows] for c in BUILDING_COLUMNS if c != "geometry"}
    frame = pd.DataFrame(data, columns=[c for c in BUILDING_COLUMNS if c != "geometry"])
    for column in ("entrance_lon", "entrance_lat"):
        frame[column] = frame[column].astype(float)
    geometry = shapely.from_wkb(np.array([r.footprint_wkb for r in rows], dtype=object))
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometry, crs=WGS84), crs=WGS84)


def load_households(session: Session, community: Community) -> pd.DataFrame:
    """The community's household register (schema HOUSEHOLD_COLUMNS)."""
    columns = [getattr(Household, c) for c in HOUSEHOLD_COLUMNS]
    result = session.execute(
        select(*columns).where(Household.community_id == community.id).order_by(Household.id)
    )
    frame = pd.DataFrame(result.all(), columns=list(HOUSEHOLD_COLUMNS))
    frame["residents"] = frame["residents"].astype("Int64")
    frame["rented"] = frame["rented"].astype("boolean")
    frame["floor"] = frame["floor"].astype("int64")
    frame["basement"] = frame["basement"].astype(bool)
    return frame


def load_volunteers(session: Session, community: Community) -> pd.DataFrame:
    """The community's roster (schema VOLUNTEER_COLUMNS)."""
    columns = [getattr(Volunteer, c) for c in VOLUNTEER_COLUMNS]
    result = session.execute(
        select(*columns).where(Volunteer.community_id == community.id).order_by(Volunteer.id)
    )
    return pd.DataFrame(result.all(), columns=list(VOLUNTEER_COLUMNS))


def load_team_ids(session: Session, community: Community) -> list[str]:
    """The community's team ids in order."""
    return list(
        session.scalars(
            select(Team.team_id).where(Team.community_id == community.id).order_by(Team.team_id)
        )
    )


def load_network_edges(session: Session, community: Community) -> gpd.GeoDataFrame | None:
    """The stored walking-network edges (u, v, length, highway, geometry), or None."""
    result = session.execute(
        select(WalkEdge.u, WalkEdge.v, WalkEdge.length_m, WalkEdge.highway, WalkEdge.geometry_wkb)
        .where(WalkEdge.community_id == community.id)
        .order_by(WalkEdge.id)
    ).all()
    if not result:
        return None
    frame = pd.DataFrame(result, columns=["u", "v", "length", "highway", "wkb"])
    geometry = shapely.from_wkb(frame.pop("wkb").to_numpy())
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometry, crs=WGS84), crs=WGS84)


def counts(session: Session, community: Community) -> dict[str, int]:
    """How many buildings, households, volunteers, teams and edges the community has."""
    out: dict[str, int] = {}
    for key, model in (
        ("buildings", Building),
        ("households", Household),
        ("volunteers", Volunteer),
        ("teams", Team),
        ("walk_edges", WalkEdge),
    ):
        out[key] = (
            session.scalar(
                select(func.count()).select_from(model).where(model.community_id == community.id)
            )
            or 0
        )
    return out
