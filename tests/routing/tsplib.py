"""TSPLIB instances of the tour tests (tests/data/tsplib) and the cost of a path."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np

TSPLIB = Path(__file__).resolve().parents[1] / "data" / "tsplib"
BERLIN52_OPTIMUM = 7542  # proven optimum (TSPLIB)


def berlin52() -> np.ndarray:
    """TSPLIB berlin52 (52 places in Berlin) with its EUC_2D rounding."""
    lines = (TSPLIB / "berlin52.tsp").read_text().splitlines()
    start = lines.index("NODE_COORD_SECTION") + 1
    xy = np.array([[float(v) for v in line.split()[1:3]] for line in lines[start : start + 52]])
    return np.floor(np.linalg.norm(xy[:, None] - xy[None, :], axis=2) + 0.5).astype(np.int64)


def cost(travel: np.ndarray, path: tuple[int, ...] | list[int]) -> int:
    """The cost of walking ``path`` in order, summed here arc by arc."""
    return int(sum(int(travel[a, b]) for a, b in itertools.pairwise(path)))
