"""Seeded VRPTW instances in the style of Solomon's R1, C1 and RC1 classes, any size.

Customers on a 100 × 100 square around a central depot: uniformly random (R1), in
clusters (C1), or half and half (RC1). Narrow windows: each customer's window is
centred on a random time at which it can be reached from the depot and left in time
to get back, with a half-width of 5-15 (R1, RC1) or 20-45 (C1) time units. Horizon,
service time, demands (10-40) and capacity (200) follow Solomon's classes; the
distance convention is that of ``bench/data/SOURCE.md`` (floor(10 × euclid), windows
and service × 10), so the numbers read like the Solomon tables.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from routing.visits.model import RoutingProblem

SCALE = 10
# Solomon's horizon and service time per class; clusters and their spread for C.
CLASSES = {"R1": (230, 10), "C1": (1236, 90), "RC1": (240, 10)}
CAPACITY = 200
CLUSTER_SIZE = 20
CLUSTER_SD = 4.0
# Leaving a customer out costs far more than any tour: never chosen.
MANDATORY = 10**7


@dataclass(frozen=True, eq=False)
class Generated:
    """A generated instance and its customers' coordinates (depot first)."""

    name: str
    problem: RoutingProblem
    coords: np.ndarray


def generate(kind: str, customers: int = 200, seed: int = 1, vehicles: int = 50) -> Generated:
    """A seeded instance of class ``kind`` ("R1", "C1" or "RC1").

    Parameters
    ----------
    kind : str
        Solomon class to imitate.
    customers : int
        Number of customers.
    seed : int
        Seed of the coordinates, windows and demands.
    vehicles : int
        Routes available (Gehring & Homberger's 200-customer instances allow 50).

    Returns
    -------
    Generated
        Name ``"{kind}-{customers}-s{seed}"``, the integer problem and coordinates.
    """
    if kind not in CLASSES:
        raise ValueError(f"kind must be one of {sorted(CLASSES)}, got {kind!r}")
    rng = np.random.default_rng(seed)
    horizon, service = CLASSES[kind]
    clustered = {"R1": 0, "C1": customers, "RC1": customers // 2}[kind]
    xy = np.vstack(
        [_clusters(rng, clustered), rng.uniform(0, 100, size=(customers - clustered, 2))]
    )
    coords = np.vstack([[50.0, 50.0], rng.permutation(xy)])
    euclid = np.hypot(*(coords[:, None, :] - coords[None, :, :]).transpose(2, 0, 1))
    travel = np.floor(SCALE * euclid).astype(np.int64)
    serve = np.full(customers + 1, service * SCALE, dtype=np.int64)
    serve[0] = 0
    last = horizon * SCALE
    lo, hi = (20, 45) if kind == "C1" else (5, 15)
    windows: list[tuple[tuple[int, int], ...]] = [()]
    for i in range(1, customers + 1):
        earliest = int(travel[0, i])
        latest = last - int(travel[i, 0]) - int(serve[i])
        centre = int(rng.integers(earliest, max(latest, earliest) + 1))
        half = int(rng.integers(lo, hi + 1)) * SCALE
        windows.append(((max(earliest, centre - half), min(latest, centre + half)),))
    demand = np.concatenate([[0], rng.integers(1, 5, size=customers) * 10]).astype(np.int64)
    problem = RoutingProblem(
        travel,
        serve,
        (0,) * vehicles,
        (0,) * vehicles,
        (0, last),
        np.full(customers + 1, MANDATORY, dtype=np.int64),
        tuple(windows),
        demand,
        CAPACITY,
    )
    return Generated(f"{kind}-{customers}-s{seed}", problem, coords)


def _clusters(rng: np.random.Generator, count: int) -> np.ndarray:
    """``count`` points in clusters of about ``CLUSTER_SIZE`` around random centres."""
    if count == 0:
        return np.empty((0, 2))
    centres = rng.uniform(10, 90, size=(max(1, round(count / CLUSTER_SIZE)), 2))
    which = rng.integers(0, len(centres), size=count)
    return np.clip(centres[which] + rng.normal(0, CLUSTER_SD, size=(count, 2)), 0, 100)
