"""Patrol routes against the exact Chinese-postman optimum and networkx; K-split balance; rota;
checkpoint tours against PyVRP; street routes in slots against the length lower bound.

Run from the repository root: ``.venv/bin/python bench/patrols.py [SECTION …]`` (PyVRP:
the bench extra; sections cpp split gdb rota tours slots, default all). Prints markdown
tables. The exact optimum is the same construction with the
*complete* graph of odd nodes in the matching (rustworkx blossom), so the gap measures the
40-nearest candidate restriction; ``networkx.eulerize`` pairs odd nodes by hop count and
is run where it finishes (its pure-Python matching is cubic in the odd nodes). Checkpoint
tours: redvest's OR-Tools tours and PyVRP solve the same walking matrix with the same
stops, slot and hours, and both answers are timed by the same schedule.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import sys
import time
from pathlib import Path

import networkx as nx
import numpy as np
import rustworkx as rx
import shapely
from scipy.sparse.csgraph import dijkstra

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from a checkout, installed or not

from routing.network import WalkingNetwork  # noqa: E402
from routing.patrols import PatrolOptions, RotaOptions, StreetGraph, plan_patrol_routes  # noqa: E402
from routing.patrols.postman import postman_walk  # noqa: E402
from routing.patrols.rota import solve_rota  # noqa: E402
from routing.patrols.shift import SlotTooShortError, lower_bound  # noqa: E402
from routing.patrols.stops import Site  # noqa: E402
from routing.patrols.tours import Stops, plan_tours  # noqa: E402
from routing.sources import read_osm  # noqa: E402

PBF = ROOT / "data" / "osm" / "helsinki.osm.pbf"
GDB1 = ROOT / "bench" / "data" / "carp" / "gdb1.dat"
RADII_M = (300, 600)
TEAMS = (2, 3, 4, 5, 6)
SPLIT_LIMIT_S = 5.0
EULERIZE_MAX_ODD = 700  # above this networkx.eulerize takes hours
CHECKPOINTS = 200
STOP_S = 600.0  # 10-minute stops
SLOT_S = 7200.0  # 120-minute slots
TOUR_LIMIT_S = 20.0  # each solver's budget on the checkpoint tours
SLOT_MINUTES = (60, 90, 120, 180)


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f}"


def street_graph(net: WalkingNetwork) -> StreetGraph:
    e = net.edges
    return StreetGraph.from_pairs(e["u"].to_numpy(), e["v"].to_numpy(), e["length_m"].to_numpy())


def odd_nodes(graph: StreetGraph) -> np.ndarray:
    degree = np.bincount(graph.u, minlength=graph.n) + np.bincount(graph.v, minlength=graph.n)
    return np.flatnonzero(degree % 2 == 1)


def exact_cpp(graph: StreetGraph) -> tuple[float, float]:
    """Required length + minimum-weight perfect matching on the complete odd-node graph."""
    started = time.perf_counter()
    odd = odd_nodes(graph)
    dist = dijkstra(graph.csr, directed=False, indices=odd)[:, odd]
    cost = np.rint(dist * 100).astype(np.int64)  # centimetres, as in redvest
    offset = int(cost.max()) + 1
    a, b = np.triu_indices(len(odd), 1)
    g = rx.PyGraph()
    g.add_nodes_from(range(len(odd)))
    g.add_edges_from(list(zip(a.tolist(), b.tolist(), (offset - cost[a, b]).tolist(), strict=True)))
    pairs = rx.max_weight_matching(g, max_cardinality=True, weight_fn=lambda w: w)
    matched = sum(dist[i, j] for i, j in pairs)
    return float(graph.length_m.sum() + matched), time.perf_counter() - started


def eulerize_length(net: WalkingNetwork) -> tuple[float, float]:
    """Length of ``networkx.eulerize`` (hop-count pairing), added edges at their lengths."""
    started = time.perf_counter()
    shortest: dict[tuple[object, object], float] = {}
    multi = nx.MultiGraph()
    for u, v, length in zip(net.edges["u"], net.edges["v"], net.edges["length_m"], strict=True):
        multi.add_edge(u, v, length=length)
        key = (u, v) if str(u) <= str(v) else (v, u)
        shortest[key] = min(shortest.get(key, np.inf), length)
    euler = nx.eulerize(multi)
    total = 0.0
    for u, v, data in euler.edges(data=True):
        key = (u, v) if str(u) <= str(v) else (v, u)
        total += data.get("length", shortest[key])
    return total, time.perf_counter() - started


def sub_network(net: WalkingNetwork, radius_m: float) -> WalkingNetwork:
    """The largest connected part of the streets whose midpoint lies within the radius."""
    metric = net.edges.geometry.to_crs(net.crs)
    centre = shapely.box(*metric.total_bounds).centroid
    inside = metric.interpolate(0.5, normalized=True).distance(centre) <= radius_m
    return WalkingNetwork.from_edges(net.edges.loc[inside.to_numpy()].reset_index(drop=True))


def cpp_table(areas: dict[str, WalkingNetwork]) -> None:
    print(
        "| area | edges | km | odd nodes | redvest route km (deadhead) | time (s) "
        "| exact CPP km | exact time (s) | gap | networkx.eulerize km (deadhead) "
        "| eulerize time (s) | eulerize deadhead vs redvest |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, net in areas.items():
        graph = street_graph(net)
        started = time.perf_counter()
        plan = plan_patrol_routes(net, 1)
        elapsed = time.perf_counter() - started
        route = plan.routes[0].length_m
        exact, exact_s = exact_cpp(graph)
        odd = len(odd_nodes(graph))
        required = graph.length_m.sum()
        if odd <= EULERIZE_MAX_ODD:
            nx_len, nx_s = eulerize_length(net)
            more = ((nx_len - required) / (route - required) - 1) * 100
            nx_cells = (
                f"{nx_len / 1000:.2f} ({(nx_len - required) / 1000:.2f}) | {nx_s:.1f} "
                f"| +{more:.1f} %"
            )
        else:
            nx_cells = "not run | (cubic pure-Python matching) | –"
        print(
            f"| {name} | {net.edge_count:,} | {required / 1000:.2f} | {odd:,} "
            f"| {route / 1000:.3f} ({(route - required) / 1000:.2f}) | {elapsed:.2f} "
            f"| {exact / 1000:.3f} | {exact_s:.1f} | {_percent(route / exact - 1)} "
            f"| {nx_cells} |"
        )


def _percent(gap: float) -> str:
    return f"{0.0 if abs(gap) < 1e-9 else gap * 100:+.3f} %"  # no "-0.000 %"


def split_table(net: WalkingNetwork) -> None:
    single = plan_patrol_routes(net, 1).routes[0].length_m
    print(f"\nK-split of the whole network (single walk {single / 1000:.2f} km; "
          f"OR-Tools time limit {SPLIT_LIMIT_S:g} s):\n")  # fmt: skip
    print("| K | longest km | mean km | longest/mean | longest / (single/K) | total / single "
          "| pieces | routes re-walked | time (s) |")  # fmt: skip
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for k in TEAMS:
        started = time.perf_counter()
        plan = plan_patrol_routes(net, k, options=PatrolOptions(time_limit_s=SPLIT_LIMIT_S))
        elapsed = time.perf_counter() - started
        lengths = np.array([r.length_m for r in plan.routes])
        split = plan.split
        assert split is not None
        print(
            f"| {k} | {lengths.max() / 1000:.2f} | {lengths.mean() / 1000:.2f} "
            f"| {plan.balance:.3f} | {lengths.max() / (single / k):.3f} "
            f"| {lengths.sum() / single:.3f} | {split.blocks} | {split.reoptimised} "
            f"| {elapsed:.1f} |"
        )


def read_gdb(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Edges (1-based node pairs), costs and the depot of a CARP ``.dat`` file."""
    u, v, cost, depot = [], [], [], 1
    for line in path.read_text().splitlines():
        text = line.strip()
        if text.startswith("("):
            pair, rest = text[1:].split(")", 1)
            a, b = (int(x) for x in pair.split(","))
            u.append(a)
            v.append(b)
            cost.append(float(rest.split()[1]))
        elif text.startswith("DEPOSITO"):
            depot = int(text.split(":")[1])
    return np.array(u), np.array(v), np.array(cost), depot


def gdb_table() -> None:
    u, v, cost, depot = read_gdb(GDB1)
    graph = StreetGraph(u - 1, v - 1, cost, int(max(u.max(), v.max())))
    started = time.perf_counter()
    walk = postman_walk(graph, np.ones(len(u), dtype=bool), depot - 1).walk
    elapsed = time.perf_counter() - started
    odd = odd_nodes(graph)
    dist = dijkstra(graph.csr, directed=False, indices=odd)[:, odd]
    brute = min(  # every perfect matching of the odd nodes (gdb1 has few)
        sum(dist[p[i], p[i + 1]] for i in range(0, len(p), 2))
        for p in _matchings(list(range(len(odd))))
    )
    exact = cost.sum() + brute
    print("\n| instance | edges | required cost | odd nodes | redvest walk | exact CPP "
          "(all matchings enumerated) | gap | time (s) | CARP optimum (capacity 5) |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| gdb1 | {len(u)} | {cost.sum():.0f} | {len(odd)} | {walk.length_m(graph):.0f} "
        f"| {exact:.0f} | {(walk.length_m(graph) / exact - 1) * 100:+.2f} % | {elapsed:.3f} "
        f"| 316 |"
    )


def _matchings(items: list[int]) -> itertools.chain[list[int]] | list[list[int]]:
    if not items:
        return [[]]
    first, rest = items[0], items[1:]
    return itertools.chain.from_iterable(
        ([first, other, *tail] for tail in _matchings([x for x in rest if x != other]))
        for other in rest
    )


def rota_table() -> None:
    teams = [f"T{i:03d}" for i in range(1, 101)]
    routes = [f"R{i:02d}" for i in range(1, 11)]
    options = RotaOptions(weeks=4, slots_per_day=2, time_limit_s=10)
    started = time.perf_counter()
    rota = solve_rota(routes, teams, dt.date(2026, 3, 2), options)
    elapsed = time.perf_counter() - started
    counts = rota.counts()
    repeat = rota.assignments.groupby(["team_id", "route_id"]).size().max()
    days = rota.assignments.groupby(["team_id", "date"]).size().max()
    print("\n| rota | status | patrols | per team | same route at most | patrols a day "
          "| time (s) |")  # fmt: skip
    print("|---|---|---:|---:|---:|---:|---:|")
    print(
        f"| 100 teams × 4 weeks × 10 routes × 2 slots | {rota.status} | {len(rota.assignments)} "
        f"| {counts.min()}–{counts.max()} | {repeat} | ≤ {days} | {elapsed:.2f} |"
    )
    off = {t: [dt.date(2026, 3, 10)] for t in teams[:85]}
    started = time.perf_counter()
    bad = solve_rota(routes, teams, dt.date(2026, 3, 2), options, off)
    elapsed = time.perf_counter() - started
    print(f"\nInfeasible case (85 teams away on 2026-03-10), explained in {elapsed:.2f} s:\n")
    for conflict in bad.conflicts:
        print(f"- {conflict}")


def checkpoint_stops(net: WalkingNetwork, hours: bool) -> Stops:
    """200 points mid-street across the network (seed 5), 10-minute stops, 120-minute
    slots; with ``hours`` every fifth point must be begun inside a 40-minute window."""
    rng = np.random.default_rng(5)
    rows = rng.choice(net.edge_count, CHECKPOINTS, replace=False)
    middle = net.edges.geometry.iloc[rows].to_crs(net.crs).interpolate(0.5, normalized=True)
    points = middle.to_crs(4326)
    site = Site.on_network(net, None, points.x.to_numpy(), points.y.to_numpy())
    opens, closes = np.zeros(CHECKPOINTS), np.full(CHECKPOINTS, SLOT_S)
    if hours:
        timed = np.arange(0, CHECKPOINTS, 5)
        opens[timed] = rng.choice([0.0, 1200.0, 2400.0, 3600.0, 4800.0], len(timed))
        closes[timed] = opens[timed] + 2400.0
    return Stops(site.time_s, np.full(CHECKPOINTS, STOP_S), opens, closes, SLOT_S)


def pyvrp_tours(stops: Stops, seconds: float) -> tuple[list[list[int]], float]:
    """PyVRP on the same matrix (seconds rounded up): fewest vehicles, then duration."""
    from pyvrp import Model
    from pyvrp.stop import MaxRuntime

    n, slot = len(stops), int(stops.slot_s)
    travel = np.ceil(stops.travel_s).astype(int)
    model = Model()
    places = [model.add_location(x=0.0, y=0.0) for _ in range(n + 1)]
    model.add_depot(places[0], tw_early=0, tw_late=slot)
    model.add_vehicle_type(
        num_available=n, fixed_cost=slot * n, tw_early=0, tw_late=slot, shift_duration=slot,
        unit_distance_cost=0, unit_duration_cost=1,
    )  # fmt: skip
    for i in range(n):
        model.add_client(
            places[i + 1], service_duration=int(stops.service_s[i]),
            tw_early=int(np.ceil(stops.opens[i])), tw_late=int(stops.closes[i]),
        )  # fmt: skip
    for a in range(n + 1):
        for b in range(n + 1):
            if a != b:
                model.add_edge(places[a], places[b], distance=0, duration=int(travel[a, b]))
    started = time.perf_counter()
    result = model.solve(stop=MaxRuntime(seconds), seed=0, display=False)
    elapsed = time.perf_counter() - started
    if not result.is_feasible():
        return [], elapsed
    routes = result.best.routes()
    return [[a.idx for a in route if a.is_client()] for route in routes], elapsed  # 0-based clients


def tours_table(net: WalkingNetwork) -> None:
    print(
        f"\nCheckpoint tours: {CHECKPOINTS} points, {STOP_S / 60:.0f}-minute stops, "
        f"{SLOT_S / 60:.0f}-minute slots, each solver {TOUR_LIMIT_S:g} s on the same matrix:\n"
    )
    print("| points | hours | lower bound | solver | routes | total h | longest min | "
          "all stops | within slot and hours | time (s) |")  # fmt: skip
    print("|---|---|---:|---|---:|---:|---:|---:|---:|---:|")
    for hours in (False, True):
        stops = checkpoint_stops(net, hours)
        bound = lower_bound(stops.work_s(), SLOT_S)
        started = time.perf_counter()
        ours = plan_tours(stops, None, PatrolOptions(time_limit_s=TOUR_LIMIT_S))
        rows = [("redvest (OR-Tools)", [list(r) for r in ours.routes],
                 time.perf_counter() - started)]  # fmt: skip
        theirs, elapsed = pyvrp_tours(stops, TOUR_LIMIT_S)
        rows.append(("PyVRP", theirs, elapsed))
        label = "1 in 5, 40 min" if hours else "none"
        for name, routes, seconds in rows:
            ends, ok = [], True
            for route in routes:
                begin, end, _ = stops.schedule(route)
                ends.append(end)
                ok &= bool((begin >= stops.opens[route] - 1e-6).all())
                ok &= bool((begin <= stops.closes[route] + 1e-6).all()) and end <= SLOT_S + 1e-6
            every = sorted(v for r in routes for v in r) == list(range(len(stops)))
            print(
                f"| {CHECKPOINTS} | {label} | {bound} | {name} | {len(routes)} "
                f"| {sum(ends) / 3600:.2f} | {max(ends, default=0) / 60:.0f} "
                f"| {'yes' if every else 'no'} | {'yes' if ok else 'no'} | {seconds:.1f} |"
            )


def slot_table(net: WalkingNetwork) -> None:
    edges = net.edges
    walking = float(net.speed.edge_time_s(edges["length_m"], edges["highway"]).sum())
    single = plan_patrol_routes(net, 1).routes[0].time_s  # the Chinese-postman walk
    print(f"\nStreet routes in slots (whole network, {edges['length_m'].sum() / 1000:.2f} km, "
          f"{walking / 3600:.1f} h of walking at {net.speed.speed_mps} m/s; "
          f"OR-Tools {SPLIT_LIMIT_S:g} s per count tried):\n")  # fmt: skip
    print("| slot (min) | lower bound (length ÷ slot) | postman walk ÷ slot | routes "
          "| routes / bound | longest min | mean min | all routes h / walking h "
          "| time (s) |")  # fmt: skip
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for minutes in SLOT_MINUTES:
        options = PatrolOptions(time_limit_s=SPLIT_LIMIT_S)
        started = time.perf_counter()
        bound = lower_bound(walking, minutes * 60.0)
        walk = lower_bound(single, minutes * 60.0)
        try:
            plan = plan_patrol_routes(net, slot_s=minutes * 60.0, options=options)
        except SlotTooShortError as error:
            elapsed = time.perf_counter() - started
            print(f"| {minutes} | {bound} | {walk} | refused | – | {error.longest_s / 60:.0f} "
                  f"(farthest street there and back) | – | – | {elapsed:.1f} |")  # fmt: skip
            continue
        elapsed = time.perf_counter() - started
        times = np.array([r.time_s for r in plan.routes])
        print(
            f"| {minutes} | {bound} | {walk} | {len(plan.routes)} | {len(plan.routes) / bound:.2f} "
            f"| {times.max() / 60:.0f} | {times.mean() / 60:.0f} "
            f"| {times.sum() / walking:.2f} | {elapsed:.1f} |"
        )


def main() -> None:
    print(f"load average (1, 5, 15 min) at start: {load()}\n")
    started = time.perf_counter()
    net = WalkingNetwork.from_edges(read_osm(PBF).walk_edges)
    print(f"Helsinki walking network: {net.edge_count:,} edges, {net.node_count:,} nodes; "
          f"read + build {time.perf_counter() - started:.2f} s\n")  # fmt: skip
    wanted = set(sys.argv[1:]) or {"cpp", "split", "gdb", "rota", "tours", "slots"}
    if "cpp" in wanted:
        areas = {f"{r} m radius": sub_network(net, r) for r in RADII_M}
        areas["whole network"] = net
        cpp_table(areas)
    if "split" in wanted:
        split_table(net)
    if "gdb" in wanted:
        gdb_table()
    if "rota" in wanted:
        rota_table()
    if "tours" in wanted:
        tours_table(net)
    if "slots" in wanted:
        slot_table(net)
    print(f"\nload average (1, 5, 15 min) at end: {load()}")


if __name__ == "__main__":
    main()
