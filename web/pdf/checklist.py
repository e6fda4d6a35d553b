"""A route sheet's checklist table: one row per checkpoint or floor, a box per item."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
from fpdf import FPDF

from routing.patrols.result import PatrolPlan, PatrolRoute
from web.pdf.fonts import FAMILY

MARGIN: Final = 12.0
WIDTH: Final = 210.0 - 2 * MARGIN
ROW_H: Final = 7.5
HEAD_H: Final = 10.0
BOX_MM: Final = 4.0
SIZE: Final = 9.0
MIN_SIZE: Final = 6.0


@dataclass(frozen=True)
class Row:
    """One line of the table; a ``heading`` (a tower) spans it without boxes."""

    number: str
    name: str
    hours: str = ""
    due: str = ""
    heading: bool = False


def checklist_rows(plan: PatrolPlan, route: PatrolRoute, t: Mapping[str, str]) -> list[Row]:
    """The rows of a route's table in walking order: checkpoints, or towers and floors.

    Parameters
    ----------
    plan : PatrolPlan
        The plan holding the route's checkpoints (floors for building patrols).
    route : PatrolRoute
        The route.
    t : mapping
        Printed words (``web.pdf.text.words``).
    """
    points = plan.checkpoints[plan.checkpoints["route_id"] == route.route_id]
    points = points.sort_values("order")
    names = [str(n or c) for n, c in zip(points["name"], points["checkpoint_id"], strict=True)]
    arrival = points["arrival_s"] if "arrival_s" in points else [np.nan] * len(points)
    due = [_due(route, float(a), t) for a in arrival]
    if route.kind == "building":
        return _floor_rows(points["building_id"], points["floor"], names, due, plan, t)
    if route.kind == "checkpoints":
        hours = points["hours"].astype(str).tolist()
        return [
            Row(str(i), name, hour, when)
            for i, (name, hour, when) in enumerate(zip(names, hours, due, strict=True), start=1)
        ]
    rows = [Row(str(i), name) for i, name in enumerate(names, start=1)]
    return rows or [Row("—", t["along"])]


def _due(route: PatrolRoute, arrival_s: float, t: Mapping[str, str]) -> str:
    """Clock time when the route has its own slot, else minutes after the start."""
    if np.isnan(arrival_s):
        return ""
    if route.slots and route.start_s is not None:
        minutes = round((route.start_s + arrival_s) / 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    return t["after"].format(m=round(arrival_s / 60))


def _floor_rows(
    towers: Sequence[str],
    floors: Sequence[int],
    names: list[str],
    due: list[str],
    plan: PatrolPlan,
    t: Mapping[str, str],
) -> list[Row]:
    """A heading per tower (with its floor count), then its floors."""
    per_tower = plan.checkpoints.groupby("building_id").size()
    rows, last = [], None
    floors_due = zip(towers, floors, names, due, strict=True)
    for number, (tower, floor, name, when) in enumerate(floors_due, start=1):
        if tower != last:
            line = t["tower_line"].format(name=name, floors=per_tower[tower])
            rows.append(Row("", line, heading=True))
            last = tower
        key = "floor_name" if int(floor) > 0 else "basement_name"
        rows.append(Row(str(number), t[key].format(floor=abs(int(floor))), due=when))
    return rows


def draw_checklist(
    pdf: FPDF,
    t: Mapping[str, str],
    title: str,
    items: Sequence[str],
    rows: Sequence[Row],
    *,
    kind: str,
) -> None:
    """The table from the current position on, headings repeated after a page break.

    Parameters
    ----------
    pdf : FPDF
        The document.
    t : mapping
        Printed words.
    title : str
        Above the table.
    items : sequence of str
        The kind's checklist: one column with a box to tick per item.
    rows : sequence of Row
        From ``checklist_rows``.
    kind : str
        The patrol kind: which time columns show.
    """
    columns = _columns(t, items, kind)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FAMILY, "", 12)
    pdf.cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    _head(pdf, columns)
    for row in rows:
        if pdf.will_page_break(ROW_H):
            pdf.add_page()
            _head(pdf, columns)
        _row(pdf, columns, row, len(items))
    pdf.ln(6)
    if pdf.will_page_break(10):
        pdf.add_page()
    pdf.set_font(FAMILY, "", 9)
    pdf.cell(0, 8, t["signature"], new_x="LMARGIN", new_y="NEXT")


def _columns(t: Mapping[str, str], items: Sequence[str], kind: str) -> list[tuple[str, float]]:
    """(heading, width in mm): number, name, times, one per item, remarks."""
    if kind == "building":
        lead = [(t["no"], 10.0), (t["floor"], 24.0), (t["arrival"], 16.0)]
    elif kind == "checkpoints":
        lead = [(t["no"], 10.0), (t["name"], 46.0), (t["open_hours"], 22.0), (t["arrival"], 16.0)]
    else:
        lead = [(t["no"], 10.0), (t["name"], 62.0)]
    remarks = 28.0
    share = (WIDTH - sum(w for _, w in lead) - remarks) / max(len(items), 1)
    return [*lead, *((item, share) for item in items), (t["remarks"], remarks)]


def _head(pdf: FPDF, columns: list[tuple[str, float]]) -> None:
    y, x = pdf.get_y(), MARGIN
    pdf.set_fill_color(230, 236, 245)
    for text, width in columns:
        pdf.rect(x, y, width, HEAD_H, style="DF")
        size, lines = _fit_lines(pdf, text, width)
        pdf.set_font(FAMILY, "", size)
        pdf.set_xy(x, y + (HEAD_H - lines * size * 0.42) / 2)
        pdf.multi_cell(width, size * 0.42, text, align="C", new_x="RIGHT", new_y="TOP")
        x += width
    pdf.set_xy(MARGIN, y + HEAD_H)


def _row(pdf: FPDF, columns: list[tuple[str, float]], row: Row, items: int) -> None:
    y = pdf.get_y()
    if row.heading:
        pdf.set_fill_color(245, 245, 240)
        pdf.set_font(FAMILY, "", SIZE)
        pdf.set_xy(MARGIN, y)
        pdf.cell(WIDTH, ROW_H, row.name, border=1, fill=True)
        pdf.set_xy(MARGIN, y + ROW_H)
        return
    lead = len(columns) - items - 1
    texts = [row.number, row.name, *([row.hours] if lead == 4 else []), row.due][:lead]
    cells = [*texts, *([""] * items), ""]
    x = MARGIN
    for i, ((_, width), text) in enumerate(zip(columns, cells, strict=True)):
        pdf.set_font(FAMILY, "", _fit(pdf, text, width - 1.5))
        pdf.set_xy(x, y)
        pdf.cell(width, ROW_H, text, border=1, align="L" if i == 1 else "C")
        if lead <= i < lead + items:
            pdf.rect(x + (width - BOX_MM) / 2, y + (ROW_H - BOX_MM) / 2, BOX_MM, BOX_MM)
        x += width
    pdf.set_xy(MARGIN, y + ROW_H)


def _fit_lines(pdf: FPDF, text: str, width: float) -> tuple[float, int]:
    """A heading's font size and line count: at most two lines, no word broken."""
    size = SIZE
    while True:
        pdf.set_font(FAMILY, "", size)
        words = text.split() if " " in text else [text]
        widest = max(pdf.get_string_width(w) for w in words) if words else 0.0
        found = pdf.multi_cell(width, 3.0, text, dry_run=True, output="LINES")
        lines = len(found) if isinstance(found, list) else 2
        if size <= MIN_SIZE or (widest <= width - 2 * pdf.c_margin - 0.2 and lines <= 2):
            return size, min(lines, 2)
        size -= 0.5


def _fit(pdf: FPDF, text: str, width: float) -> float:
    """The largest font size up to ``SIZE`` (down to ``MIN_SIZE``) that fits ``width``."""
    size = SIZE
    while size > MIN_SIZE:
        pdf.set_font(FAMILY, "", size)
        if pdf.get_string_width(text) <= width:
            break
        size -= 0.5
    return size
