"""Checkpoint patrols on the Helsinki network: every point once, inside its hours, in slots."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from routing.errors import InputError
from routing.network import WalkingNetwork
from routing.patrols import (
    PatrolOptions,
    PatrolPlan,
    SlotTooShortError,
    default_kind,
    plan_checkpoint_routes,
)
from routing.schema import WGS84

SLOT = 90 * 60.0
STARTS = (9 * 3600.0, 15 * 3600.0)  # the rota's 09:00 and 15:00 slots
OPTIONS = PatrolOptions(time_limit_s=5.0, max_solutions=200)
HOURS = {3: (9.5, 10.0), 7: (9.5, 10.0), 11: (15.25, 15.75), 19: (15.5, 16.0)}


def points(network: WalkingNetwork, n: int = 24) -> gpd.GeoDataFrame:
    """``n`` points in the middle of streets within about 600 m of the centre; four with
    hours (two in the morning slot, two in the afternoon)."""
    metric = network.edges.geometry.to_crs(network.crs)
    centre = shapely.box(*metric.total_bounds).centroid
    middle = metric.interpolate(0.5, normalized=True)
    near = middle[middle.distance(centre) < 600].iloc[::37][:n]
    opens = [HOURS[i][0] * 3600 if i in HOURS else np.nan for i in range(n)]
    closes = [HOURS[i][1] * 3600 if i in HOURS else np.nan for i in range(n)]
    hours = [f"{HOURS[i][0]:g}-{HOURS[i][1]:g}" if i in HOURS else "" for i in range(n)]
    return gpd.GeoDataFrame(
        {
            "checkpoint_id": [f"P{i:02d}" for i in range(n)],
            "name": [f"点 {i}" for i in range(n)],
            "service_s": [600.0 if i % 2 else np.nan for i in range(n)],  # NaN: 5 min
            "opens_s": opens,
            "closes_s": closes,
            "hours": hours,
            "row": range(2, n + 2),
        },
        geometry=near.to_crs(WGS84).to_numpy(),
        crs=WGS84,
    )


@pytest.fixture(scope="module")
def plan(network: WalkingNetwork) -> PatrolPlan:
    return plan_checkpoint_routes(
        network, points(network), slot_s=SLOT, slot_starts=STARTS, options=OPTIONS
    )


def test_every_checkpoint_is_visited_once_within_the_slot(plan: PatrolPlan) -> None:
    seen = [c for r in plan.routes for c in r.checkpoints]
    assert sorted(seen) == [f"P{i:02d}" for i in range(24)]
    assert len(set(seen)) == len(seen)
    assert plan.kind.kind == "checkpoints" and plan.slot_s == SLOT
    for route in plan.routes:
        assert route.kind == "checkpoints" and route.time_s <= SLOT
        stops = plan.checkpoints[plan.checkpoints["route_id"] == route.route_id]
        stops = stops.sort_values("order")
        assert stops["checkpoint_id"].tolist() == list(route.checkpoints)
        assert route.checkpoint_s == pytest.approx(stops["service_s"].sum())
        assert stops["arrival_s"].is_monotonic_increasing
        xy = shapely.get_coordinates(route.geometry)
        start = (plan.start_lon, plan.start_lat)  # through the metric CRS and back: ~1 mm
        assert xy[0] == pytest.approx(start, abs=1e-7) and xy[-1] == pytest.approx(start, abs=1e-7)
    service = plan.checkpoints.set_index("checkpoint_id")["service_s"]
    assert service["P00"] == default_kind("checkpoints").stop_s and service["P01"] == 600.0


def test_checkpoints_with_hours_are_visited_inside_them(plan: PatrolPlan) -> None:
    frame = plan.checkpoints.set_index("checkpoint_id")
    by_id = {r.route_id: r for r in plan.routes}
    for i, (opens, closes) in HOURS.items():
        point = frame.loc[f"P{i:02d}"]
        route = by_id[point["route_id"]]
        slot = 0 if opens < 12 else 1
        assert route.slots == (slot,) and route.start_s == STARTS[slot]
        begins = route.start_s + point["arrival_s"]
        assert opens * 3600 <= begins <= closes * 3600
    free = [r for r in plan.routes if not set(r.checkpoints) & {f"P{i:02d}" for i in HOURS}]
    assert all(r.slots == () for r in free)


def test_hours_outside_every_slot_are_refused_by_row(network: WalkingNetwork) -> None:
    early = points(network, 6)
    early.loc[2, ["opens_s", "closes_s", "hours"]] = [6 * 3600, 7 * 3600, "06:00-07:00"]
    with pytest.raises(InputError) as caught:
        plan_checkpoint_routes(
            network, early, slot_s=SLOT, slot_starts=STARTS, options=OPTIONS, source="点位.csv"
        )
    assert [str(p) for p in caught.value.problems] == [
        "点位.csv:4:hours: the hours 06:00-07:00 lie outside every patrol slot "
        "(09:00-10:30, 15:00-16:30)"
    ]


def test_too_few_routes_are_refused_with_the_count_that_fits(
    network: WalkingNetwork, plan: PatrolPlan
) -> None:
    with pytest.raises(SlotTooShortError) as caught:
        plan_checkpoint_routes(
            network, points(network), slot_s=SLOT, slot_starts=STARTS, routes=2,
            options=OPTIONS,
        )  # fmt: skip
    error = caught.value
    assert error.routes == 2 and error.over_s > 0
    assert error.suggested == len(plan.routes)  # the same search, repeatable by its budget
    assert f"{error.suggested} routes fit" in str(error)
