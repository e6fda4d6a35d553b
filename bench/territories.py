"""Balanced areas: redvest against k-means and HOT's task splitter, on real and synthetic data.

Run from the repository root: ``.venv/bin/python bench/territories.py``. Prints one
markdown table (quality and time per method, community and team count) and the
stability rows. Every method gets the same households, workloads (the cost model:
service + climbing, hardship households ×2) and walking matrix; every area is measured
by the same code. Needs scikit-learn (bench extra).
"""

from __future__ import annotations

import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from a checkout, installed or not

from routing.costs import CostParameters, HouseholdCosts, building_matrix  # noqa: E402
from routing.network import WalkingNetwork  # noqa: E402
from routing.sources import read_households, read_osm, read_volunteers  # noqa: E402
from routing.synthetic import synthetic_community  # noqa: E402
from routing.territories import (  # noqa: E402
    TerritoryOptions,
    plan_territories,
    split_bands,
    teams_from_volunteers,
)
from routing.territories.loops import loop_length  # noqa: E402
from routing.territories.units import building_points  # noqa: E402

PBF = ROOT / "data" / "osm" / "helsinki.osm.pbf"
DEMO = ROOT / "data" / "demo"
SEED = 0
CHANGE = 0.05  # share of the register changed for the stability rows
KMEANS_INIT = 4
# HOT's splitter cuts blocks by roads: every highway but these walking-only ways.
NOT_ROADS = frozenset({"footway", "path", "steps", "corridor", "elevator"})
# In the synthetic estate the grid paths and the ring play the roads; spurs do not.
SYNTHETIC_ROADS = frozenset({"path", "ring"})


@dataclass(frozen=True, eq=False)
class Community:
    """One community: its frames, walking matrix, workloads, road lines and teams."""

    name: str
    buildings: gpd.GeoDataFrame
    households: pd.DataFrame
    matrix: object
    params: CostParameters
    roads: np.ndarray  # shapely lines in a metric CRS
    crs: object
    homes: dict[str, list[str]] | None

    def workload(self, households: pd.DataFrame | None = None) -> np.ndarray:
        h = self.households if households is None else households
        return HouseholdCosts(h, self.buildings, self.matrix, self.params).workload_s()  # type: ignore[arg-type]


def helsinki() -> Community:
    osm = read_osm(PBF)
    households = read_households(DEMO / "households.csv", osm.buildings)
    _, homes = teams_from_volunteers(read_volunteers(DEMO / "volunteers.csv", osm.buildings))
    params = CostParameters()
    matrix = building_matrix(osm.buildings, WalkingNetwork.from_edges(osm.walk_edges), params)
    crs = osm.buildings.estimate_utm_crs()
    edges = osm.walk_edges[~osm.walk_edges["highway"].isin(NOT_ROADS)].to_crs(crs)
    return Community(
        "Helsinki demo", osm.buildings, households, matrix, params,
        edges.geometry.to_numpy(), crs, homes,
    )  # fmt: skip


def towers() -> Community:
    estate = synthetic_community()
    params = CostParameters()
    matrix = building_matrix(estate.buildings, WalkingNetwork.from_lines(estate.paths), params)
    crs = estate.buildings.estimate_utm_crs()
    roads = estate.paths[estate.paths["kind"].isin(SYNTHETIC_ROADS)].to_crs(crs)
    return Community(
        "synthetic towers", estate.buildings, estate.households, matrix, params,
        roads.geometry.to_numpy(), crs, None,
    )  # fmt: skip


# --- methods: each returns the team (or task) label of every household ------------------


def redvest(c: Community, households: pd.DataFrame, k: int, previous: object = None) -> np.ndarray:
    teams = [f"T{i:03d}" for i in range(1, k + 1)]
    homes = c.homes if c.homes is not None and len(c.homes) == k else None
    if homes is not None:
        teams = sorted(homes)
    plan = plan_territories(
        households, c.buildings, teams, matrix=c.matrix, params=c.params,  # type: ignore[arg-type]
        options=TerritoryOptions(seed=SEED), previous=previous, homes=homes,  # type: ignore[arg-type]
    )  # fmt: skip
    return plan.household_assignment()["team_id"].to_numpy()


def kmeans(c: Community, households: pd.DataFrame, k: int) -> np.ndarray:
    """scikit-learn KMeans on household points (each at its building's entrance)."""
    where = households["building_id"].astype(str).tolist()
    xy = building_points(c.buildings).loc[where].to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # fewer distinct points than k
        fit = KMeans(n_clusters=k, n_init=KMEANS_INIT, random_state=SEED).fit(xy)
    return fit.labels_.astype(str)


def hot_splitter(c: Community, households: pd.DataFrame, k: int) -> np.ndarray:
    """HOT's FMTM splitting algorithm (fmtm_algorithm.sql), without PostGIS.

    1. Blocks: polygonize the roads together with the boundary of the area of interest.
    2. Buildings (those with households) go to the block holding their centroid.
    3. Per block, k-means on the building centroids with k = buildings // target + 1.
    4. Tasks with fewer than target / 2 buildings merge into the nearest bigger task.
    ``target`` (buildings per task) is chosen so that the number of tasks is nearest k.
    """
    sites = households["building_id"].astype(str).unique()
    frame = c.buildings.set_index(c.buildings["building_id"].astype(str)).loc[sites]
    centre = np.asarray(frame.to_crs(c.crs).geometry.centroid)
    xy = np.column_stack([shapely.get_x(centre), shapely.get_y(centre)])
    block = _blocks(c.roads, centre)
    best: tuple[int, np.ndarray] | None = None
    for target in range(1, max(2, len(sites) // max(k, 1) * 3 + 2)):
        task = _merge_small(_cluster_blocks(xy, block, target), xy, target)
        gap = abs(len(np.unique(task)) - k)
        if best is None or gap < best[0]:
            best = (gap, task)
    assert best is not None
    by_site = pd.Series(best[1].astype(str), index=sites)
    return by_site.loc[households["building_id"].astype(str)].to_numpy()


def _blocks(roads: np.ndarray, centre: np.ndarray) -> np.ndarray:
    hull = shapely.convex_hull(shapely.union_all(np.concatenate([centre, roads])))
    aoi = shapely.buffer(hull, 50.0)
    lines = shapely.union_all(np.concatenate([roads, [shapely.boundary(aoi)]]))
    polygons = shapely.get_parts(shapely.polygonize(shapely.get_parts(lines)))
    polygons = polygons[shapely.area(polygons) > 1.0]
    tree = shapely.STRtree(polygons)
    inside, poly = tree.query(centre, predicate="within")
    block = np.full(len(centre), -1)
    block[inside] = poly
    # Centroids on a road line fall in no block: the nearest block takes them.
    lost = np.flatnonzero(block < 0)
    if len(lost):
        block[lost] = tree.query_nearest(centre[lost], all_matches=False)[1]
    return block


def _cluster_blocks(xy: np.ndarray, block: np.ndarray, target: int) -> np.ndarray:
    task = np.zeros(len(xy), dtype=np.int64)
    next_id = 0
    for b in np.unique(block):
        members = np.flatnonzero(block == b)
        n_clusters = min(len(members), len(members) // target + 1)
        if n_clusters <= 1:
            labels = np.zeros(len(members), dtype=np.int64)
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                fit = KMeans(n_clusters=n_clusters, n_init=1, random_state=SEED).fit(xy[members])
            labels = fit.labels_
        task[members] = next_id + labels
        next_id += n_clusters
    return task


def _merge_small(task: np.ndarray, xy: np.ndarray, target: int) -> np.ndarray:
    task = task.copy()
    ids, counts = np.unique(task, return_counts=True)
    small = set(ids[counts < 0.5 * target].tolist())
    big = np.isin(task, list(small), invert=True)
    if not big.any():
        return task
    for t in sorted(small):
        own = task == t
        d = np.hypot(*(xy[own][:, None, :] - xy[big][None, :, :]).transpose(2, 0, 1))
        task[own] = task[big][np.argmin(d.min(axis=0))]
    return task


# --- measuring --------------------------------------------------------------------------


def measure(
    c: Community, households: pd.DataFrame, labels: np.ndarray, work: np.ndarray, k: int
) -> dict[str, float]:
    ids = [str(b) for b in c.matrix.building_ids]  # type: ignore[attr-defined]
    dist = np.asarray(c.matrix.distance_m)  # type: ignore[attr-defined]
    dist = (dist + dist.T) / 2
    row = pd.Index(ids).get_indexer(pd.Index(households["building_id"].astype(str)))
    frame = pd.DataFrame({"label": labels.astype(str), "row": row, "work": work})
    loads = frame.groupby("label")["work"].sum()
    mean = work.sum() / k
    loops, pieces = [], []
    for _, group in frame.groupby("label"):
        sites = np.unique(group["row"].to_numpy())
        loops.append(loop_length(dist, sites))
        pieces.append(len(sites))
    assignment = pd.DataFrame(
        {
            "team_id": labels.astype(str),
            "building_id": households["building_id"].astype(str).to_numpy(),
            "floor": households["floor"].to_numpy(),
        }
    )
    return {
        "areas": len(loads),
        "max": loads.max() / mean,
        "min": (loads.min() if len(loads) >= k else 0.0) / mean,
        "loop": float(np.mean(loops)),
        "loop_max": float(np.max(loops)),
        "pieces": float(np.mean(pieces)),
        "split": split_bands(assignment),
    }


def kept_share(before: pd.Series, after: pd.Series, relabel: bool) -> float:
    """Share of households in both registers whose team is unchanged.

    With ``relabel`` the new labels are first matched to the old ones (k-means and task
    numbers mean nothing by themselves) by the assignment with the most overlap.
    """
    common = before.index.intersection(after.index)
    old, new = before[common].astype(str), after[common].astype(str)
    if relabel:
        table = pd.crosstab(new, old)
        rows, cols = linear_sum_assignment(-table.to_numpy())
        mapping = dict(zip(table.index[rows], table.columns[cols], strict=True))
        new = new.map(mapping).fillna("?")
    return float((new == old).mean())


def changed(households: pd.DataFrame) -> pd.DataFrame:
    """The register with CHANGE of it changed: half removed, as many new flats added."""
    rng = np.random.default_rng(SEED)
    n = len(households)
    gone = rng.choice(n, size=int(n * CHANGE / 2), replace=False)
    kept = households.drop(households.index[gone])
    new = kept.sample(n=len(gone), random_state=SEED).copy()
    new["household_id"] = [f"NEW{i:05d}" for i in range(len(new))]
    new["unit"] = new["unit"].astype(str) + "b"
    return pd.concat([kept, new], ignore_index=True)


Method = Callable[[Community, pd.DataFrame, int], np.ndarray]
METHODS: dict[str, Method] = {
    "redvest": redvest,
    "k-means (households)": kmeans,
    "HOT splitter": hot_splitter,
}


def run(c: Community, k: int, rows: list[str], stable: list[str]) -> None:
    work = c.workload()
    new_households = changed(c.households)
    new_work = c.workload(new_households)
    ids = c.households["household_id"].astype(str).to_numpy()
    for name, method in METHODS.items():
        start = time.perf_counter()
        labels = method(c, c.households, k)
        seconds = time.perf_counter() - start
        m = measure(c, c.households, labels, work, k)
        rows.append(
            f"| {name} | {c.name} | {k} | {m['areas']:.0f} | {m['max']:.3f} | {m['min']:.3f} "
            f"| {m['loop']:,.0f} | {m['loop_max']:,.0f} | {m['pieces']:.2f} | {m['split']:.0f} "
            f"| {seconds:.1f} |"
        )
        start = time.perf_counter()
        if name == "redvest":
            before = dict(zip(ids, labels, strict=True))
            again = redvest(c, new_households, k, previous=before)
        else:
            again = method(c, new_households, k)
        seconds = time.perf_counter() - start
        after = pd.Series(again, index=new_households["household_id"].astype(str).to_numpy())
        share = kept_share(pd.Series(labels, index=ids), after, relabel=name != "redvest")
        m2 = measure(c, new_households, again, new_work, k)
        stable.append(
            f"| {name} | {c.name} | {k} | {share:.1%} | {m2['max']:.3f} | {m2['min']:.3f} "
            f"| {m2['loop']:,.0f} | {seconds:.1f} |"
        )
        print(rows[-1], file=sys.stderr)


def main() -> None:
    rows: list[str] = []
    stable: list[str] = []
    hel = helsinki()
    run(hel, 100, rows, stable)
    syn = towers()
    for k in (100, 200):
        run(syn, k, rows, stable)
    print("## Territories (issue 3)\n")
    print(
        "| method | community | teams | areas | max/mean | min/mean | mean loop (m) "
        "| max loop (m) | pieces/team | non-contiguous bands | time (s) |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print("\n".join(rows))
    print(
        f"\nStability: the register changed by {CHANGE:.0%} (half removed, half new), re-planned.\n"
    )
    print(
        "| method | community | teams | unchanged households keeping their team "
        "| max/mean | min/mean | mean loop (m) | time (s) |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    print("\n".join(stable))


if __name__ == "__main__":
    main()
