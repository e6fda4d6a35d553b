"""The page a patrol route sheet's QR code opens: the route's map and checkpoints, no log-in."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

import folium
import shapely
from flask import abort, current_app, render_template, url_for
from werkzeug.wrappers import Response

from web.auth.throttle import public_page_limit
from web.downloads import exports_dir
from web.extensions import limiter
from web.field.phone_map import phone_base_map
from web.headers import csp_nonce
from web.patrols import phone_bp
from web.patrols.pages import RoutePage, load_page
from web.pdf.text import duration, page_lang, words
from web.safety import html_text, map_html
from web.tiles import Tiles, tiles, to_display

# An export never changes; a phone that lost its signal on the walk keeps the page.
CACHE: Final = "private, max-age=3600"

# They open from a printed QR code without log-in: a limit per address
# (PUBLIC_PAGE_LIMIT) keeps anyone from hammering them.
limiter.limit(public_page_limit)(phone_bp)


def _page(key: str, route_id: str) -> RoutePage:
    page = load_page(exports_dir(), key, route_id)
    if page is None:
        abort(404, "no such patrol route (unknown sheet, or its export was removed)")
    return page


def _public(response: Response) -> Response:
    # Tile servers must not learn the export key from a Referer header.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = CACHE
    return response


@phone_bp.get("/<key>/<route_id>")
def route_page(key: str, route_id: str) -> Response:
    """The route's phone page: facts, its map and the numbered checkpoints."""
    page = _page(key, route_id)
    lang = page_lang()
    t = words(lang)
    facts = t["facts"].format(
        km=page.length_m / 1000,
        time=duration(page.time_s, lang),
        dead=page.deadhead_m / 1000,
        n=len(page.checkpoints),
    )
    html = render_template("patrols/phone.html", page=page, t=t, facts=facts, lang=lang)
    return _public(Response(html, mimetype="text/html"))


@phone_bp.get("/<key>/<route_id>/map")
def route_map(key: str, route_id: str) -> Response:
    """The folium map of the route (embedded in its phone page)."""
    page = _page(key, route_id)
    provider = tiles(current_app.config["MAP_TILES"], current_app.config["TIANDITU_KEY"])
    html = patrol_map(
        page, provider, lambda p: url_for("static", filename=p), csp_nonce(), words(page_lang())
    )
    return _public(Response(html, mimetype="text/html"))


def patrol_map(
    page: RoutePage,
    provider: Tiles,
    asset: Callable[[str], str],
    nonce: str,
    t: Mapping[str, str] | None = None,
) -> str:
    """The route as a standalone folium page whose scripts all come from ``asset(path)``.

    Parameters
    ----------
    page : RoutePage
        The route: its walk, start and checkpoints (WGS84).
    provider : Tiles
        The base map; AMap shifts drawn points to GCJ-02.
    asset : callable
        Turns a path under ``static/`` into its URL (vendored Leaflet, no CDN).
    nonce : str
        The response's CSP nonce, put on the page's scripts.
    t : mapping, optional
        Printed words (``web.pdf.text.words``); default Chinese.

    Returns
    -------
    str
        The HTML page.
    """
    t = t or words("zh")
    fmap = phone_base_map(provider, asset)
    places = [(page.start[0], page.start[1])] + [(c.lon, c.lat) for c in page.checkpoints]
    shown = to_display(shapely.points(places), provider)
    lines: list[shapely.Geometry] = []
    if not page.path.is_empty:
        lines = list(to_display(shapely.get_parts(page.path), provider))
    for line in lines:
        coords = [(round(y, 6), round(x, 6)) for x, y in shapely.get_coordinates(line)]
        folium.PolyLine(coords, color="#c62828", weight=4, opacity=0.8).add_to(fmap)
    labels = [(t["start"], "■")] + [(c.name, str(n)) for n, c in enumerate(page.checkpoints, 1)]
    for point, (name, mark) in zip(shown, labels, strict=True):
        folium.Marker(
            (float(point.y), float(point.x)), tooltip=html_text(name), icon=_icon(mark)
        ).add_to(fmap)
    west, south, east, north = shapely.GeometryCollection([*shown, *lines]).bounds
    fmap.fit_bounds([[south, west], [north, east]], padding=(20, 20))
    figure: Any = fmap.get_root()  # a folium Figure, typed as its base Element
    figure.header.add_child(folium.Element('<link rel="icon" href="data:,">'))
    return map_html(fmap, nonce)


def _icon(text: str) -> folium.DivIcon:
    return folium.DivIcon(
        html=f'<span class="rv-num">{html_text(text)}</span>',
        icon_size=(28, 28),
        icon_anchor=(14, 14),
        class_name="rv-stop",
    )
