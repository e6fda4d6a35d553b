"""Form teams of three: members living close together, skills spread, sizes balanced.

Pure pandas/numpy (no Flask): volunteers are split by recursive coordinate bisection
into groups of exactly the balanced sizes, then neighbouring groups swap members when
that adds distinct skills without stretching either team much. The split is
deterministic; the seed only orders volunteers who stand at the same point (neighbours in
one building, and everyone without a known home, who stands at the community's centre).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from numpy.typing import NDArray

TEAM_SIZE = 3
# A skill swap may lengthen a team's spread (mean distance to its centre) by this much.
SWAP_SLACK_M = 150.0


@dataclass(frozen=True)
class FormingOptions:
    """How teams are formed.

    Parameters
    ----------
    size : int
        Members per team; sizes differ by at most one (at least 1).
    seed : int
        Breaks ties between volunteers at the same place; the same seed gives the same teams.
    """

    size: int = TEAM_SIZE
    seed: int = 0

    def __post_init__(self) -> None:
        if isinstance(self.size, bool) or not isinstance(self.size, int) or self.size < 1:
            raise ValueError(f"team size must be a whole number >= 1, got {self.size!r}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise ValueError(f"seed must be a whole number >= 0, got {self.seed!r}")


def team_sizes(n: int, size: int = TEAM_SIZE) -> list[int]:
    """Balanced sizes: ``round(n / size)`` teams whose sizes differ by at most one."""
    if n <= 0:
        return []
    k = max(1, round(n / size))
    base, extra = divmod(n, k)
    return [base + 1] * extra + [base] * (k - extra)


def _homes_xy(volunteers: pd.DataFrame, buildings: gpd.GeoDataFrame) -> NDArray[np.float64]:
    """Metric coordinates of each volunteer's home; the community's centre when unknown."""
    if buildings.empty:  # a roster imported before any map: everyone stands at one point
        return np.zeros((len(volunteers), 2), dtype=float)
    metric = buildings.to_crs(buildings.estimate_utm_crs())
    centre = metric.geometry.representative_point()
    where = pd.DataFrame(
        {"x": centre.x.to_numpy(), "y": centre.y.to_numpy()},
        index=buildings["building_id"].astype(str).to_numpy(),
    )
    xy = where.reindex(volunteers["home_building"].astype(str).to_numpy())
    fill = where.mean() if len(where) else pd.Series({"x": 0.0, "y": 0.0})
    return xy.fillna(fill).to_numpy(dtype=float)


def _bisect(
    xy: NDArray[np.float64], rank: NDArray[np.int64], idx: NDArray[np.int64], sizes: list[int]
) -> list[list[int]]:
    """Split ``idx`` into groups of ``sizes`` by halving along the longer axis; ``rank``
    orders volunteers at the same coordinate."""
    if len(sizes) == 1:
        return [idx.tolist()]
    half = len(sizes) // 2
    left_n = sum(sizes[:half])
    pts = xy[idx]
    axis = int(np.argmax(pts.max(axis=0) - pts.min(axis=0)))
    order = idx[np.lexsort((rank[idx], pts[:, axis]))]
    left, right = order[:left_n], order[left_n:]
    return _bisect(xy, rank, left, sizes[:half]) + _bisect(xy, rank, right, sizes[half:])


def _skills(volunteers: pd.DataFrame) -> list[frozenset[str]]:
    return [frozenset(s for s in str(cell).split(";") if s) for cell in volunteers["skills"]]


def _spread(xy: NDArray[np.float64], group: list[int]) -> float:
    pts = xy[group]
    return float(np.linalg.norm(pts - pts.mean(axis=0), axis=1).mean())


def _variety(skills: list[frozenset[str]], group: list[int]) -> int:
    return len(frozenset().union(*(skills[i] for i in group)))


def _swap_for_skills(
    groups: list[list[int]], xy: NDArray[np.float64], skills: list[frozenset[str]]
) -> None:
    """Swap members between consecutive groups (neighbours in space) to widen skills."""
    for a, b in itertools.pairwise(groups):
        base = _variety(skills, a) + _variety(skills, b)
        best = (base, 0, 0)
        limit = (_spread(xy, a) + SWAP_SLACK_M, _spread(xy, b) + SWAP_SLACK_M)
        for i in range(len(a)):
            for j in range(len(b)):
                na, nb = a.copy(), b.copy()
                na[i], nb[j] = b[j], a[i]
                if _spread(xy, na) > limit[0] or _spread(xy, nb) > limit[1]:
                    continue
                score = _variety(skills, na) + _variety(skills, nb)
                if score > best[0]:
                    best = (score, i, j)
        if best[0] > base:
            i, j = best[1], best[2]
            a[i], b[j] = b[j], a[i]


def form_teams(
    volunteers: pd.DataFrame,
    buildings: gpd.GeoDataFrame,
    options: FormingOptions | None = None,
) -> pd.Series:
    """A team id (T001…) for every volunteer.

    Parameters
    ----------
    volunteers : DataFrame
        Per ``VOLUNTEER_COLUMNS``.
    buildings : GeoDataFrame
        The community's buildings (homes are located by ``home_building``).
    options : FormingOptions, optional
        Team size and seed; default teams of three, seed 0.

    Returns
    -------
    Series
        Team ids aligned with ``volunteers``' index.
    """
    options = options or FormingOptions()
    sizes = team_sizes(len(volunteers), options.size)
    if not sizes:
        return pd.Series([], index=volunteers.index, dtype=str)
    xy = _homes_xy(volunteers, buildings)
    n = len(volunteers)
    rank = np.random.default_rng(options.seed).permutation(n).astype(np.int64)
    groups = _bisect(xy, rank, np.arange(n, dtype=np.int64), sizes)
    _swap_for_skills(groups, xy, _skills(volunteers))
    labels = np.empty(len(volunteers), dtype=object)
    width = max(3, len(str(len(groups))))
    for number, group in enumerate(groups, start=1):
        labels[group] = f"T{number:0{width}d}"
    return pd.Series(labels, index=volunteers.index, dtype=str)
