"""Building patrols: every floor of the chosen towers once, by the stairs, within the slot."""

from __future__ import annotations

import geopandas as gpd

from routing.costs import CostParameters
from routing.network import WalkingNetwork
from routing.patrols import PatrolOptions, PatrolPlan, plan_building_routes
from routing.patrols.towers import band_of, floor_walk
from routing.sources import OsmExtract
from tests.support import problem_lines

OPTIONS = PatrolOptions(time_limit_s=5.0, max_solutions=200)


def test_a_tower_is_walked_up_floor_by_floor_then_its_basements() -> None:
    assert floor_walk(3, 1) == (1, 2, 3, -1)
    band = band_of(0, floor_walk(3, 1), 60.0, CostParameters())
    # stairs 1→2→3: 2 × 15 s up; 3→-1: 3 storeys × 10 s down; -1→1: 15 s up = 75 s
    assert band.climb_s == 75.0 and band.check_s == 240.0 and band.time_s == 315.0
    upper = band_of(0, (5, 6), 60.0, CostParameters())
    # 1→5 up 60 s, 5→6 15 s, 6→1 down 50 s; two floors checked
    assert (upper.climb_s, upper.check_s) == (125.0, 120.0)


def towers(extract: OsmExtract, n: int) -> gpd.GeoDataFrame:
    """The ``n`` tallest buildings of the extract."""
    return extract.buildings.sort_values(["levels", "building_id"]).tail(n)


def every_floor(chosen: gpd.GeoDataFrame) -> list[str]:
    return sorted(
        f"{b}:{f}"
        for b, levels, basements in zip(
            chosen["building_id"], chosen["levels"], chosen["basement_levels"], strict=True
        )
        for f in floor_walk(int(levels), int(basements))
    )


def check_floors(plan: PatrolPlan, chosen: gpd.GeoDataFrame, slot_s: float) -> None:
    """Every floor once; each band of a route climbs its tower in walking order."""
    visited = [c for r in plan.routes for c in r.checkpoints]
    assert sorted(visited) == every_floor(chosen)  # every floor, each once
    for route in plan.routes:
        assert route.kind == "building" and route.time_s <= slot_s and route.climb_s > 0
        floors = plan.checkpoints.set_index("checkpoint_id").loc[list(route.checkpoints)]
        assert floors["order"].tolist() == list(range(1, len(floors) + 1))
        assert floors["arrival_s"].is_monotonic_increasing
        for building, group in floors.groupby("building_id", sort=False):
            walk = floor_walk(
                *chosen.set_index("building_id").loc[building][["levels", "basement_levels"]]
            )
            position = [walk.index(f) for f in group["floor"]]
            assert position == list(range(position[0], position[0] + len(position)))


def test_every_floor_of_the_towers_is_checked_once(
    network: WalkingNetwork, extract: OsmExtract
) -> None:
    chosen = towers(extract, 5)
    plan = plan_building_routes(
        network, extract.buildings, chosen["building_id"].tolist(), slot_s=3600.0,
        options=OPTIONS,
    )  # fmt: skip
    check_floors(plan, chosen, 3600.0)
    assert plan.kind.kind == "building" and len(plan.checkpoints) == len(every_floor(chosen))


def test_a_tower_too_tall_for_one_slot_is_walked_in_bands(
    network: WalkingNetwork, extract: OsmExtract
) -> None:
    chosen = towers(extract, 1)  # 13 floors: 13 min of checks and 5 min of stairs
    plan = plan_building_routes(
        network, extract.buildings, chosen["building_id"].tolist(), slot_s=15 * 60.0,
        options=OPTIONS,
    )  # fmt: skip
    assert len(plan.routes) >= 2
    check_floors(plan, chosen, 15 * 60.0)


def test_unknown_buildings_are_named(network: WalkingNetwork, extract: OsmExtract) -> None:
    assert problem_lines(
        plan_building_routes, network, extract.buildings, ["w0", "nowhere"], slot_s=3600.0
    ) == ["buildings::building_id: 2 unknown building id(s): w0, nowhere"]
