"""A synthetic sub-district (街道): tower estates and low-rise streets side by side."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from routing.checks import require, whole
from routing.demo import (
    draw_household_details,
    generate_volunteers,
    household_units,
    numbered,
    write_households_csv,
    write_volunteers_csv,
)
from routing.schema import BUILDING_COLUMNS, HOUSEHOLD_COLUMNS, VOLUNTEER_COLUMNS, WGS84
from routing.synthetic import EstateLayout, metric_frame, noded_paths, tower_layout
from routing.synthetic_cells import AVENUE, LINK, Arrangement, arrange
from routing.synthetic_streets import LEVELS, UNITS_PER_FLOOR, street_layout

COMMUNITY_NAMES: Final = tuple(
    f"{name}社区"
    for name in (
        "莲花", "景田", "香蜜", "福田", "华富", "梅林", "上步", "园岭", "南园", "沙头",
        "福保", "华强", "岗厦", "皇岗", "水围", "益田", "石厦", "新洲", "上沙", "下沙",
        "沙尾", "竹林", "香梅", "碧海", "东海", "金地", "天安", "彩田", "红荔", "百花",
        "八卦岭", "笋岗", "新华", "振华", "华新", "通新岭", "荔村", "鹏盛", "福中", "莲北",
        "景华", "侨香", "安托山", "农园", "福山", "赤尾", "渔农", "新沙",
    )
)  # fmt: skip
COMMUNITY_FIELD: Final = "社区"  # the column naming a row's community in every written file
TOWERS: Final = "towers"  # a high-rise estate as routing.synthetic lays it out
STREETS: Final = "streets"  # low-rise blocks as routing.synthetic_streets lays them out
TOWER_FLOORS: Final = (18, 33)  # storeys of a tower, drawn uniformly
TOWER_UNITS: Final = (6, 8, 10)  # flats per floor, one value per tower estate
# A community's households are a whole number of buildings nearest its target, so a target
# keeps half the largest building (a 33-storey tower of 10 flats a floor) from each bound.
_SLACK: Final = TOWER_FLOORS[1] * max(TOWER_UNITS) // 2
GRID_M: Final = 0.01  # path coordinates are rounded to this grid before noding
# The path kinds of the layouts and their OSM highway values (all walkable).
HIGHWAYS: Final = MappingProxyType(
    {"path": "footway", "ring": "service", "spur": "footway", "street": "residential",
     AVENUE: "tertiary", LINK: "footway"}
)  # fmt: skip


@dataclass(frozen=True)
class SubdistrictOptions:
    """Size of a synthetic sub-district; the defaults are issue 15's 39 communities.

    ``households`` and ``volunteers`` are totals, shared out in proportion; every
    community holds between ``min_households`` and ``max_households``.
    """

    communities: int = 39
    households: int = 200_000
    min_households: int = 2_000
    max_households: int = 10_000
    volunteers: int = 23_000
    team_size: int = 3
    seed: int = 15
    origin: tuple[float, float] = (114.05, 22.54)

    def __post_init__(self) -> None:
        n = self.communities
        whole("communities", n, 1, len(COMMUNITY_NAMES))
        low, high = self.min_households, self.max_households
        require(
            low >= 1 and high - low >= 2 * _SLACK,
            f"need 1 <= min_households and max_households >= min_households + {2 * _SLACK}",
            (low, high),
        )
        require(
            n * low <= self.households <= n * high,
            f"households must be between {n} × min_households and {n} × max_households",
            self.households,
        )
        require(
            self.volunteers >= 0 and self.team_size >= 1,
            "need volunteers >= 0 and team_size >= 1",
            (self.volunteers, self.team_size),
        )
        lon, lat = self.origin
        require(
            -180 < lon < 180 and -80 < lat < 84,
            "origin must be (lon, lat) inside UTM's range",
            self.origin,
        )

    @classmethod
    def small(cls, seed: int = 15) -> SubdistrictOptions:
        """Three communities of about 500 households and 60 volunteers each, for fast tests."""
        return cls(
            communities=3,
            households=1_500,
            min_households=300,
            max_households=900,
            volunteers=180,
            seed=seed,
        )


@dataclass(frozen=True)
class SyntheticSubdistrict:
    """A sub-district's communities, boundaries, buildings, paths and registers (WGS84).

    Every frame names each row's community in a ``community`` column.
    """

    communities: pd.DataFrame  # community, kind, buildings, households, volunteers, teams
    boundaries: gpd.GeoDataFrame  # community, kind, geometry: one polygon each
    buildings: gpd.GeoDataFrame  # BUILDING_COLUMNS + community
    paths: gpd.GeoDataFrame  # highway, kind, community, geometry: noded LineStrings
    households: pd.DataFrame  # HOUSEHOLD_COLUMNS + community
    volunteers: pd.DataFrame  # VOLUNTEER_COLUMNS + community

    def summary(self) -> str:
        """One line with the size of the sub-district."""
        kinds = self.communities["kind"].value_counts()
        return (
            f"{len(self.communities)} communities ({kinds.get(TOWERS, 0)} tower estates, "
            f"{kinds.get(STREETS, 0)} low-rise), {len(self.buildings)} buildings, "
            f"{len(self.households)} households, {len(self.volunteers)} volunteers in "
            f"{self.volunteers['team_id'].nunique()} teams, {len(self.paths)} path segments"
        )


@dataclass(frozen=True, eq=False)
class _Estate:
    """One community's layout in its own metres, with its buildings' sizes."""

    name: str
    kind: str
    layout: EstateLayout
    levels: np.ndarray
    units: np.ndarray


def synthetic_subdistrict(
    options: SubdistrictOptions = SubdistrictOptions(),
) -> SyntheticSubdistrict:
    """Generate a deterministic sub-district around ``options.origin``.

    Communities are tower estates (``routing.synthetic.tower_layout``: towers of 18–33
    storeys, 6, 8 or 10 flats a floor, with lifts) and low-rise streets
    (``routing.synthetic_streets``: 3–7 storeys, 2–4 flats a floor, no lifts), about
    half each. Each gets the whole number of buildings whose flats come nearest a
    target drawn between the bounds; targets add up to ``options.households``.
    ``routing.synthetic_cells.arrange`` places them side by side in one cell each (the
    community boundary) and joins their paths by avenues and links. Households are one
    per flat with the demo's rates; volunteers live in their community, in teams of
    neighbours, in proportion to its households.

    Parameters
    ----------
    options : SubdistrictOptions
        Sizes and seed; ``SubdistrictOptions.small()`` for three small communities.

    Returns
    -------
    SyntheticSubdistrict
        Building, household, volunteer and team ids unique across the sub-district:
        building ids are the community name and the building's name ("莲花社区3座").
    """
    rng = np.random.default_rng([options.seed, 0])
    estates = _estates(rng, options)
    extents = np.array([shapely.total_bounds(e.layout.lines) for e in estates])
    arrangement = arrange(extents)
    crs, base = metric_frame(options.origin)
    buildings = _buildings(estates, arrangement.shifts, base, crs)
    paths = _paths(estates, arrangement, base, crs)
    names = [e.name for e in estates]
    boundaries = gpd.GeoDataFrame(
        {"community": names, "kind": [e.kind for e in estates]},
        geometry=gpd.GeoSeries(_moved(arrangement.cells, base), crs=crs).to_crs(WGS84).to_numpy(),
        crs=WGS84,
    )
    households = _households(np.random.default_rng([options.seed, 1]), buildings)
    volunteers = _volunteers(rng, options, buildings, households)
    communities = boundaries.drop(columns="geometry").assign(
        **{
            column: frame.groupby("community").size().reindex(names, fill_value=0).to_numpy()
            for column, frame in (
                ("buildings", buildings),
                ("households", households),
                ("volunteers", volunteers),
            )
        },
        teams=volunteers.groupby("community")["team_id"]
        .nunique()
        .reindex(names, fill_value=0)
        .to_numpy(),
    )
    return SyntheticSubdistrict(
        pd.DataFrame(communities), boundaries, buildings, paths, households, volunteers
    )


def _paths(
    estates: list[_Estate], arrangement: Arrangement, base: np.ndarray, crs: object
) -> gpd.GeoDataFrame:
    """Each community's own paths and its pieces of the joining lines, noded, in WGS84."""
    frames = []
    for k, estate in enumerate(estates):
        own = _moved(estate.layout.lines, arrangement.shifts[k])
        # On a centimetre grid (as WalkingNetwork.from_lines nodes), junctions that float
        # arithmetic puts a hair apart (a link meeting a grid path) become one node instead
        # of a sub-micrometre segment that a written file cannot hold.
        lines = shapely.set_precision(np.concatenate([own, arrangement.links[k]]), GRID_M)
        kinds = estate.layout.kinds + arrangement.link_kinds[k]
        frames.append(noded_paths(lines, kinds, base, crs).assign(community=estate.name))
    paths = pd.concat(frames, ignore_index=True)
    paths.insert(0, "highway", paths["kind"].map(HIGHWAYS))
    return paths


def _estates(rng: np.random.Generator, options: SubdistrictOptions) -> list[_Estate]:
    """Each community's kind, building sizes and layout, for its share of the households."""
    n = options.communities
    kinds = rng.permutation([TOWERS] * ((n + 1) // 2) + [STREETS] * (n // 2))
    targets = _targets(rng, options)
    estates = []
    for k in range(n):
        layout_rng = np.random.default_rng([options.seed, 2, k])
        target = float(targets[k])
        if kinds[k] == TOWERS:
            cap = math.ceil(target / (TOWER_FLOORS[0] * min(TOWER_UNITS))) + 2
            per_floor = int(layout_rng.choice(TOWER_UNITS))
            levels = layout_rng.integers(TOWER_FLOORS[0], TOWER_FLOORS[1] + 1, size=cap)
            units = np.full(cap, per_floor)
            count = _nearest_count(np.cumsum(levels * units), target)
            layout = tower_layout(layout_rng, count)
        else:
            cap = math.ceil(target / (LEVELS[0] * UNITS_PER_FLOOR[0])) + 2
            levels = layout_rng.integers(LEVELS[0], LEVELS[1] + 1, size=cap)
            units = layout_rng.integers(UNITS_PER_FLOOR[0], UNITS_PER_FLOOR[1] + 1, size=cap)
            count = _nearest_count(np.cumsum(levels * units), target)
            layout = street_layout(layout_rng, count)
        name = COMMUNITY_NAMES[k]
        estates.append(_Estate(name, str(kinds[k]), layout, levels[:count], units[:count]))
    return estates


def _targets(rng: np.random.Generator, options: SubdistrictOptions) -> np.ndarray:
    """Household targets within the bounds (less the slack), adding up to the total.

    Squared uniform draws skew the sizes as in a real sub-district: many communities a
    little above the lower bound, a few at the upper one.
    """
    low, high = options.min_households + _SLACK, options.max_households - _SLACK
    share = rng.uniform(0.05, 1.0, size=options.communities) ** 2
    goal = min(max(options.households, low * len(share)), high * len(share))

    def targets(scale: float) -> np.ndarray:
        return np.clip(low + scale * share * (high - low), low, high)

    # The sum grows with the scale: bisect for the one that gives the total.
    lo, hi = 0.0, 1.0 / share.min()
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if targets(mid).sum() < goal else (lo, mid)
    return targets(hi)


def _nearest_count(cumulative: np.ndarray, target: float) -> int:
    """How many buildings (at least one) hold the number of flats nearest ``target``."""
    after = int(np.searchsorted(cumulative, target))
    if after == 0:
        return 1
    if after >= len(cumulative):
        return len(cumulative)
    nearer_before = target - cumulative[after - 1] <= cumulative[after] - target
    return after if nearer_before else after + 1


def _buildings(
    estates: list[_Estate], shifts: np.ndarray, base: np.ndarray, crs: object
) -> gpd.GeoDataFrame:
    """All buildings in WGS84, ids prefixed with their community's name."""
    frames = []
    for k, estate in enumerate(estates):
        tower = estate.kind == TOWERS
        count = len(estate.levels)
        names = [f"{i}{'座' if tower else '栋'}" for i in range(1, count + 1)]
        move = shifts[k] + base
        frames.append(
            gpd.GeoDataFrame(
                {
                    "building_id": [estate.name + name for name in names],
                    "name": names,
                    "building_type": "apartments" if tower else "residential",
                    "levels": estate.levels.astype(np.int64),
                    "levels_source": "levels",
                    "units_per_floor": estate.units.astype(np.int64),
                    "has_lift": tower,
                    "basement_levels": 0,
                    "door_x": estate.layout.entrances[:, 0] + move[0],
                    "door_y": estate.layout.entrances[:, 1] + move[1],
                    "community": estate.name,
                },
                geometry=_moved(estate.layout.footprints, move),
                crs=crs,
            )
        )
    metric = pd.concat(frames, ignore_index=True)
    doors = gpd.GeoSeries(gpd.points_from_xy(metric["door_x"], metric["door_y"]), crs=crs)
    doors = doors.to_crs(WGS84)
    frame = metric.to_crs(WGS84).assign(entrance_lon=doors.x, entrance_lat=doors.y)
    return frame.loc[:, [*BUILDING_COLUMNS, "community"]]


def _moved(geometry: np.ndarray, by: np.ndarray) -> np.ndarray:
    """Geometries shifted by the vector ``by`` (metres)."""
    return np.asarray(shapely.transform(geometry, lambda xy: xy + by))


def _households(rng: np.random.Generator, buildings: gpd.GeoDataFrame) -> pd.DataFrame:
    """One household per flat, numbered across the sub-district, with the demo's details."""
    units = household_units(buildings, np.ones(len(buildings), dtype=np.int64))
    details = draw_household_details(rng, len(units))
    frame = pd.concat([units, details], axis=1).assign(basement=False)
    community = buildings.set_index("building_id")["community"]
    frame["community"] = frame["building_id"].map(community).to_numpy()
    return frame.loc[:, [*HOUSEHOLD_COLUMNS, "community"]]


def _volunteers(
    rng: np.random.Generator,
    options: SubdistrictOptions,
    buildings: gpd.GeoDataFrame,
    households: pd.DataFrame,
) -> pd.DataFrame:
    """Volunteers in teams within each community, renumbered across the sub-district."""
    share = households.groupby("community", sort=False).size()
    size = options.team_size
    counts = share.mul(options.volunteers / share.sum() / size).round().astype(int) * size
    frames = []
    for name, count in counts.items():
        mine = buildings["community"] == name
        crew = generate_volunteers(
            buildings.loc[mine],
            households.loc[households["community"] == name],
            n=int(count),
            team_size=size,
            seed=int(rng.integers(2**31)),
        )
        frames.append(crew.assign(community=str(name)))
    crew = pd.concat(frames, ignore_index=True)
    total = len(crew)
    team = pd.Series(list(zip(crew["community"], crew["team_id"], strict=True)))
    team_no = pd.factorize(team)[0] + 1
    crew["volunteer_id"] = numbered("V", total, width=max(3, len(str(total)))).to_numpy()
    crew["phone"] = numbered("139", total, width=8).to_numpy()
    width = max(3, len(str(team_no.max(initial=0))))
    crew["team_id"] = ("T" + pd.Series(team_no).astype(str).str.zfill(width)).to_numpy()
    return crew.loc[:, [*VOLUNTEER_COLUMNS, "community"]]


def write_subdistrict(out_dir: str | Path, subdistrict: SyntheticSubdistrict) -> list[Path]:
    """Write a sub-district as the files a sub-district import reads.

    Parameters
    ----------
    out_dir : str or Path
        Directory (created if missing).
    subdistrict : SyntheticSubdistrict
        What to write.

    Returns
    -------
    list of Path
        ``boundaries.geojson`` (one polygon per community, property 社区),
        ``buildings.geojson`` (the attributes ``read_buildings`` reads),
        ``paths.geojson`` (``highway`` and ``kind``), ``households.csv`` and
        ``volunteers.csv`` (the import headers with a 社区 column first).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = [out / f"{name}.geojson" for name in ("boundaries", "buildings", "paths")]
    named = {"community": COMMUNITY_FIELD}
    boundaries = subdistrict.boundaries.loc[:, ["community", "geometry"]].rename(columns=named)
    boundaries.to_file(written[0], driver="GeoJSON")
    subdistrict.buildings.drop(columns=["levels_source", "community"]).to_file(
        written[1], driver="GeoJSON"
    )
    subdistrict.paths.loc[:, ["highway", "kind", "geometry"]].to_file(written[2], driver="GeoJSON")
    for frame, columns, writer, name in (
        (subdistrict.households, HOUSEHOLD_COLUMNS, write_households_csv, "households.csv"),
        (subdistrict.volunteers, VOLUNTEER_COLUMNS, write_volunteers_csv, "volunteers.csv"),
    ):
        first = frame.loc[:, ["community", *columns]].rename(columns=named)
        written.append(writer(first, out / name))
    return written
