"""Patrol routes against the exact Chinese-postman optimum and networkx; K-split balance; rota.

Run from the repository root: ``.venv/bin/python bench/patrols.py``. Prints markdown tables.
The exact optimum is the same construction with the *complete* graph of odd nodes in the
matching (rustworkx blossom), so the gap measures the 40-nearest candidate restriction;
``networkx.eulerize`` pairs odd nodes by hop count and is run where it finishes (its
pure-Python matching is cubic in the odd nodes).
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
from routing.sources import read_osm  # noqa: E402

PBF = ROOT / "data" / "osm" / "helsinki.osm.pbf"
GDB1 = ROOT / "bench" / "data" / "carp" / "gdb1.dat"
RADII_M = (300, 600)
TEAMS = (2, 3, 4, 5, 6)
SPLIT_LIMIT_S = 5.0
EULERIZE_MAX_ODD = 700  # above this networkx.eulerize takes hours


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


def main() -> None:
    print(f"load average (1, 5, 15 min) at start: {load()}\n")
    started = time.perf_counter()
    net = WalkingNetwork.from_edges(read_osm(PBF).walk_edges)
    print(f"Helsinki walking network: {net.edge_count:,} edges, {net.node_count:,} nodes; "
          f"read + build {time.perf_counter() - started:.2f} s\n")  # fmt: skip
    areas = {f"{r} m radius": sub_network(net, r) for r in RADII_M}
    areas["whole network"] = net
    cpp_table(areas)
    split_table(net)
    gdb_table()
    rota_table()
    print(f"\nload average (1, 5, 15 min) at end: {load()}")


if __name__ == "__main__":
    main()
