"""The overview's map before any plan: the community's buildings, no CDN, no text on it."""

from __future__ import annotations

from collections.abc import Callable

import folium
import geopandas as gpd
import numpy as np
import shapely

from web.safety import map_html
from web.territory.maps import DECIMALS, UNASSIGNED
from web.tiles import Tiles, to_display


def buildings_map(
    buildings: gpd.GeoDataFrame, provider: Tiles, asset: Callable[[str], str], nonce: str
) -> str:
    """The buildings as a standalone HTML map page whose scripts all come from ``asset(path)``.

    Only the footprints are drawn (no tooltips or popups): nothing imported reaches the
    page's scripts. With a plan, the overview shows ``web.territory.maps.plan_map`` instead.

    Parameters
    ----------
    buildings : GeoDataFrame
        The community's buildings (WGS84), at least one.
    provider : Tiles
        The base map; AMap shifts the drawn geometries to GCJ-02.
    asset : callable
        Turns a path under ``static/`` into its URL.
    nonce : str
        The response's CSP nonce, put on the page's scripts.
    """
    fmap = folium.Map(tiles=None, control_scale=True, zoom_snap=0.25, zoom_delta=0.5)
    fmap.default_js = [
        ("leaflet", asset("vendor/leaflet-1.9.3/leaflet.js")),
        ("jquery", asset("vendor/jquery-3.7.1/jquery.min.js")),
    ]
    fmap.default_css = [
        ("leaflet_css", asset("vendor/leaflet-1.9.3/leaflet.css")),
        ("redvest_map_css", asset("map.css")),
    ]
    for layer in provider.layers:
        folium.TileLayer(
            layer.url, attr=layer.attribution, subdomains=layer.subdomains or "abc", max_zoom=19
        ).add_to(fmap)
    shown = to_display(buildings.geometry.to_numpy(), provider)
    footprints = gpd.GeoDataFrame(
        geometry=shapely.transform(shown, lambda xy: np.round(xy, DECIMALS)), crs=buildings.crs
    )
    folium.GeoJson(
        footprints,
        name="buildings",
        style_function=lambda _f: {
            "color": "#333333",
            "fillColor": UNASSIGNED,
            "weight": 0.6,
            "fillOpacity": 0.6,
        },
        className="rv-building",
    ).add_to(fmap)
    west, south, east, north = buildings.total_bounds
    fmap.fit_bounds([[south, west], [north, east]])
    return map_html(fmap, nonce)
