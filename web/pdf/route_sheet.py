"""One patrol route on paper: map with direction arrows, checkpoint list with boxes, QR code."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Final
from urllib.parse import quote, urlsplit

import geopandas as gpd
import qrcode
from fpdf import FPDF

from routing.patrols.result import PatrolPlan, PatrolRoute
from web.pdf.fonts import FAMILY, CjkFont, new_pdf
from web.pdf.staticmap import Box, MapLayers, draw_map
from web.pdf.text import Lang, duration, words

MARGIN: Final = 12.0
QR_MM: Final = 30.0
MAP_BOX: Final = Box(MARGIN, 48.0, 210.0 - 2 * MARGIN, 135.0)
ROW_H: Final = 7.5
COLUMNS: Final = (12.0, 95.0, 16.0, 63.0)  # number, name, box to tick, remarks (mm)


def route_url(base_url: str, route_id: str, export_key: str = "") -> str:
    """The route's phone page: ``{base_url}/r/{export_key}/{route_id}`` (no personal data).

    Parameters
    ----------
    base_url : str
        ``http(s)://host[:port][/prefix]`` of the redvest service.
    route_id : str
        The route.
    export_key : str
        The unguessable key of the web export holding the route; without one (sheets of
        the command line, which no service holds) the URL is ``{base_url}/r/{route_id}``.

    Returns
    -------
    str
        The URL printed as a QR code.
    """
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"base_url must be an http(s) URL, got {base_url!r}")
    key = f"{quote(export_key, safe='')}/" if export_key else ""
    return f"{base_url.rstrip('/')}/r/{key}{quote(route_id, safe='')}"


def route_sheet_pdf(
    plan: PatrolPlan,
    route_id: str,
    path: str | Path,
    *,
    base_url: str,
    team: str = "",
    buildings: gpd.GeoSeries | None = None,
    streets: gpd.GeoSeries | None = None,
    lang: Lang = "zh",
    title: str = "",
    font: CjkFont | None = None,
    export_key: str = "",
) -> Path:
    """Write the route sheet a team carries: facts, map, checkpoints to tick, QR code.

    Parameters
    ----------
    plan : PatrolPlan
        The plan holding the route and its checkpoints.
    route_id : str
        Which route.
    path : str or Path
        The PDF to write.
    base_url : str
        Base of the QR code's link (see ``route_url``).
    team : str
        Team printed on the sheet ("" = none).
    buildings : GeoSeries, optional
        Footprints (WGS84) drawn on the map.
    streets : GeoSeries, optional
        Street lines (WGS84) drawn on the map, e.g. the walking network's edges.
    lang : {"zh", "en"}
        Language of the sheet.
    title : str
        Printed above the route title, e.g. the community's name.
    font : CjkFont, optional
        Default ``find_cjk_font()``.
    export_key : str
        Key of the web export holding the route (see ``route_url``).

    Returns
    -------
    Path
        ``path``.
    """
    route = plan.route(route_id)
    t = words(lang)
    url = route_url(base_url, route_id, export_key)
    points = plan.checkpoints[plan.checkpoints["route_id"] == route_id].sort_values("order")
    pdf = new_pdf("portrait", font)
    pdf.add_page()
    _header(pdf, t, lang, route, team, title)
    _qr(pdf, url, t["qr"])
    layers = MapLayers(
        route=route.geometry,
        start=(plan.start_lon, plan.start_lat),
        checkpoints=tuple(zip(points.geometry.x, points.geometry.y, strict=True)),
        buildings=buildings,
        streets=streets,
    )
    draw_map(pdf, MAP_BOX, layers, start_label=t["start"], note=t["attribution"])
    pdf.set_xy(MARGIN, MAP_BOX.y + MAP_BOX.h + 1.5)
    pdf.set_font(FAMILY, "", 8)
    pdf.set_text_color(60, 60, 60)
    pdf.cell(0, 5, t["legend"], new_x="LMARGIN", new_y="NEXT")
    names = [n or cid for n, cid in zip(points["name"], points["checkpoint_id"], strict=True)]
    _checklist(pdf, t, names)
    pdf.output(str(path))
    return Path(path)


def _header(
    pdf: FPDF, t: Mapping[str, str], lang: Lang, route: PatrolRoute, team: str, title: str
) -> None:
    pdf.set_xy(MARGIN, MARGIN - 2)
    pdf.set_font(FAMILY, "", 9)
    pdf.set_text_color(80, 80, 80)
    pdf.cell(0, 5, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 20)
    pdf.set_text_color(0, 0, 0)
    pdf.cell(0, 11, t["route_title"].format(route=route.route_id), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 12)
    if team:
        pdf.cell(0, 7, t["team"].format(team=team), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 9)
    facts = t["facts"].format(
        km=route.length_m / 1000,
        time=duration(route.time_s, lang),
        dead=route.deadhead_m / 1000,
        n=len(route.checkpoints),
    )
    pdf.multi_cell(210 - 2 * MARGIN - QR_MM - 4, 5, facts, new_x="LMARGIN", new_y="NEXT")


def _qr(pdf: FPDF, url: str, caption: str) -> None:
    image = qrcode.make(url, border=1).get_image()
    x = 210 - MARGIN - QR_MM
    pdf.image(image, x=x, y=MARGIN - 4, w=QR_MM, h=QR_MM)
    pdf.set_font(FAMILY, "", 6)
    pdf.set_text_color(60, 60, 60)
    for i, text in enumerate((caption, url)):
        width = pdf.get_string_width(text)
        # A long URL (with its export key) is wider than the code: keep it inside the margin.
        left = min(x + (QR_MM - width) / 2, 210 - MARGIN - width)
        pdf.text(left, MARGIN - 4 + QR_MM + 2.5 + 2.6 * i, text)


def _checklist(pdf: FPDF, t: Mapping[str, str], names: list[str]) -> None:
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FAMILY, "", 12)
    pdf.cell(0, 8, t["checkpoints"], new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 9)
    if not names:
        pdf.cell(0, 6, t["no_checkpoints"], new_x="LMARGIN", new_y="NEXT")
    else:
        _row(pdf, (t["no"], t["name"], t["done"], t["remarks"]), head=True)
        for number, name in enumerate(names, start=1):
            if pdf.will_page_break(ROW_H):
                pdf.add_page()
                _row(pdf, (t["no"], t["name"], t["done"], t["remarks"]), head=True)
            _row(pdf, (str(number), name, "", ""), head=False)
    pdf.ln(6)
    if pdf.will_page_break(10):
        pdf.add_page()
    pdf.cell(0, 8, t["signature"], new_x="LMARGIN", new_y="NEXT")


def _row(pdf: FPDF, cells: tuple[str, str, str, str], *, head: bool) -> None:
    """One line of the checklist; data rows get an empty box to tick."""
    pdf.set_fill_color(230, 236, 245)
    y = pdf.get_y()
    x = MARGIN
    for width, text in zip(COLUMNS, cells, strict=True):
        pdf.set_xy(x, y)
        pdf.cell(width, ROW_H, text, border=1, align="C" if width < 20 else "L", fill=head)
        x += width
    if not head:
        box_x = MARGIN + COLUMNS[0] + COLUMNS[1] + (COLUMNS[2] - 4.5) / 2
        pdf.rect(box_x, y + (ROW_H - 4.5) / 2, 4.5, 4.5)
    pdf.set_xy(MARGIN, y + ROW_H)
