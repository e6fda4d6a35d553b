"""Fixtures of the source-reader tests: the small good files in tests/data/good."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest

from routing.sources import read_buildings

GOOD = Path(__file__).resolve().parents[2] / "data" / "good"


@pytest.fixture(scope="session")
def good() -> Path:
    """Folder of the good files: 4 buildings, 10 households in 3 spellings, 4 volunteers."""
    return GOOD


@pytest.fixture(scope="session")
def buildings() -> gpd.GeoDataFrame:
    """The 4 buildings 1座..4座 (SZ-01..SZ-04) of tests/data/good/buildings.geojson."""
    return read_buildings(GOOD / "buildings.geojson")
