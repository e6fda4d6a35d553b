"""Tile providers and the display-only WGS84 → GCJ-02 shift for AMap."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from web.tiles import tiles, to_display, wgs84_to_gcj02


def test_gcj02_shift_in_beijing_and_none_abroad() -> None:
    # Tiananmen: the well-known offset of a few hundred metres to the south-east
    lon, lat = wgs84_to_gcj02(np.array([116.391349, 24.94]), np.array([39.907375, 60.17]))
    assert lon[0] == pytest.approx(116.397590, abs=2e-5)
    assert lat[0] == pytest.approx(39.908775, abs=2e-5)
    assert (lon[1], lat[1]) == (24.94, 60.17)  # Helsinki is outside China: unchanged


def test_amap_shifts_geometries_only_for_display() -> None:
    square = shapely.box(116.39, 39.90, 116.40, 39.91)
    shown = to_display(np.array([square], dtype=object), tiles("amap"))[0]
    assert shown.bounds[0] > square.bounds[0]
    assert to_display(np.array([square], dtype=object), tiles("osm"))[0].equals(square)


def test_providers() -> None:
    assert "openstreetmap" in tiles("osm").layers[0].url
    assert len(tiles("tianditu", "KEY").layers) == 2
    assert tiles("none").layers == ()
    with pytest.raises(ValueError, match="TIANDITU_KEY"):
        tiles("tianditu")
    with pytest.raises(ValueError, match="MAP_TILES"):
        tiles("google")
