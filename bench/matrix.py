"""Walking matrices on the Helsinki network and household lookups in a 10,000-household community.

Run from the repository root: ``.venv/bin/python bench/matrix.py``. Prints markdown tables.
Times are wall-clock (``time.perf_counter``), the best of ``REPEATS`` runs after one warm-up;
peak memory is ``tracemalloc``'s peak over one more run (Python and numpy allocations,
not GEOS/PROJ internals), measured apart from the timed runs because tracing slows them.
"""

from __future__ import annotations

import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pyrosm

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from a checkout, installed or not

from routing.costs import CostParameters, HouseholdCosts, building_matrix  # noqa: E402
from routing.network import WalkingNetwork, filter_walkable  # noqa: E402
from routing.synthetic import synthetic_community  # noqa: E402

PBF = ROOT / "data" / "osm" / "helsinki.osm.pbf"
SEED = 20240601
REPEATS = 3
SIZES = (500, 2000)
TEAMS = 100
PAIRS = 1_000_000


def measure(work: Callable[[], Any], repeats: int = REPEATS) -> tuple[float, float, Any]:
    """Best wall time (s) of ``repeats`` runs after a warm-up, peak traced MB, last result."""
    result = work()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    work()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return best, peak, result


def random_points(net: WalkingNetwork, n: int, rng: np.random.Generator) -> np.ndarray:
    """n uniform points in the network's bounding box, as (lon, lat) rows."""
    west, south, east, north = net.edges.total_bounds
    return np.column_stack([rng.uniform(west, east, n), rng.uniform(south, north, n)])


def networkx_time_matrix(net: WalkingNetwork, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Walking times by a loop of networkx single-source Dijkstra over the same graph.

    Same edges and edge times as redvest, and the same virtual node per point (access
    leg + partial edge to both ends, a direct link for points on one edge).
    """
    seconds = net.speed.edge_time_s(net.edges["length_m"], net.edges["highway"])
    graph = nx.Graph()
    for u, v, t in zip(net.edges["u"], net.edges["v"], seconds, strict=True):
        if not graph.has_edge(u, v) or graph[u][v]["t"] > t:
            graph.add_edge(u, v, t=t)
    access = {}
    for side, points in (("s", src), ("d", dst)):
        snap = net.snap(points[:, 0], points[:, 1])
        for k, (edge, fraction, dist) in enumerate(
            zip(snap.edge, snap.fraction, snap.distance_m, strict=True)
        ):
            row = net.edges.iloc[edge]
            graph.add_edge((side, k), row.u, t=fraction * seconds[edge])
            graph.add_edge((side, k), row.v, t=(1 - fraction) * seconds[edge])
            graph.nodes[(side, k)]["edge"], graph.nodes[(side, k)]["at"] = edge, fraction
            access[(side, k)] = dist / net.speed.speed_mps
    by_edge: dict[int, list[Any]] = {}
    for node, data in graph.nodes(data=True):
        if "edge" in data:
            by_edge.setdefault(data["edge"], []).append(node)
    for edge, nodes in by_edge.items():
        for a in nodes:
            for b in nodes:
                gap = abs(graph.nodes[a]["at"] - graph.nodes[b]["at"]) * seconds[edge]
                if a != b and not graph.has_edge(a, b):
                    graph.add_edge(a, b, t=gap)
    out = np.empty((len(src), len(dst)))
    targets = [("d", j) for j in range(len(dst))]
    for i in range(len(src)):
        reach = nx.single_source_dijkstra_path_length(graph, ("s", i), weight="t")
        out[i] = [reach[t] + access[t] for t in targets]
        out[i] += access[("s", i)]
    return out


def bench_matrices(net: WalkingNetwork, rng: np.random.Generator) -> list[str]:
    rows = [
        "| points | redvest (s) | first call (s) | peak traced MB | networkx loop (s) "
        "| speed-up | max abs diff (s) |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n in SIZES:
        src, dst = random_points(net, n, rng), random_points(net, n, rng)
        work = partial(net.matrix, src[:, 0], src[:, 1], dst[:, 0], dst[:, 1])
        start = time.perf_counter()
        work()
        first = time.perf_counter() - start
        seconds, peak, matrix = measure(work)
        start = time.perf_counter()
        reference = networkx_time_matrix(net, src, dst)
        nx_seconds = time.perf_counter() - start
        diff = np.abs(reference - matrix.time_s).max()
        rows.append(
            f"| {n:,}×{n:,} | {seconds:.3f} | {first:.3f} | {peak:.0f} | {nx_seconds:.1f} "
            f"| {nx_seconds / seconds:.0f}× | {diff:.1e} |"
        )
    return rows


def bench_households() -> list[str]:
    community = synthetic_community()
    buildings, households = community.buildings, community.households
    params = CostParameters()

    def build() -> HouseholdCosts:
        net = WalkingNetwork.from_lines(community.paths, params.speed)
        matrix = building_matrix(buildings, net, params)
        return HouseholdCosts(households, buildings, matrix, params)

    build_s, build_mb, costs = measure(build)
    # Teams take contiguous floor bands: households ordered by building then floor.
    order = np.lexsort((costs.floor, costs.building))
    teams = np.array_split(order, TEAMS)
    team_s, team_mb, _ = measure(lambda: [costs.submatrix(team) for team in teams])
    rng = np.random.default_rng(SEED)
    i, j = rng.integers(0, len(costs), PAIRS), rng.integers(0, len(costs), PAIRS)
    pair_s, pair_mb, _ = measure(lambda: costs.between(i, j))
    total_s = build_s + team_s + pair_s
    size = max(len(team) for team in teams)
    return [
        f"Community: {community.summary()}.",
        "",
        "| step | time (s) | peak traced MB |",
        "|---|---:|---:|",
        f"| walking network + building matrix + HouseholdCosts | {build_s:.3f} | {build_mb:.0f} |",
        f"| {TEAMS} team submatrices (≤{size}×{size}) | {team_s:.3f} | {team_mb:.0f} |",
        f"| {PAIRS:,} random pair lookups | {pair_s:.3f} | {pair_mb:.0f} |",
        f"| total | {total_s:.3f} | {max(build_mb, team_mb, pair_mb):.0f} |",
    ]


def main() -> None:
    start = time.perf_counter()
    _, edges = pyrosm.OSM(str(PBF)).get_network(network_type="walking", nodes=True)
    net = WalkingNetwork.from_edges(filter_walkable(edges))
    load_s = time.perf_counter() - start
    print("## Matrix (issue 2)\n")
    print(
        f"Helsinki walking network: {net.edge_count:,} edges, {net.node_count:,} nodes "
        f"({net.dropped_edges} edges outside the largest component dropped); "
        f"read + build {load_s:.2f} s.\n"
    )
    print("\n".join(bench_matrices(net, np.random.default_rng(SEED))))
    print()
    print("\n".join(bench_households()))
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"\nProcess peak RSS (ru_maxrss) at the end of the run: {peak_rss:.0f} MB.")


if __name__ == "__main__":
    main()
