"""Deterministic synthetic household and volunteer registers for a real map (the demo data)."""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd

from routing.schema import (
    HOUSEHOLD_COLUMNS,
    HOUSEHOLD_HEADERS,
    VOLUNTEER_COLUMNS,
    VOLUNTEER_HEADERS,
    VOLUNTEER_SKILLS,
)
from routing.tags import HARDSHIP_TAGS

DEFAULT_OSM: Final = Path(__file__).resolve().parent.parent / "data" / "osm" / "helsinki.osm.pbf"

# --- which buildings hold households ------------------------------------------------
# OSM building=* values that house people. "yes" is included because most housing in the
# Helsinki centre carries no finer tag; churches, kiosks, sheds, roofs, garages, public,
# university, school, office, retail, museum ... are left out.
RESIDENTIAL_TYPES: Final = frozenset(
    {"apartments", "residential", "dormitory", "house", "terrace", "yes"}
)
# Smaller footprints are kiosks, booths, sheds and sliver polygons, not homes.
MIN_FOOTPRINT_M2: Final = 100.0
# Untyped ("yes") buildings with a single storey are pavilions and service huts.
MIN_LEVELS_UNTYPED: Final = 2
# Untyped buildings of this many levels or more have shops on the ground floor, so their
# households start on floor 2.
SHOP_GROUND_FLOOR_MIN_LEVELS: Final = 3

# --- household rates (each a share of all households) --------------------------------
TAG_RATES: Final = MappingProxyType(
    {"独居老人": 0.06, "残疾": 0.02, "困难家庭": 0.03,
     "退役军人": 0.02, "孕妇": 0.01, "婴幼儿": 0.05}
)  # fmt: skip
# Tags that need more than one resident, so never drawn for an elderly person living alone.
_FAMILY_TAGS: Final = frozenset({"孕妇", "婴幼儿"})
# Residents per household before tags adjust them (独居老人 → 1, family tags → at least 2).
RESIDENTS_WEIGHTS: Final = MappingProxyType({1: 0.18, 2: 0.32, 3: 0.28, 4: 0.15, 5: 0.07})
RENTED_RATE: Final = 0.30
REQUEST_RATE: Final = 0.10
# Hardship households always give visiting hours; other households this often.
OTHER_AVAILABILITY_RATE: Final = 0.10
SINCE_FIRST: Final = "1995-01-01"
SINCE_LAST: Final = "2026-01-31"
REQUEST_PHRASES: Final = (
    "需要代购药品", "希望有人定期上门探访", "楼道灯坏了", "需要帮忙预约社区医生",
    "电梯经常故障", "希望协助办理补贴申请", "家中水管漏水需维修", "需要陪同就医",
)  # fmt: skip
AVAILABILITY_WINDOWS: Final = (
    "09:00-11:30;15:00-17:30", "09:00-11:30", "14:00-17:00",
    "08:30-10:30;16:00-18:00", "18:30-20:30", "10:00-12:00;14:30-16:30",
)  # fmt: skip
HOUSEHOLD_PHONE_PREFIX: Final = "138"

# --- volunteers ----------------------------------------------------------------------
SURNAMES: Final = (
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙",
    "马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋",
)  # fmt: skip
GIVEN_NAMES: Final = (
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳",
    "杰", "娟", "涛", "明", "超", "秀英", "桂英", "建华", "志强", "海燕", "晓东", "丽华",
    "春梅", "国强", "文杰", "玉兰", "红霞", "建国", "雪梅", "子涵", "浩然", "欣怡", "宇航", "佳琪",
)  # fmt: skip
SKILLS: Final = VOLUNTEER_SKILLS
# Probability of a volunteer listing 0, 1 or 2 skills.
SKILL_COUNT_WEIGHTS: Final = (0.4, 0.4, 0.2)
VOLUNTEER_PHONE_PREFIX: Final = "139"


def _first_floors(
    buildings: gpd.GeoDataFrame,
    residential_types: Iterable[str] = RESIDENTIAL_TYPES,
    min_footprint_m2: float = MIN_FOOTPRINT_M2,
) -> np.ndarray:
    """Lowest residential floor per building: 0 (no households), 1, or 2 (shops below)."""
    kind = buildings["building_type"].astype(str).to_numpy()
    levels = buildings["levels"].to_numpy(dtype=np.int64)
    area = buildings.geometry.to_crs(buildings.estimate_utm_crs()).area.to_numpy()
    untyped = kind == "yes"
    homes = (
        np.isin(kind, list(residential_types))
        & (area >= min_footprint_m2)
        & ~(untyped & (levels < MIN_LEVELS_UNTYPED))
    )
    first = np.where(untyped & (levels >= SHOP_GROUND_FLOOR_MIN_LEVELS), 2, 1)
    return np.where(homes, first, 0)


def household_units(buildings: pd.DataFrame, first_floor: np.ndarray) -> pd.DataFrame:
    """One row per flat: floors ``first_floor..levels`` × ``units_per_floor`` of each building.

    Parameters
    ----------
    buildings : DataFrame
        With ``building_id``, ``levels`` and ``units_per_floor``.
    first_floor : numpy.ndarray
        Lowest residential floor per building; 0 skips the building.

    Returns
    -------
    DataFrame
        ``household_id`` ("H000001", numbered in building, floor, unit order),
        ``building_id``, ``floor`` and ``unit`` (e.g. "2401": floor 24, unit 1).
    """
    first = np.asarray(first_floor, dtype=np.int64)
    levels = buildings["levels"].to_numpy(dtype=np.int64)
    per_floor = buildings["units_per_floor"].to_numpy(dtype=np.int64)
    floors = np.where(first > 0, np.maximum(levels - first + 1, 0), 0)
    counts = floors * per_floor
    owner = np.repeat(np.arange(len(counts)), counts)
    offset = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    floor = first[owner] + offset // per_floor[owner]
    unit_no = offset % per_floor[owner] + 1
    return pd.DataFrame(
        {
            "household_id": numbered("H", len(owner), width=6),
            "building_id": buildings["building_id"].astype(str).to_numpy()[owner],
            "floor": floor,
            "unit": pd.Series(floor).astype(str) + pd.Series(unit_no).astype(str).str.zfill(2),
        }
    )


def draw_household_details(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Residents, tenure, phone, tags, requests and availability for ``n`` households.

    Rates follow ``TAG_RATES``, ``RESIDENTS_WEIGHTS``, ``RENTED_RATE``, ``REQUEST_RATE``
    and ``OTHER_AVAILABILITY_RATE``; phones are obviously fake ("138" + a serial number).

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness; the same state gives the same frame.
    n : int
        Number of households.

    Returns
    -------
    DataFrame
        The household columns other than ``household_id``, ``building_id``, ``floor``,
        ``unit`` and ``basement``, with ``n`` rows.
    """
    tags = _draw_tags(rng, n)
    sizes = np.array(list(RESIDENTS_WEIGHTS))
    weights = np.array(list(RESIDENTS_WEIGHTS.values()))
    residents = rng.choice(sizes, size=n, p=weights / weights.sum())
    residents = np.where(tags["独居老人"], 1, residents)
    family = np.logical_or.reduce([tags[t] for t in _FAMILY_TAGS])
    residents = np.where(family, np.maximum(residents, 2), residents)
    rented = rng.random(n) < RENTED_RATE
    first, last = np.datetime64(SINCE_FIRST), np.datetime64(SINCE_LAST)
    since = first + rng.integers(0, (last - first).astype(int) + 1, size=n)
    wants = rng.random(n) < REQUEST_RATE
    request = rng.integers(0, len(REQUEST_PHRASES), size=n)
    hardship = np.logical_or.reduce([tags[t] for t in HARDSHIP_TAGS])
    windows = hardship | (rng.random(n) < OTHER_AVAILABILITY_RATE)
    window = rng.integers(0, len(AVAILABILITY_WINDOWS), size=n)
    return pd.DataFrame(
        {
            "residents": pd.array(residents, dtype="Int64"),
            "rented": pd.array(rented, dtype="boolean"),
            "since": np.datetime_as_string(since, unit="D"),
            "phone": numbered(HOUSEHOLD_PHONE_PREFIX, n, width=8),
            "tags": _join_tags(tags, n),
            "requests": np.where(wants, np.asarray(REQUEST_PHRASES)[request], ""),
            "availability": np.where(windows, np.asarray(AVAILABILITY_WINDOWS)[window], ""),
        }
    )


def generate_households(
    buildings: gpd.GeoDataFrame,
    *,
    seed: int = 2026,
    residential_types: Iterable[str] = RESIDENTIAL_TYPES,
    min_footprint_m2: float = MIN_FOOTPRINT_M2,
) -> pd.DataFrame:
    """A synthetic household register for the residential buildings of a real map.

    Parameters
    ----------
    buildings : GeoDataFrame
        Buildings per ``schema.BUILDING_COLUMNS`` (WGS84), e.g. from ``read_osm``.
    seed : int
        Seed of the random draws; the same seed gives an identical frame.
    residential_types : iterable of str
        ``building_type`` values that hold households (see ``RESIDENTIAL_TYPES``).
    min_footprint_m2 : float
        Buildings with a smaller footprint hold no households.

    Returns
    -------
    DataFrame
        Households per ``schema.HOUSEHOLD_COLUMNS``.
    """
    first = _first_floors(buildings, residential_types, min_footprint_m2)
    units = household_units(buildings, first)
    details = draw_household_details(np.random.default_rng(seed), len(units))
    frame = pd.concat([units, details], axis=1)
    frame["basement"] = False
    return frame.loc[:, list(HOUSEHOLD_COLUMNS)]


def generate_volunteers(
    buildings: gpd.GeoDataFrame,
    households: pd.DataFrame,
    *,
    n: int = 300,
    team_size: int = 3,
    seed: int = 2026,
) -> pd.DataFrame:
    """Synthetic volunteers living in the community, in teams of neighbours.

    Homes are drawn in proportion to households per building, ordered along a Hilbert
    curve and cut into consecutive teams, so that team members live near each other.

    Parameters
    ----------
    buildings : GeoDataFrame
        Buildings per ``schema.BUILDING_COLUMNS`` (WGS84).
    households : DataFrame
        Households per ``schema.HOUSEHOLD_COLUMNS``; volunteers live where they do.
    n : int
        Number of volunteers.
    team_size : int
        Members per team ("T001", "T002", ...); the last team may be smaller.
    seed : int
        Seed of the random draws; the same seed gives an identical frame.

    Returns
    -------
    DataFrame
        Volunteers per ``schema.VOLUNTEER_COLUMNS``, numbered "V001".. in team order.
    """
    if n < 0 or team_size < 1:
        raise ValueError(f"need n >= 0 and team_size >= 1, got n={n}, team_size={team_size}")
    counts = households["building_id"].astype(str).value_counts(sort=False)
    if n and counts.empty:
        raise ValueError("volunteers need at least one building with households")
    rng = np.random.default_rng(seed)
    homes = rng.choice(counts.index.to_numpy(), size=n, p=counts.to_numpy() / counts.sum())
    order = np.lexsort((np.arange(n), _hilbert_key(buildings, homes)))
    homes = homes[order]
    width = max(3, len(str(n)))
    return pd.DataFrame(
        {
            "volunteer_id": numbered("V", n, width=width),
            "name": _draw_names(rng, n),
            "phone": numbered(VOLUNTEER_PHONE_PREFIX, n, width=8),
            "home_building": homes.astype(str),
            "skills": _draw_skills(rng, n),
            "team_id": "T" + pd.Series(np.arange(n) // team_size + 1).astype(str).str.zfill(3),
        },
        columns=list(VOLUNTEER_COLUMNS),
    )


def write_households_csv(households: pd.DataFrame, path: Path) -> Path:
    """Write households with the Chinese headers of ``HOUSEHOLD_HEADERS`` (UTF-8 with BOM).

    Parameters
    ----------
    households : DataFrame
        Households per ``schema.HOUSEHOLD_COLUMNS``; 地下室 is written only when some
        household has the basement flag. Other columns (社区) are written under their
        own names.
    path : Path
        CSV file to write.

    Returns
    -------
    Path
        ``path``.
    """
    out = households if households["basement"].any() else households.drop(columns="basement")
    yes_no = {True: "是", False: "否"}
    out = out.assign(
        **{c: out[c].map(yes_no).fillna("") for c in ("rented", "basement") if c in out}
    )
    return _write_csv(out, path, HOUSEHOLD_HEADERS)


def write_volunteers_csv(volunteers: pd.DataFrame, path: Path) -> Path:
    """Write volunteers with the Chinese headers of ``VOLUNTEER_HEADERS`` (UTF-8 with BOM).

    Parameters
    ----------
    volunteers : DataFrame
        Volunteers per ``schema.VOLUNTEER_COLUMNS``; other columns (社区) are written
        under their own names.
    path : Path
        CSV file to write.

    Returns
    -------
    Path
        ``path``.
    """
    return _write_csv(volunteers, path, VOLUNTEER_HEADERS)


def write_demo(out_dir: str | Path, *, osm_path: str | Path = DEFAULT_OSM) -> list[Path]:
    """Generate the demo registers for an OSM extract and write them as CSV.

    Parameters
    ----------
    out_dir : str or Path
        Directory for ``households.csv`` and ``volunteers.csv`` (created if missing).
    osm_path : str or Path
        OSM ``.pbf`` extract whose buildings house the community.

    Returns
    -------
    list of Path
        The files written.
    """
    from routing.sources import read_osm

    buildings = read_osm(osm_path).buildings
    households = generate_households(buildings)
    volunteers = generate_volunteers(buildings, households)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return [
        write_households_csv(households, out / "households.csv"),
        write_volunteers_csv(volunteers, out / "volunteers.csv"),
    ]


def _draw_tags(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    draws = rng.random((n, len(TAG_RATES)))
    elderly = draws[:, 0] < TAG_RATES["独居老人"]
    tags = {"独居老人": elderly}
    for col, (tag, rate) in enumerate(TAG_RATES.items()):
        if tag in _FAMILY_TAGS:
            # Drawn among the others only, scaled so the share of all households stays `rate`.
            tags[tag] = ~elderly & (draws[:, col] < rate / (1.0 - TAG_RATES["独居老人"]))
        elif tag != "独居老人":
            tags[tag] = draws[:, col] < rate
    return tags


def _join_tags(tags: dict[str, np.ndarray], n: int) -> np.ndarray:
    joined = np.full(n, "", dtype=object)
    for tag in TAG_RATES:
        sep = np.where(joined == "", "", ";")
        joined = np.where(tags[tag], joined + sep + tag, joined)
    return joined.astype(str)


def _draw_names(rng: np.random.Generator, n: int) -> np.ndarray:
    surname = np.asarray(SURNAMES)[rng.integers(0, len(SURNAMES), size=n)]
    given = np.asarray(GIVEN_NAMES)[rng.integers(0, len(GIVEN_NAMES), size=n)]
    return np.char.add(surname, given)


def _draw_skills(rng: np.random.Generator, n: int) -> list[str]:
    how_many = rng.choice(len(SKILL_COUNT_WEIGHTS), size=n, p=SKILL_COUNT_WEIGHTS)
    ranks = rng.random((n, len(SKILLS))).argsort(axis=1).argsort(axis=1)
    chosen = ranks < how_many[:, None]
    return [";".join(s for s, keep in zip(SKILLS, row, strict=True) if keep) for row in chosen]


def _hilbert_key(buildings: gpd.GeoDataFrame, homes: np.ndarray, bits: int = 16) -> np.ndarray:
    """Position of each home building's centroid along a Hilbert curve over the map."""
    local = buildings.set_index(buildings["building_id"].astype(str)).geometry
    centre = local.to_crs(local.estimate_utm_crs()).centroid
    xy = np.column_stack([centre.x.to_numpy(), centre.y.to_numpy()])
    side = (1 << bits) - 1
    span = np.ptp(xy, axis=0).max() or 1.0
    cells = np.rint((xy - xy.min(axis=0)) / span * side).astype(np.int64)
    cell = pd.DataFrame(cells, index=centre.index).loc[homes].to_numpy()
    x, y = cell[:, 0].copy(), cell[:, 1].copy()
    key = np.zeros(len(homes), dtype=np.int64)
    s = 1 << (bits - 1)
    while s > 0:
        rx, ry = (x & s) > 0, (y & s) > 0
        key += s * s * ((3 * rx.astype(np.int64)) ^ ry.astype(np.int64))
        flip = ~ry & rx
        x, y = np.where(flip, side - x, x), np.where(flip, side - y, y)
        x, y = np.where(~ry, y, x), np.where(~ry, x, y)
        s >>= 1
    return key


def numbered(prefix: str, n: int, *, width: int) -> pd.Series:
    """``prefix`` + 1..n zero-padded to ``width`` digits ("H000001"); ids and fake phones."""
    return prefix + pd.Series(np.arange(1, n + 1)).astype(str).str.zfill(width)


def _write_csv(
    frame: pd.DataFrame, path: Path, headers: MappingProxyType[str, tuple[str, ...]]
) -> Path:
    # Columns without canonical headers (a sub-district's 社区) keep their own name.
    named = frame.rename(columns={c: headers[c][0] for c in frame.columns if c in headers})
    # Excel in China opens UTF-8 only with a BOM; "\n" keeps the files byte-stable in git.
    named.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")
    return path


def main(argv: Sequence[str] | None = None) -> None:
    """Regenerate the demo files: ``python -m routing.demo data/demo [--osm PATH]``."""
    parser = argparse.ArgumentParser(prog="python -m routing.demo", description=main.__doc__)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--osm", type=Path, default=DEFAULT_OSM)
    args = parser.parse_args(argv)
    for path in write_demo(args.out_dir, osm_path=args.osm):
        print(path)


if __name__ == "__main__":
    main()
