"""Visit routing against proven optima and peers: TSPLIB, Solomon VRPTW, generated
200-customer VRPTW, demo teams, event day.

Run from the repository root: ``.venv/bin/python bench/visits.py [--quick]``. Prints
markdown tables. PyVRP and VROOM (pyvroom) are bench-only extras; they run on the same
integer matrices in the same run. redvest runs its two-search portfolio on both cores
(``workers=2``); PyVRP uses one core, VROOM two threads. redvest's routes search is
compiled before the first table (``improve.warm_up``: about a minute the first time on
a machine, then loaded from numba's disk cache), as a long-running server does once.
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import sys
import time
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from a checkout, installed or not

from bench.generated import generate  # noqa: E402
from routing.budget import Budget  # noqa: E402
from routing.visits.improve import warm_up  # noqa: E402
from routing.visits.model import RoutingProblem  # noqa: E402
from routing.visits.search import solve  # noqa: E402

DATA = ROOT / "bench" / "data"
TSP_OPTIMA = {"berlin52": 7542, "kroA100": 21282, "ch150": 6528, "kroA200": 29368}
SOLOMON = ("C101", "C201", "R101", "R201", "RC101", "RC201")
# Generated instances: (class, customers, seed).
GENERATED = (("R1", 200, 1), ("C1", 200, 1), ("RC1", 200, 1))
# Leaving a Solomon customer out costs this much: far above any tour, so never chosen.
MANDATORY = 10**7
VERBOSE = False


@dataclass(frozen=True)
class Solomon:
    """A Solomon instance in the distance-only convention of bench/data/SOURCE.md."""

    name: str
    problem: RoutingProblem
    coords: np.ndarray
    best: int  # best known distance × SCALE


def load_tsplib(name: str) -> np.ndarray:
    """EUC_2D distances with TSPLIB's nint rounding."""
    xy, reading = [], False
    for line in (DATA / "tsplib" / f"{name}.tsp").read_text().splitlines():
        line = line.strip()
        if line.startswith("NODE_COORD_SECTION"):
            reading = True
        elif line == "EOF":
            break
        elif reading and line:
            xy.append([float(v) for v in line.split()[1:3]])
    coords = np.array(xy)
    return np.floor(_euclid(coords) + 0.5).astype(np.int64)


def load_solomon(name: str) -> Solomon:
    """Distances floor(SCALE × euclid), windows and service × SCALE, VEHICLES routes."""
    path = next((DATA / "solomon").glob(f"{name}.*.vrptw"))
    header, sections = _sections(path.read_text())
    scale = int(header["SCALE"])
    coords = np.array([[float(r[1]), float(r[2])] for r in sections["NODE_COORD_SECTION"]])
    travel = np.floor(scale * _euclid(coords)).astype(np.int64)
    demand = np.array([int(r[1]) for r in sections["DEMAND_SECTION"]], dtype=np.int64)
    tw = np.array([[int(r[1]), int(r[2])] for r in sections["TIME_WINDOW_SECTION"]]) * scale
    service = np.full(len(coords), int(float(header["SERVICE_TIME"]) * scale), dtype=np.int64)
    service[0] = 0
    vehicles = int(header["VEHICLES"])
    windows = ((), *tuple(((int(a), int(b)),) for a, b in tw[1:]))
    problem = RoutingProblem(
        travel,
        service,
        (0,) * vehicles,
        (0,) * vehicles,
        (int(tw[0, 0]), int(tw[0, 1])),
        np.full(len(coords), MANDATORY, dtype=np.int64),
        windows,
        demand,
        int(header["CAPACITY"]),
    )
    tour = next((DATA / "solomon").glob(f"{name}.*.tour"))
    return Solomon(name, problem, coords, int(tour.name.split(".")[-2]))


def tsp_problem(travel: np.ndarray) -> RoutingProblem:
    """One tour through every node from node 0, no windows."""
    return RoutingProblem(travel, np.zeros(len(travel), dtype=np.int64), (0,), (0,), None, None)


def evaluate(problem: RoutingProblem, routes: list[list[int]]) -> tuple[int, int, bool]:
    """Travel + penalties of unvisited nodes, the unvisited count, and feasibility.

    Recomputed from the routes, the same way for every solver: earliest service in
    the windows, capacity, and each route back by the horizon's end.
    """
    served = [node for route in routes for node in route]
    missing = [v for v in problem.visits if v not in set(served)]
    cost = 0 if problem.penalty is None else int(problem.penalty[missing].sum())
    feasible = len(served) == len(set(served))
    for vehicle, route in enumerate(routes):
        nodes = [problem.starts[vehicle], *route, problem.ends[vehicle]]
        now = 0 if problem.horizon is None else problem.horizon[0]
        for a, b in itertools.pairwise(nodes):
            cost += int(problem.travel[a, b])
            now += int(problem.service[a]) + int(problem.travel[a, b])
            if problem.windows and problem.windows[b]:
                opening = [max(now, lo) for lo, hi in problem.windows[b] if now <= hi]
                feasible &= bool(opening)
                now = opening[0] if opening else now
        feasible &= problem.horizon is None or now <= problem.horizon[1]
        if problem.demand is not None:
            feasible &= int(problem.demand[route].sum()) <= problem.capacity
    return cost, len(missing), feasible


def run_redvest(problem: RoutingProblem, seconds: float, seed: int = 0) -> list[list[int]]:
    """redvest's default portfolio on both cores."""
    outcome = solve(problem, budget=Budget.seconds(seconds), seed=seed, workers=2)
    return [list(route) for route in outcome.best.routes]


def run_pyvrp(problem: RoutingProblem, seconds: float, seed: int = 0) -> list[list[int]]:
    """PyVRP's iterated local search on the same matrix, windows, loads and prizes."""
    from pyvrp import Model
    from pyvrp.stop import MaxRuntime

    assert problem.horizon is not None and problem.penalty is not None
    model = Model()
    depots = sorted(problem.depots)
    where = {}
    for node in depots:
        where[node] = model.add_depot(model.add_location(0, 0))
    mandatory = int(problem.penalty.max()) >= MANDATORY
    clients = {}
    for node in problem.visits:
        window = problem.windows[node] if problem.windows and problem.windows[node] else ()
        early, late = window[0] if window else (0, problem.horizon[1])
        load = [int(problem.demand[node])] if problem.demand is not None else []
        clients[node] = model.add_client(
            model.add_location(0, 0),
            delivery=load,
            service_duration=int(problem.service[node]),
            tw_early=int(early),
            tw_late=int(late),
            prize=0 if mandatory else int(problem.penalty[node]),
            required=mandatory,
        )
    kinds: dict[tuple[int, int], int] = {}
    for s, e in zip(problem.starts, problem.ends, strict=True):
        kinds[(s, e)] = kinds.get((s, e), 0) + 1
    for (s, e), count in kinds.items():
        model.add_vehicle_type(
            num_available=count,
            capacity=[problem.capacity] if problem.demand is not None else [],
            start_depot=where[s],
            end_depot=where[e],
            tw_early=problem.horizon[0],
            tw_late=problem.horizon[1],
        )
    locations = model.locations
    order = depots + list(problem.visits)
    for i, a in enumerate(order):
        for j, b in enumerate(order):
            if i != j:
                t = int(problem.travel[a, b])
                model.add_edge(locations[i], locations[j], distance=t, duration=t)
    result = model.solve(stop=MaxRuntime(seconds), seed=seed, display=False)
    visits = list(problem.visits)  # activities number clients from 0, depots apart
    if VERBOSE:
        print(f"    (PyVRP distance {result.best.distance()}, feasible {result.is_feasible()})")
    return [[visits[a.idx] for a in route if a.is_client()] for route in result.best.routes()]


def run_vroom(problem: RoutingProblem, seconds: float) -> list[list[int]]:
    """VROOM on the same durations, windows and loads (two threads)."""
    import vroom  # type: ignore[import-untyped]

    assert problem.horizon is not None and problem.demand is not None
    data = vroom.Input()
    data.set_durations_matrix("car", problem.travel.tolist())
    for k, (s, e) in enumerate(zip(problem.starts, problem.ends, strict=True)):
        data.add_vehicle(
            vroom.Vehicle(
                k + 1,
                start=int(s),
                end=int(e),
                capacity=vroom.Amount([problem.capacity]),
                time_window=vroom.TimeWindow(problem.horizon[0], problem.horizon[1]),
            )
        )
    for node in problem.visits:
        window = problem.windows[node]
        data.add_job(
            vroom.Job(
                int(node),
                location=int(node),
                default_service=int(problem.service[node]),
                delivery=vroom.Amount([int(problem.demand[node])]),
                time_windows=[vroom.TimeWindow(int(a), int(b)) for a, b in window],
            )
        )
    solution = data.solve(exploration_level=5, nb_threads=2, timeout=timedelta(seconds=seconds))
    routes = solution.routes
    jobs = routes[routes["type"] == "job"]
    return [list(map(int, group["id"])) for _, group in jobs.groupby("vehicle_id", sort=True)]


def load() -> str:
    """The 1-minute load average, for the tables' notes."""
    return f"{os.getloadavg()[0]:.2f}"


def gap(cost: float, best: float) -> str:
    return f"{100 * (cost - best) / best:+.2f}%"


def tsplib_section(limits: tuple[float, ...]) -> None:
    print(f"\n### TSPLIB (gap to the proven optimum; load {load()})\n")
    print("| instance | optimum | " + " | ".join(f"redvest {t:g} s" for t in limits) + " |")
    print("|---|---:|" + "---:|" * len(limits))
    for name, optimum in TSP_OPTIMA.items():
        problem = tsp_problem(load_tsplib(name))
        cells = []
        for seconds in limits:
            cost, missing, ok = evaluate(problem, run_redvest(problem, seconds))
            cells.append(f"{cost} ({gap(cost, optimum)})" + ("" if ok and not missing else " ✗"))
        print(f"| {name} | {optimum} | " + " | ".join(cells) + " |", flush=True)


def solomon_section(names: tuple[str, ...], limits: tuple[float, ...]) -> None:
    print(f"\n### Solomon VRPTW, distance only (gap to best known; load {load()})\n")
    head = " | ".join(f"{who} {t:g} s" for t in limits for who in ("redvest", "PyVRP", "VROOM"))
    print(f"| instance | best known | {head} |")
    print("|---|---:|" + "---:|" * (3 * len(limits)))
    for name in names:
        inst = load_solomon(name)
        cells = []
        for seconds in limits:
            for runner in (run_redvest, run_pyvrp, run_vroom):
                cost, missing, ok = evaluate(inst.problem, runner(inst.problem, seconds))
                note = "" if ok and not missing else f" ✗{missing}"
                cells.append(f"{cost / 10:.1f} ({gap(cost, inst.best)}){note}")
        print(f"| {name} | {inst.best / 10:.1f} | " + " | ".join(cells) + " |", flush=True)


def generated_section(specs: tuple[tuple[str, int, int], ...], seconds: float) -> None:
    print(f"\n### Generated VRPTW, {seconds:g} s each (bench/generated.py; load {load()})\n")
    print("Cost = distance (floor(10 × euclid)), all customers served within at most 50 routes.\n")
    print("| instance | redvest | PyVRP | VROOM | redvest / PyVRP | routes (redvest, PyVRP) |")
    print("|---|---:|---:|---:|---:|---|")
    for kind, customers, seed in specs:
        inst = generate(kind, customers, seed)
        found = {}
        for who, runner in (("redvest", run_redvest), ("PyVRP", run_pyvrp), ("VROOM", run_vroom)):
            routes = runner(inst.problem, seconds)
            cost, missing, ok = evaluate(inst.problem, routes)
            used = sum(1 for route in routes if route)
            found[who] = (cost, missing, ok, used)
        cells = [
            f"{c / 10:.1f}" + ("" if ok and not m else f" ✗{m}") for c, m, ok, _ in found.values()
        ]
        ratio = found["redvest"][0] / found["PyVRP"][0]
        print(
            f"| {inst.name} | " + " | ".join(cells) + f" | {ratio:.4f} | "
            f"{found['redvest'][3]}, {found['PyVRP'][3]} |",
            flush=True,
        )


@dataclass(frozen=True, eq=False)
class Demo:
    """The demo community: Helsinki buildings and network, the synthetic register."""

    buildings: Any
    households: Any
    network: Any
    costs: Any
    areas: dict[str, list[str]]  # team id → household ids
    source: str

    @classmethod
    def load(cls) -> Demo:
        from routing.costs import CostParameters, HouseholdCosts, building_matrix
        from routing.network import WalkingNetwork
        from routing.sources import read_households, read_osm

        osm = read_osm(ROOT / "data" / "osm" / "helsinki.osm.pbf")
        households = read_households(ROOT / "data" / "demo" / "households.csv", osm.buildings)
        network = WalkingNetwork.from_edges(osm.walk_edges)
        params = CostParameters()
        matrix = building_matrix(osm.buildings, network, params)
        costs = HouseholdCosts(households, osm.buildings, matrix, params)
        areas, source = _areas(osm.buildings, households, matrix, params)
        return cls(osm.buildings, households, network, costs, areas, source)


def _areas(buildings: Any, households: Any, matrix: Any, params: Any) -> tuple[dict, str]:
    """Team areas from routing.territories; else compact clusters of nearby buildings."""
    teams = [f"T{k:03d}" for k in range(1, 101)]
    try:
        from routing.territories import TerritoryOptions, plan_territories

        plan = plan_territories(
            households,
            buildings,
            teams,
            matrix=matrix,
            params=params,
            options=TerritoryOptions(time_limit_s=20.0),
        )
        table = plan.household_assignment()
        areas = {t: table.loc[table["team_id"] == t, "household_id"].tolist() for t in teams}
        return areas, "routing.territories.plan_territories (100 teams)"
    except Exception as error:  # the territories package is being written alongside
        print(f"(territories unavailable: {error!r}; clustering nearby buildings instead)")
    counts = households.groupby("building_id").size()
    centre = buildings.set_index("building_id").loc[counts.index].geometry
    xy = np.column_stack(
        [
            centre.to_crs(centre.estimate_utm_crs()).centroid.x,
            centre.to_crs(centre.estimate_utm_crs()).centroid.y,
        ]
    )
    areas, size = {}, int(np.ceil(len(households) / len(teams)))
    free = np.ones(len(counts), dtype=bool)
    for team in teams[:10]:
        seed = int(np.flatnonzero(free)[0])
        near = np.argsort(np.hypot(*(xy - xy[seed]).T) + np.where(free, 0, np.inf))
        picked, total = [], 0
        for k in near:
            if total >= size or not free[k]:
                break
            picked.append(counts.index[k])
            total += counts.iloc[k]
            free[k] = False
        areas[team] = households.loc[
            households["building_id"].isin(picked), "household_id"
        ].tolist()
    return areas, "clusters of nearby buildings (territories unavailable)"


def team_problem(demo: Demo, team: str) -> tuple[RoutingProblem, Any]:
    """A team's area in one 09:00-12:00 session as redvest builds it, one window each."""
    from routing.visits.build import Site, make_instance, to_problem
    from routing.visits.options import VisitOptions
    from routing.visits.prepare import prepare

    options = VisitOptions()
    mine = demo.households[demo.households["household_id"].isin(demo.areas[team])]
    window = (9 * 3600.0, 12 * 3600.0)
    site = Site.build(mine, demo.buildings, demo.costs, demo.network, options)
    visits = prepare(mine, demo.costs, window, "registration")
    instance, _ = make_instance(
        site, visits, [site.centre(visits.frame["building_id"])], [(0, 0)], window
    )
    n = instance.travel.n
    problem = to_problem(instance, [n], [n], options)
    # PyVRP takes one window per client: keep each household's first, for both solvers;
    # and no waiting charge, so both minimise travel + penalties of those left out.
    first = tuple(w[:1] for w in problem.windows)
    return replace(problem, windows=first, waiting_weight=0), visits


def team_section(demo: Demo, teams: int, seconds: float) -> None:
    print(f"\n### Demo teams, one session 09:00-12:00 (load {load()})\n")
    print(f"Areas: {demo.source}. Cost = travel + drop penalties, in 0.1 s units.\n")
    print(
        "| team | households | plannable | with window | redvest cost (visited) | "
        "PyVRP cost (visited) | redvest / PyVRP |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for team in list(demo.areas)[:teams]:
        problem, visits = team_problem(demo, team)
        ours = evaluate(problem, run_redvest(problem, seconds))
        theirs = evaluate(problem, run_pyvrp(problem, seconds))
        windows = int((visits.frame["availability"] != "").sum())
        visits_n = len(problem.visits)
        print(
            f"| {team} | {len(visits.frame)} | {visits_n} | {windows} | "
            f"{ours[0]} ({visits_n - ours[1]}){'' if ours[2] else ' ✗'} | "
            f"{theirs[0]} ({visits_n - theirs[1]}){'' if theirs[2] else ' ✗'} | "
            f"{ours[0] / theirs[0]:.4f} |",
            flush=True,
        )


def event_section(demo: Demo, seconds: float) -> None:
    from routing.visits import VisitOptions, plan_event_day

    print(f"\n### Event day: 5 teams, 150 households, 08:30-12:30 (load {load()})\n")
    pool_ids = [h for team in list(demo.areas)[:5] for h in demo.areas[team]][:150]
    pool = demo.households[demo.households["household_id"].isin(pool_ids)]
    began = time.time()
    plan = plan_event_day(
        pool,
        demo.buildings,
        ["A", "B", "C", "D", "E"],
        costs=demo.costs,
        network=demo.network,
        session=("08:30", "12:30"),
        options=VisitOptions(time_limit_s=seconds),
    )
    work = plan.working_s
    print("| team | stops | working (min) | walking (min) | stairs/lifts (min) | waiting (min) |")
    print("|---|---:|---:|---:|---:|---:|")
    for p in plan.plans:
        t = p.routes[0].totals
        print(
            f"| {p.team_id} | {len(p.routes[0].detail)} | {t.working_s / 60:.1f} | "
            f"{t.walking_s / 60:.1f} | {t.vertical_s / 60:.1f} | {t.waiting_s / 60:.1f} |"
        )
    spread = (max(work.values()) - min(work.values())) / 60
    print(
        f"\nmax/min working time {plan.balance:.3f}, spread {spread:.1f} min; "
        f"{plan.metrics.visited} visited, {plan.metrics.dropped} left "
        f"({(plan.dropped['reason'].str.startswith('available')).sum()} outside their windows); "
        f"{time.time() - began:.1f} s"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short subset (about 2 min)")
    args = parser.parse_args(argv)
    began = time.time()
    print(f"uptime load at start: {load()}; cores: {os.cpu_count()}")
    warm_up()
    print(f"routes search compiled or loaded in {time.time() - began:.1f} s")
    if args.quick:
        tsplib_section((1.0,))
        solomon_section(("R101", "RC201"), (10.0,))
        generated_section(GENERATED[:1], 30.0)
        demo = Demo.load()
        team_section(demo, 1, 5.0)
        event_section(demo, 10.0)
    else:
        tsplib_section((1.0,))
        solomon_section(SOLOMON, (10.0,))
        generated_section(GENERATED, 30.0)
        demo = Demo.load()
        team_section(demo, 3, 10.0)
        event_section(demo, 30.0)
    print(f"\nwhole run {time.time() - began:.0f} s; load at end {load()}")


def _euclid(xy: np.ndarray) -> np.ndarray:
    return np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])


def _sections(text: str) -> tuple[dict[str, str], dict[str, list[list[str]]]]:
    header: dict[str, str] = {}
    sections: dict[str, list[list[str]]] = {}
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line == "EOF":
            continue
        if re.fullmatch(r"[A-Z_]+SECTION", line):
            current = line
            sections[current] = []
        elif current is None:
            key, value = line.split(":", 1)
            header[key.strip()] = value.strip()
        else:
            sections[current].append(line.split())
    return header, sections


if __name__ == "__main__":
    main()
