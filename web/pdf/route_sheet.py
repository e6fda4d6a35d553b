"""One patrol route on paper: facts, map with direction arrows, its checklist table, QR code."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final
from urllib.parse import quote, urlsplit

import geopandas as gpd
import qrcode
from fpdf import FPDF

from routing.patrols.kinds import kind_label
from routing.patrols.result import PatrolPlan, PatrolRoute
from web.pdf.checklist import checklist_rows, draw_checklist
from web.pdf.fonts import FAMILY, CjkFont, new_pdf
from web.pdf.staticmap import Box, MapLayers, draw_map
from web.pdf.text import Lang, duration, words

MARGIN: Final = 12.0
QR_MM: Final = 30.0
MAP_BOX: Final = Box(MARGIN, 48.0, 210.0 - 2 * MARGIN, 135.0)


@dataclass(frozen=True)
class SheetOptions:
    """What every route sheet of one export shares.

    Attributes
    ----------
    base_url : str
        Base of the QR code's link (see ``route_url``).
    lang : {"zh", "en"}
        Language of the sheet.
    title : str
        Printed above the route title, e.g. the community's name.
    font : CjkFont, optional
        Default ``find_cjk_font()``.
    export_key : str
        Key of the web export holding the route (see ``route_url``).
    """

    base_url: str
    lang: Lang = "zh"
    title: str = ""
    font: CjkFont | None = None
    export_key: str = ""


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
    options: SheetOptions,
    *,
    team: str = "",
    slot_label: str = "",
    buildings: gpd.GeoSeries | None = None,
    streets: gpd.GeoSeries | None = None,
) -> Path:
    """Write the route sheet a team carries: facts, map, its checklist table, QR code.

    The table follows the plan's kind: street routes list their checkpoints (or the
    streets along the way), checkpoint routes add each point's hours and when it is
    due, building routes go tower by tower, floor by floor; each row has a box per
    item of the kind's checklist.

    Parameters
    ----------
    plan : PatrolPlan
        The plan holding the route and its checkpoints.
    route_id : str
        Which route.
    path : str or Path
        The PDF to write.
    options : SheetOptions
        What every sheet of an export shares: link base, language, title, font.
    team : str
        Team printed on the sheet ("" = none).
    slot_label : str
        The rota slot the route is walked in, when it has one (checkpoint hours).
    buildings : GeoSeries, optional
        Footprints (WGS84) drawn on the map.
    streets : GeoSeries, optional
        Street lines (WGS84) drawn on the map, e.g. the walking network's edges.

    Returns
    -------
    Path
        ``path``.
    """
    route = plan.route(route_id)
    lang = options.lang
    t = words(lang)
    url = route_url(options.base_url, route_id, options.export_key)
    points = plan.checkpoints[plan.checkpoints["route_id"] == route_id].sort_values("order")
    pdf = new_pdf("portrait", options.font)
    pdf.add_page()
    _header(pdf, t, lang, plan, route, team, options.title, slot_label)
    _qr(pdf, url, t["qr"])
    marks = list(zip(points.geometry.x, points.geometry.y, strict=True))
    layers = MapLayers(
        route=route.geometry,
        start=(plan.start_lon, plan.start_lat),
        checkpoints=tuple(dict.fromkeys(marks)),  # a tower's floors share its entrance
        buildings=buildings,
        streets=streets,
    )
    draw_map(pdf, MAP_BOX, layers, start_label=t["start"], note=t["attribution"])
    pdf.set_xy(MARGIN, MAP_BOX.y + MAP_BOX.h + 1.5)
    pdf.set_font(FAMILY, "", 8)
    pdf.set_text_color(60, 60, 60)
    pdf.cell(0, 5, t["legend"], new_x="LMARGIN", new_y="NEXT")
    heading = {"street": t["checkpoints"], "checkpoints": t["checklist"], "building": t["floors"]}
    rows = checklist_rows(plan, route, t)
    draw_checklist(
        pdf, t, heading.get(route.kind, t["checklist"]), plan.kind.checklist, rows, kind=route.kind
    )
    pdf.output(str(path))
    return Path(path)


def _header(
    pdf: FPDF,
    t: Mapping[str, str],
    lang: Lang,
    plan: PatrolPlan,
    route: PatrolRoute,
    team: str,
    title: str,
    slot_label: str,
) -> None:
    pdf.set_xy(MARGIN, MARGIN - 2)
    pdf.set_font(FAMILY, "", 9)
    pdf.set_text_color(80, 80, 80)
    pdf.cell(0, 5, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 20)
    pdf.set_text_color(0, 0, 0)
    kind = kind_label(route.kind, lang, plan.kind.label)
    heading = f"{t['route_title'].format(route=route.route_id)} · {kind}"
    pdf.cell(0, 11, heading, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 12)
    if team:
        pdf.cell(0, 7, t["team"].format(team=team), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 9)
    facts = _facts(t, lang, plan, route)
    if slot_label:
        facts += "\n" + t["slot_line"].format(slot=slot_label)
    pdf.multi_cell(210 - 2 * MARGIN - QR_MM - 4, 5, facts, new_x="LMARGIN", new_y="NEXT")


def _facts(t: Mapping[str, str], lang: Lang, plan: PatrolPlan, route: PatrolRoute) -> str:
    """Length, duration and what the route holds, per kind; and the slot it fits."""
    common = {"km": route.length_m / 1000, "time": duration(route.time_s, lang)}
    if route.kind == "building":
        towers = plan.checkpoints.set_index("checkpoint_id").loc[list(route.checkpoints)]
        text = t["facts_building"].format(
            **common,
            climb=duration(route.climb_s, lang),
            towers=towers["building_id"].nunique(),
            n=len(route.checkpoints),
        )
    elif route.kind == "checkpoints":
        text = t["facts_checkpoints"].format(**common, n=len(route.checkpoints))
    else:
        text = t["facts"].format(**common, dead=route.deadhead_m / 1000, n=len(route.checkpoints))
    if plan.slot_s:
        text += t["fits_slot"].format(minutes=round(plan.slot_s / 60))
    return text


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
