"""Tests of routing/demo.py on the real Helsinki extract (486 buildings, ~4,500 households)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from routing.demo import (
    OTHER_AVAILABILITY_RATE,
    RENTED_RATE,
    REQUEST_RATE,
    RESIDENTIAL_TYPES,
    TAG_RATES,
    generate_households,
    generate_volunteers,
    write_demo,
)
from routing.schema import HARDSHIP_TAGS, HOUSEHOLD_COLUMNS, VOLUNTEER_COLUMNS
from routing.sources import OsmExtract, read_households, read_volunteers

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"


@pytest.fixture(scope="module")
def buildings(helsinki_extract: OsmExtract) -> gpd.GeoDataFrame:
    """The 483 buildings of the Helsinki extract."""
    return helsinki_extract.buildings


@pytest.fixture(scope="module")
def households(buildings: gpd.GeoDataFrame) -> pd.DataFrame:
    """The demo register: a few thousand households."""
    return generate_households(buildings)


@pytest.fixture(scope="module")
def volunteers(buildings: gpd.GeoDataFrame, households: pd.DataFrame) -> pd.DataFrame:
    """The demo volunteers: 300 in teams of 3."""
    return generate_volunteers(buildings, households)


def _share(households: pd.DataFrame, tag: str) -> float:
    return float(households["tags"].str.split(";").map(lambda tags: tag in tags).mean())


def _close(share: float, rate: float, n: int) -> bool:
    return abs(share - rate) < 4 * np.sqrt(rate * (1 - rate) / n)


def test_same_seed_same_register_other_seed_other_draws(
    buildings: gpd.GeoDataFrame, households: pd.DataFrame, volunteers: pd.DataFrame
) -> None:
    pd.testing.assert_frame_equal(generate_households(buildings), households)
    pd.testing.assert_frame_equal(generate_volunteers(buildings, households), volunteers)
    other = generate_households(buildings, seed=1)
    assert other["household_id"].equals(households["household_id"])
    assert not other["tags"].equals(households["tags"])


def test_register_size_and_columns(households: pd.DataFrame) -> None:
    assert list(households.columns) == list(HOUSEHOLD_COLUMNS)
    assert 3_000 <= len(households) <= 8_000
    assert households["household_id"].is_unique
    assert households["household_id"].iloc[0] == "H000001"
    assert not households.duplicated(["building_id", "unit"]).any()
    assert not households["basement"].any()


def test_one_household_per_flat_of_residential_buildings(
    buildings: gpd.GeoDataFrame, households: pd.DataFrame
) -> None:
    b = buildings.set_index("building_id").loc[households["building_id"].unique()]
    assert b["building_type"].isin(RESIDENTIAL_TYPES).all()
    floors = households.groupby("building_id", sort=False)["floor"].agg(["min", "max", "size"])
    assert (floors["max"] == b["levels"]).all()
    shops = (b["building_type"] == "yes") & (b["levels"] >= 3)
    assert floors["min"].equals(shops.map({True: 2, False: 1}).rename("min"))
    flats = (b["levels"] - floors["min"] + 1) * b["units_per_floor"]
    assert floors["size"].equals(flats.rename("size"))


def test_no_households_in_churches_offices_or_kiosks(
    buildings: gpd.GeoDataFrame, households: pd.DataFrame
) -> None:
    others = buildings.loc[~buildings["building_type"].isin(RESIDENTIAL_TYPES), "building_id"]
    assert len(others) > 50
    assert not households["building_id"].isin(others).any()


def test_units_name_floor_and_flat(households: pd.DataFrame) -> None:
    flat = households["unit"].str[-2:].astype(int)
    assert (households["unit"].str[:-2].astype(int) == households["floor"]).all()
    assert flat.min() == 1


def test_rates_match_the_documented_table(households: pd.DataFrame) -> None:
    n = len(households)
    for tag, rate in TAG_RATES.items():
        assert _close(_share(households, tag), rate, n), tag
    assert _close(float(households["rented"].mean()), RENTED_RATE, n)
    assert _close(float((households["requests"] != "").mean()), REQUEST_RATE, n)
    assert households["residents"].between(1, 5).all()
    assert households["residents"].isin([2, 3]).mean() > 0.5
    assert households["since"].str.match(r"^(199[5-9]|20[0-2]\d)-\d\d-\d\d$").all()
    assert households["phone"].str.fullmatch(r"138\d{8}").all()


def test_tags_agree_with_residents_and_availability(households: pd.DataFrame) -> None:
    tags = households["tags"].str.split(";")
    alone = tags.map(lambda t: "独居老人" in t)
    assert (households.loc[alone, "residents"] == 1).all()
    family = tags.map(lambda t: "孕妇" in t or "婴幼儿" in t)
    assert (households.loc[family, "residents"] >= 2).all()
    hardship = tags.map(lambda t: bool(HARDSHIP_TAGS & set(t)))
    assert (households.loc[hardship, "availability"] != "").all()
    others = (households.loc[~hardship, "availability"] != "").mean()
    assert _close(float(others), OTHER_AVAILABILITY_RATE, int((~hardship).sum()))


def test_three_hundred_volunteers_in_a_hundred_teams_of_neighbours(
    buildings: gpd.GeoDataFrame, households: pd.DataFrame, volunteers: pd.DataFrame
) -> None:
    assert list(volunteers.columns) == list(VOLUNTEER_COLUMNS)
    assert len(volunteers) == 300
    sizes = volunteers.groupby("team_id").size()
    assert sizes.index.tolist() == [f"T{i:03d}" for i in range(1, 101)]
    assert (sizes == 3).all()
    assert volunteers["home_building"].isin(households["building_id"]).all()
    assert volunteers["skills"].str.count(";").max() <= 1
    local = buildings.set_index("building_id").geometry
    centres = local.to_crs(local.estimate_utm_crs()).centroid.loc[volunteers["home_building"]]
    xy = np.column_stack([centres.x, centres.y]).reshape(100, 3, 2)
    shuffled = xy.reshape(300, 2)[np.random.default_rng(0).permutation(300)].reshape(100, 3, 2)
    team_spread = np.median(np.ptp(xy, axis=1).max(axis=1))
    random_spread = np.median(np.ptp(shuffled, axis=1).max(axis=1))
    assert team_spread < random_spread / 4


def test_committed_files_equal_a_fresh_generation(helsinki_pbf: Path, tmp_path: Path) -> None:
    written = write_demo(tmp_path, osm_path=helsinki_pbf)
    assert [p.name for p in written] == ["households.csv", "volunteers.csv"]
    for path in written:
        assert path.read_bytes() == (DEMO / path.name).read_bytes(), path.name


def test_committed_files_read_back_through_the_readers(
    buildings: gpd.GeoDataFrame, households: pd.DataFrame, volunteers: pd.DataFrame
) -> None:
    assert (DEMO / "households.csv").read_bytes().startswith("\ufeff户号,楼栋".encode())
    read = read_households(DEMO / "households.csv", buildings)
    pd.testing.assert_frame_equal(read, households)
    pd.testing.assert_frame_equal(read_volunteers(DEMO / "volunteers.csv", buildings), volunteers)
