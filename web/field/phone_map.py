"""The team's route map for a phone: numbered buildings, the walking path, "locate me"."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

import folium
import shapely

from web.safety import html_text, map_html, script_json
from web.tiles import Tiles, to_display


class Stop(Protocol):
    """What the map needs of a stop (a FieldStop row or a selected row of its columns)."""

    @property
    def building_id(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def lon(self) -> float: ...
    @property
    def lat(self) -> float: ...


_LOCATE_JS = """
(function () {
  var map = %(map)s;
  var Locate = L.Control.extend({
    options: {position: 'topleft'},
    onAdd: function () {
      var b = L.DomUtil.create('button', 'rv-locate');
      b.type = 'button'; b.id = 'locate'; b.title = '定位'; b.textContent = '◎';
      L.DomEvent.on(b, 'click', function (e) {
        L.DomEvent.stop(e); map.locate({setView: true, maxZoom: 18, enableHighAccuracy: true});
      });
      return b;
    }
  });
  map.addControl(new Locate());
  var me = null;
  map.on('locationfound', function (e) {
    if (me) { me.setLatLng(e.latlng); } else {
      me = L.circleMarker(e.latlng, {radius: 8, color: '#1565c0', fillOpacity: 0.8}).addTo(map);
    }
  });
  window.addEventListener('message', function (e) {
    if (e.origin !== location.origin || !e.data || !e.data.building) { return; }
    var m = window.rvStops && window.rvStops.get(String(e.data.building));
    if (m) { map.setView(m.getLatLng(), Math.max(map.getZoom(), 17)); m.openTooltip(); }
  });
})();
"""


def _point(lon: float, lat: float, provider: Tiles) -> tuple[float, float]:
    shown = to_display(shapely.points([[lon, lat]]), provider)[0]
    return float(shown.y), float(shown.x)


def phone_base_map(provider: Tiles, asset: Callable[[str], str]) -> folium.Map:
    """An empty folium map for a phone page: the vendored Leaflet and jQuery (no CDN, so
    it loads offline from the service worker's cache), field.css, ``provider``'s tiles.

    Parameters
    ----------
    provider : Tiles
        The base map layers (none for ``MAP_TILES=none``).
    asset : callable
        Turns a path under ``static/`` into its URL.

    Returns
    -------
    folium.Map
        The map, to draw on.
    """
    fmap = folium.Map(tiles=None, zoom_control=True, zoom_snap=0.25, prefer_canvas=False)
    fmap.default_js = [
        ("leaflet", asset("vendor/leaflet-1.9.3/leaflet.js")),
        ("jquery", asset("vendor/jquery-3.7.1/jquery.min.js")),
    ]
    fmap.default_css = [
        ("leaflet_css", asset("vendor/leaflet-1.9.3/leaflet.css")),
        ("field_css", asset("field.css")),
    ]
    for layer in provider.layers:
        folium.TileLayer(
            layer.url, attr=layer.attribution, subdomains=layer.subdomains or "abc", max_zoom=19
        ).add_to(fmap)
    return fmap


def route_map(
    stops: Sequence[Stop],
    path: shapely.Geometry,
    provider: Tiles,
    asset: Callable[[str], str],
    nonce: str,
) -> str:
    """The route as a standalone folium page whose scripts all come from ``asset(path)``.

    Parameters
    ----------
    stops : sequence of Stop
        The team's stops in order (one numbered marker per building, at its first stop).
    path : shapely geometry
        The walking path (WGS84 line or lines).
    provider : Tiles
        The base map; AMap shifts drawn points to GCJ-02.
    asset : callable
        Turns a path under ``static/`` into its URL.
    nonce : str
        The response's CSP nonce, put on the page's scripts.
    """
    fmap = phone_base_map(provider, asset)
    shown: list[shapely.Geometry] = []
    if not shapely.is_empty(path):
        shown = list(to_display(shapely.get_parts(path), provider))
    for line in shown:
        coords = [(round(y, 6), round(x, 6)) for x, y in shapely.get_coordinates(line)]
        if len(coords) > 1:
            folium.PolyLine(
                coords, color="#c62828", weight=4, opacity=0.8, class_name="rv-path"
            ).add_to(fmap)
    markers: list[tuple[str, str]] = []
    seen: set[str] = set()
    for number, stop in enumerate(stops, start=1):
        if stop.building_id in seen:
            continue
        seen.add(stop.building_id)
        icon = folium.DivIcon(
            html=f'<span class="rv-num">{number}</span>',
            icon_size=(28, 28),
            icon_anchor=(14, 14),
            class_name="rv-stop",
        )
        marker = folium.Marker(
            _point(stop.lon, stop.lat, provider), icon=icon, tooltip=html_text(stop.label)
        )
        marker.add_to(fmap)
        markers.append((script_json(stop.building_id), marker.get_name()))
    lats = [s.lat for s in stops] or [0.0]
    lons = [s.lon for s in stops] or [0.0]
    fmap.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(20, 20))
    script = _LOCATE_JS % {"map": fmap.get_name()}
    # A Map, not an object: a building called "__proto__" stays a key.
    pairs = ", ".join(f"[{key}, {name}]" for key, name in markers)
    index = f"window.rvStops = new Map([{pairs}]);"
    root: Any = fmap.get_root()  # a folium Figure, typed as its base Element
    # The map's own script is appended when the page renders: run after it.
    deferred = f"document.addEventListener('DOMContentLoaded', function () {{ {index}{script} }});"
    root.script.add_child(folium.Element(deferred))
    root.header.add_child(folium.Element('<link rel="icon" href="data:,">'))
    return map_html(fmap, nonce)
