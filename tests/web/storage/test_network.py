"""The community's building matrix: stored by `redvest matrix`, reused, dropped by an import."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import numpy as np
from sqlalchemy import delete, select

from routing.costs import CostParameters, building_matrix
from routing.territories.metrics import area_loops
from tests.web.support import community_session
from web.cli import main
from web.storage import frames
from web.storage.engine import open_engine, session_factory
from web.storage.models import BuildingMatrixRecord
from web.storage.network import load_network, matrix_key, stored_matrix
from web.territory.operations import PlanRequest, plan_territories

DATA = Path(__file__).resolve().parents[3] / "data"


def test_matrix_command_stores_the_matrix(demo_copy: Path) -> None:
    engine = open_engine(demo_copy)
    with session_factory(engine)() as session:
        session.execute(delete(BuildingMatrixRecord))
        session.commit()
    assert main(["matrix", "--db", str(demo_copy)]) == 0
    with session_factory(engine)() as session:
        community = frames.find_community(session, None)
        assert community is not None
        params = CostParameters()
        record = session.scalar(select(BuildingMatrixRecord))
        assert record is not None and record.community_id == community.id
        assert record.key == matrix_key(session, community, params)
        stored = stored_matrix(session, community, params)
        buildings = frames.load_buildings(session, community)
        fresh = building_matrix(buildings, load_network(session, community, params), params)
    engine.dispose()
    assert stored is not None and stored.method == fresh.method == "network"
    assert stored.building_ids.tolist() == buildings["building_id"].tolist()
    np.testing.assert_array_equal(stored.distance_m, fresh.distance_m)
    np.testing.assert_array_equal(stored.time_s, fresh.time_s)


def test_the_planner_reuses_the_stored_matrix(demo_copy: Path) -> None:
    with community_session(demo_copy) as (session, community):
        true = stored_matrix(session, community)
        assert true is not None  # `redvest demo` stored it
        # Ten times the distances under the same key: a planner that recomputed the
        # matrix would measure true loops, one that reuses it measures ten times theirs.
        record = session.scalar(select(BuildingMatrixRecord))
        assert record is not None
        record.distance_m = zlib.compress((true.distance_m * 10.0).tobytes())
        session.commit()
        request = PlanRequest(time_limit_s=1.0, fresh=True, teams=10)
        plan, _record = plan_territories(session, community, request)
        buildings = frames.load_buildings(session, community)
    a = plan.household_assignment()
    teams = [t.team_id for t in plan.teams]
    loops = np.array([t.loop_m for t in plan.teams])
    assert loops.max() > 0
    np.testing.assert_allclose(loops, 10.0 * area_loops(a, teams, buildings, true), rtol=1e-9)


def test_a_reimport_of_the_map_drops_the_matrix(demo_copy: Path) -> None:
    with community_session(demo_copy) as (session, community):
        assert stored_matrix(session, community) is not None
        name = community.name
    pbf = DATA / "osm" / "helsinki.osm.pbf"
    assert main(["import", "--db", str(demo_copy), "--community", name, "--osm", str(pbf)]) == 0
    with community_session(demo_copy, name) as (session, community):
        assert session.scalar(select(BuildingMatrixRecord)) is None
        assert stored_matrix(session, community) is None


def test_a_changed_building_no_longer_matches_the_stored_key(demo_copy: Path) -> None:
    from web.storage.models import Building

    engine = open_engine(demo_copy)
    with session_factory(engine)() as session:
        community = frames.find_community(session, None)
        assert community is not None
        assert stored_matrix(session, community) is not None
        building = session.scalar(select(Building).where(Building.entrance_lon.is_not(None)))
        assert building is not None
        changed = building.building_id
        building.entrance_lon = float(building.entrance_lon or 0.0) + 0.001
        session.commit()
        assert stored_matrix(session, community) is None
        ids = json.loads(session.scalar(select(BuildingMatrixRecord.building_ids)) or "[]")
    engine.dispose()
    assert changed in ids  # the row stays until the matrix is computed again
