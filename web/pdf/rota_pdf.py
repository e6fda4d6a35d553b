"""The patrol rota as a printable weekly table: A4 landscape, one page per week."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Final

import pandas as pd
from fpdf import FPDF

from routing.patrols.kinds import kind_label
from routing.patrols.rota import Rota
from web.pdf.fonts import FAMILY, CjkFont, new_pdf
from web.pdf.text import Lang, words

MARGIN: Final = 10.0  # mm
HEAD_H: Final = 24.0  # title block
FOOT_H: Final = 14.0  # note and page number
MAX_ROW_H: Final = 9.0
MIN_ROW_H: Final = 5.0


def rota_pdf(
    rota: Rota,
    path: str | Path,
    *,
    lang: Lang = "zh",
    title: str = "",
    team_names: Mapping[str, str] | None = None,
    font: CjkFont | None = None,
    kind_labels: Mapping[str, str] | None = None,
) -> Path:
    """Write the rota as a table per week: slots × routes down, the seven days across.

    Each row names its slot, route and the route's patrol kind; a route walked only in
    some slots (checkpoint hours) has rows for those slots only.

    Parameters
    ----------
    rota : Rota
        A feasible rota (``rota.feasible``).
    path : str or Path
        The PDF to write.
    lang : {"zh", "en"}
        Language of the headings.
    title : str
        Printed above the table, e.g. the community's name.
    team_names : mapping of str to str, optional
        Names printed for team ids (no personal data: e.g. "第一小组").
    font : CjkFont, optional
        Default ``find_cjk_font()``.
    kind_labels : mapping of str to str, optional
        Printed names of kinds by kind name (a kind's own ``label``); default the
        kinds' names in ``lang``.

    Returns
    -------
    Path
        ``path``.
    """
    if not rota.feasible:
        raise ValueError(f"the rota is {rota.status}; nothing to print")
    pdf = new_pdf("landscape", font)
    pdf.set_auto_page_break(auto=False)  # pages are laid out here, one week each
    t = words(lang)
    names = dict(team_names or {})
    frame = rota.assignments
    labels = rota.options.labels
    kinds = dict(kind_labels or {})
    rows = [
        (s, f"{label}  {r} · {kind_label(rota.kind(r), lang, kinds.get(rota.kind(r), ''))}", r)
        for s, label in enumerate(labels)
        for r in rota.route_ids
        if s in rota.demand(r).allowed(rota.options.slots_per_day)
    ]
    for week in range(1, rota.options.weeks + 1):
        first = rota.start_date + dt.timedelta(days=7 * (week - 1))
        days = [first + dt.timedelta(days=i) for i in range(7)]
        table = _week_table(frame[frame["week"] == week], days, names)
        per_page = _rows_per_page(pdf)
        for part, lo in enumerate(range(0, len(rows), per_page)):
            chunk = rows[lo : lo + per_page]
            pdf.add_page()
            _heading(pdf, t, title, week, days, continued=part > 0)
            _table(pdf, t, lang, days, chunk, table)
            _footer(pdf, t)
    pdf.output(str(path))
    return Path(path)


def _week_table(
    frame: pd.DataFrame, days: list[dt.date], names: Mapping[str, str]
) -> dict[tuple[int, str, dt.date], str]:
    """(slot, route, date) → printed team."""
    return {
        (int(s), str(r), d): names.get(str(team), str(team))
        for s, r, d, team in zip(
            frame["slot"], frame["route_id"], frame["date"], frame["team_id"], strict=True
        )
        if d in days
    }


def _rows_per_page(pdf: FPDF) -> int:
    usable = pdf.h - 2 * MARGIN - HEAD_H - FOOT_H
    return max(1, int(usable // MIN_ROW_H) - 1)


def _heading(
    pdf: FPDF,
    t: Mapping[str, str],
    title: str,
    week: int,
    days: list[dt.date],
    *,
    continued: bool,
) -> None:
    pdf.set_xy(MARGIN, MARGIN)
    pdf.set_font(FAMILY, "", 18)
    text = f"{title}  {t['rota_title']}" if title else t["rota_title"]
    pdf.cell(0, 10, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 12)
    span = t["range"].format(first=days[0].isoformat(), last=days[-1].isoformat())
    suffix = t["continued"] if continued else ""
    pdf.cell(0, 8, f"{t['week'].format(n=week)}{suffix}    {span}", new_x="LMARGIN", new_y="NEXT")


def _table(
    pdf: FPDF,
    t: Mapping[str, str],
    lang: Lang,
    days: list[dt.date],
    rows: list[tuple[int, str, str]],
    table: Mapping[tuple[int, str, dt.date], str],
) -> None:
    width = pdf.w - 2 * MARGIN
    first_w = 64.0
    day_w = (width - first_w) / 7
    usable = pdf.h - 2 * MARGIN - HEAD_H - FOOT_H
    row_h = max(MIN_ROW_H, min(MAX_ROW_H, usable / (len(rows) + 1)))
    size = 11 if row_h >= 7 else 8
    weekday = t["weekdays"].split()
    pdf.set_y(MARGIN + HEAD_H)
    pdf.set_fill_color(230, 236, 245)
    pdf.set_font(FAMILY, "", size)
    pdf.cell(first_w, row_h, t["slot_route"], border=1, align="C", fill=True)
    for day in days:
        label = f"{weekday[day.weekday()]} {day.month:02d}-{day.day:02d}"
        pdf.cell(day_w, row_h, label, border=1, align="C", fill=True)
    pdf.ln(row_h)
    pdf.set_font(FAMILY, "", size)
    for i, (slot, label, route) in enumerate(rows):
        shade = i % 2 == 1
        pdf.set_fill_color(246, 246, 246)
        pdf.set_font(FAMILY, "", _fitting(pdf, label, first_w - 2, size))
        pdf.cell(first_w, row_h, label, border=1, align="L", fill=shade)
        pdf.set_font(FAMILY, "", size)
        for day in days:
            team = table.get((slot, route, day), t["no_patrol"])
            pdf.cell(day_w, row_h, team, border=1, align="C", fill=shade)
        pdf.ln(row_h)


def _fitting(pdf: FPDF, text: str, width: float, size: float) -> float:
    """The largest font size up to ``size`` (down to 6) at which ``text`` fits."""
    while size > 6:
        pdf.set_font(FAMILY, "", size)
        if pdf.get_string_width(text) <= width:
            break
        size -= 0.5
    return size


def _footer(pdf: FPDF, t: Mapping[str, str]) -> None:
    pdf.set_y(pdf.h - MARGIN - FOOT_H + 4)
    pdf.set_font(FAMILY, "", 8)
    pdf.cell(0, 5, t["rota_note"], new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 5, t["page"].format(n=pdf.page_no()), align="R")
