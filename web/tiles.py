"""Map tile providers (OpenStreetMap, Tianditu, AMap) and WGS84 → GCJ-02 for AMap display."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class TileLayer:
    """One raster tile layer as Leaflet takes it."""

    url: str
    attribution: str
    subdomains: str = "abc"


@dataclass(frozen=True)
class Tiles:
    """The base map: its layers and whether geometries must be shifted to GCJ-02."""

    name: str
    layers: tuple[TileLayer, ...]
    gcj02: bool = False


PROVIDERS = ("osm", "tianditu", "amap", "none")


def tiles(name: str, tianditu_key: str = "") -> Tiles:
    """The tile provider called ``name`` (``MAP_TILES``); ``none`` draws no base map.

    Raises
    ------
    ValueError
        For an unknown provider, or Tianditu without a key.
    """
    if name == "osm":
        layer = TileLayer(
            "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            "© OpenStreetMap contributors",
            "",
        )
        return Tiles(name, (layer,))
    if name == "tianditu":
        if not tianditu_key:
            raise ValueError("MAP_TILES=tianditu needs TIANDITU_KEY (a Tianditu browser key)")
        base = (
            "https://t{s}.tianditu.gov.cn/%s_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
            "&LAYER=%s&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
            "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=" + tianditu_key
        )
        attribution = "© 天地图 Tianditu"
        return Tiles(
            name,
            (
                TileLayer(base % ("vec", "vec"), attribution, "01234567"),
                TileLayer(base % ("cva", "cva"), attribution, "01234567"),
            ),
        )
    if name == "amap":
        layer = TileLayer(
            "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8"
            "&x={x}&y={y}&z={z}",
            "© 高德地图 AMap",
            "1234",
        )
        return Tiles(name, (layer,), gcj02=True)
    if name == "none":
        return Tiles(name, ())
    raise ValueError(f"MAP_TILES must be one of {', '.join(PROVIDERS)}, got {name!r}")


# Krasovsky 1940 ellipsoid, as the GCJ-02 obfuscation uses it.
_A = 6378245.0
_EE = 0.00669342162296594323


def _outside_china(lon: FloatArray, lat: FloatArray) -> NDArray[np.bool_]:
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _dlat(x: FloatArray, y: FloatArray) -> FloatArray:
    out = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    out += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    out += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    out += (160.0 * np.sin(y / 12.0 * np.pi) + 320 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    return out


def _dlon(x: FloatArray, y: FloatArray) -> FloatArray:
    out = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    out += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    out += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    out += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    return out


def wgs84_to_gcj02(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Shift WGS84 coordinates to GCJ-02 (unchanged outside China); for display only."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    x, y = lon - 105.0, lat - 35.0
    dlat, dlon = _dlat(x, y), _dlon(x, y)
    rad = lat / 180.0 * np.pi
    magic = 1 - _EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * np.cos(rad) * np.pi)
    outside = _outside_china(lon, lat)
    return np.where(outside, lon, lon + dlon), np.where(outside, lat, lat + dlat)


def to_display(geometries: NDArray[np.object_], provider: Tiles) -> NDArray[np.object_]:
    """Geometries as the provider's tiles need them (GCJ-02 for AMap; else unchanged)."""
    if not provider.gcj02:
        return geometries

    def shift(coords: FloatArray) -> FloatArray:
        lon, lat = wgs84_to_gcj02(coords[:, 0], coords[:, 1])
        return np.column_stack([lon, lat])

    shifted: NDArray[np.object_] = shapely.transform(geometries, shift)
    return shifted
