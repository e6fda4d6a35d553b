"""The plan map: folium, areas coloured per team, buildings with per-floor popups, no CDN."""

from __future__ import annotations

import colorsys
from collections.abc import Callable

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from routing.schema import WGS84
from routing.territories.files import team_shapes
from web.safety import html_text, map_html
from web.tiles import Tiles, to_display

# Metres around a team's buildings that make its drawn area: a region, not just roofs.
AREA_MARGIN_M = 6.0
UNASSIGNED = "#9e9e9e"
DECIMALS = 6


def team_colours(teams: list[str]) -> dict[str, str]:
    """A distinct colour per team (golden-angle hues, alternating lightness)."""
    out = {}
    for i, team in enumerate(teams):
        hue = (i * 0.618033988749895) % 1.0
        light = 0.42 if i % 2 else 0.52
        r, g, b = colorsys.hls_to_rgb(hue, light, 0.75)
        out[team] = f"#{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}"
    return out


def floor_popups(buildings: gpd.GeoDataFrame, assignment: pd.DataFrame) -> dict[str, str]:
    """building_id → popup HTML: the building and, floor by floor, team and households."""
    per = (
        assignment.groupby(["building_id", "floor", "team_id"])
        .size()
        .rename("n")
        .reset_index()
        .sort_values(["building_id", "floor"], ascending=[True, False])
    )
    names = dict(zip(buildings["building_id"], buildings["name"], strict=True))
    out: dict[str, str] = {}
    for building_id, rows in per.groupby("building_id", sort=False):
        cells = "".join(
            f"<tr><td>{f}</td><td>{html_text(t)}</td><td>{n}</td></tr>"
            for f, t, n in zip(rows["floor"], rows["team_id"], rows["n"], strict=True)
        )
        title = html_text(names.get(building_id) or building_id)
        out[str(building_id)] = (
            f"<b>{title}</b> <small>{html_text(building_id)}</small>"
            f'<table class="rv-floors"><tr><th>层</th><th>队</th><th>户</th></tr>{cells}</table>'
        )
    return out


def _main_team(assignment: pd.DataFrame) -> pd.Series:
    counts = assignment.groupby(["building_id", "team_id"]).size().rename("n").reset_index()
    top = counts.sort_values(["building_id", "n"], ascending=[True, False])
    return top.drop_duplicates("building_id").set_index("building_id")["team_id"]


def _display(frame: gpd.GeoDataFrame, provider: Tiles) -> gpd.GeoDataFrame:
    out = frame.copy()
    shown = to_display(frame.geometry.to_numpy(), provider)
    # Six decimals are 0.1 m: enough on screen, and the page shrinks by half.
    out["geometry"] = shapely.transform(shown, lambda xy: np.round(xy, DECIMALS))
    return out


def plan_map(
    buildings: gpd.GeoDataFrame,
    assignment: pd.DataFrame,
    teams: list[str],
    provider: Tiles,
    asset: Callable[[str], str],
    nonce: str,
) -> str:
    """The plan as a standalone HTML map page whose scripts all come from ``asset(path)``.

    Parameters
    ----------
    buildings : GeoDataFrame
        The community's buildings (WGS84).
    assignment : DataFrame
        The plan's household rows (household_id, team_id, building_id, floor, workload).
    teams : list of str
        Teams in table order (fixes the colours).
    provider : Tiles
        The base map; AMap shifts the drawn geometries to GCJ-02.
    asset : callable
        Turns a path under ``static/`` into its URL.
    nonce : str
        The response's CSP nonce, put on the page's scripts.
    """
    colours = team_colours(teams)
    west, south, east, north = buildings.total_bounds
    # Quarter zoom steps let the community fill the frame instead of a third of it.
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
    shapes = team_shapes(buildings, assignment, teams, AREA_MARGIN_M).dropna()
    areas = gpd.GeoDataFrame({"team_id": shapes.index}, geometry=shapes.to_numpy(), crs=WGS84)
    areas = _display(areas, provider)
    areas["colour"] = areas["team_id"].map(colours)
    work = assignment.groupby("team_id")["workload"].sum() / 3600.0
    # Folium's GeoJSON tooltips put the field into innerHTML: the label is HTML text.
    areas["label"] = areas["team_id"].map(lambda t: html_text(f"{t} · {work.get(t, 0.0):.1f} h"))
    folium.GeoJson(
        areas[["team_id", "label", "colour", "geometry"]],
        name="areas",
        style_function=lambda f: {
            "color": f["properties"]["colour"],
            "fillColor": f["properties"]["colour"],
            "weight": 2,
            "fillOpacity": 0.3,
        },
        tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False),
        className="rv-area",
    ).add_to(fmap)
    main = _main_team(assignment)
    shown = _display(buildings[["building_id", "name", "geometry"]], provider)
    shown["colour"] = shown["building_id"].map(main).map(colours).fillna(UNASSIGNED)
    popups = floor_popups(buildings, assignment)
    shown["popup"] = shown["building_id"].map(popups).fillna("")
    shown = shown[shown["popup"] != ""]
    folium.GeoJson(
        shown[["building_id", "popup", "colour", "geometry"]],
        name="buildings",
        style_function=lambda f: {
            "color": "#333333",
            "fillColor": f["properties"]["colour"],
            "weight": 0.6,
            "fillOpacity": 0.85,
        },
        popup=folium.GeoJsonPopup(fields=["popup"], labels=False, localize=False),
        className="rv-building",
    ).add_to(fmap)
    fmap.fit_bounds([[south, west], [north, east]])
    return map_html(fmap, nonce)
