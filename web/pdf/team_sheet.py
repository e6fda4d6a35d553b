"""A team's visit route on paper: its phone link as a QR code, doors by building and floor."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Final, Protocol

import qrcode
from fpdf import FPDF

from web.pdf.fonts import FAMILY, CjkFont, new_pdf
from web.pdf.text import Lang

MARGIN: Final = 12.0
QR_MM: Final = 34.0
# Medium error correction: the code still reads across a fold or a smudge.
QR_ERROR: Final = qrcode.constants.ERROR_CORRECT_M
ROW_H: Final = 7.0
# number, door, arrival, box to tick, result to write (mm); together 186 = A4 less margins
COLUMNS: Final = (12.0, 44.0, 20.0, 14.0, 96.0)
BOX_MM: Final = 4.5

_ZH: Final = {
    "title": "入户路线单",
    "team": "队伍 {team}",
    "facts": "{n} 户 · {b} 栋楼",
    "sessions": " · 分 {s} 次走完",
    "qr": "手机扫码打开队伍页面",
    "keep": "此二维码是本队的通行凭证，请妥善保管；遗失请告知社区作废。",
    "legend": "走访后在方框打勾；结果栏写：不在家 / 拒访 / 情况备注。",
    "session": "第{n}次",
    "floor": "{n}层",
    "basement": "地下{n}层",
    "continued": "（续）",
    "no": "序号",
    "door": "门牌",
    "eta": "预计",
    "done": "已访",
    "result": "结果 / 备注",
    "no_stops": "本队在已发布的方案中没有入户任务。",
    "signature": "走访人签名：______________    日期：____年__月__日",
}
_EN: Final = {
    "title": "Visit route sheet",
    "team": "Team {team}",
    "facts": "{n} household(s) · {b} building(s)",
    "sessions": " · {s} sessions",
    "qr": "Scan for the team's phone page",
    "keep": "This QR code is the team's pass: keep it safe; if lost, ask the office to revoke it.",
    "legend": "Tick the box after a visit; result: not home / refused / remarks.",
    "session": "Session {n}",
    "floor": "floor {n}",
    "basement": "basement {n}",
    "continued": " (continued)",
    "no": "No.",
    "door": "Door",
    "eta": "ETA",
    "done": "Done",
    "result": "Result / remarks",
    "no_stops": "The team has no households in the published plan.",
    "signature": "Visited by: ______________    Date: ____-__-__",
}
TEXT: Final = MappingProxyType({"zh": MappingProxyType(_ZH), "en": MappingProxyType(_EN)})


class Stop(Protocol):
    """What the sheet reads of a stop (``web.storage.models.FieldStop`` has it): no contact data."""

    @property
    def session(self) -> int: ...
    @property
    def building_id(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def floor(self) -> int: ...
    @property
    def unit(self) -> str: ...
    @property
    def arrival(self) -> str: ...


def floor_text(floor: int, lang: Lang = "zh") -> str:
    """``24层`` / ``地下1层`` (``floor 24`` / ``basement 1``), as the phone page writes it."""
    t = TEXT[lang]
    return t["floor"].format(n=floor) if floor > 0 else t["basement"].format(n=-floor)


def team_sheet_pdf(
    stops: Sequence[Stop],
    *,
    team: str,
    url: str,
    title: str = "",
    lang: Lang = "zh",
    font: CjkFont | None = None,
) -> bytes:
    """The printable route sheet of a team: QR code of its link, then its doors in order.

    Only places are printed (building, floor, door, arrival time), never phones or
    requests: a sheet can be lost.

    Parameters
    ----------
    stops : sequence of Stop
        The team's stops in walking order (session, then sequence).
    team : str
        The team.
    url : str
        The team's phone link, printed as a QR code and as text.
    title : str
        Printed above the heading, e.g. the community's name.
    lang : {"zh", "en"}
        Language of the sheet.
    font : CjkFont, optional
        Default ``find_cjk_font()``.

    Returns
    -------
    bytes
        The PDF (A4 portrait).
    """
    if lang not in TEXT:
        raise ValueError(f"lang must be 'zh' or 'en', got {lang!r}")
    t = TEXT[lang]
    pdf = new_pdf("portrait", font)
    pdf.add_page()
    _header(pdf, t, stops, team, title)
    _qr(pdf, url, t)
    _table(pdf, t, lang, stops, team)
    return bytes(pdf.output())


def _header(pdf: FPDF, t: Mapping[str, str], stops: Sequence[Stop], team: str, title: str) -> None:
    width = 210 - 2 * MARGIN - QR_MM - 4
    pdf.set_xy(MARGIN, MARGIN - 2)
    pdf.set_font(FAMILY, "", 9)
    pdf.set_text_color(80, 80, 80)
    pdf.cell(width, 5, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FAMILY, "", 20)
    pdf.cell(width, 11, t["title"], new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 14)
    pdf.cell(width, 8, t["team"].format(team=team), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 9)
    sessions = len({s.session for s in stops})
    facts = t["facts"].format(n=len(stops), b=len({s.building_id for s in stops}))
    facts += t["sessions"].format(s=sessions) if sessions > 1 else ""
    pdf.cell(width, 5, facts, new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(width, 5, t["legend"], new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(150, 30, 30)
    pdf.multi_cell(width, 5, t["keep"], new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)


def _qr(pdf: FPDF, url: str, t: Mapping[str, str]) -> None:
    image = qrcode.make(url, border=1, error_correction=QR_ERROR).get_image()
    x, y = 210 - MARGIN - QR_MM, MARGIN - 4
    pdf.image(image, x=x, y=y, w=QR_MM, h=QR_MM)
    pdf.set_text_color(60, 60, 60)
    pdf.set_font(FAMILY, "", 7)
    width = pdf.get_string_width(t["qr"])
    pdf.text(x + (QR_MM - width) / 2, y + QR_MM + 2.8, t["qr"])
    # The link as text, for a phone whose camera will not read the code; wider than it.
    pdf.set_font(FAMILY, "", 6)
    pdf.text(210 - MARGIN - pdf.get_string_width(url), y + QR_MM + 5.6, url)
    pdf.set_text_color(0, 0, 0)
    pdf.set_y(max(pdf.get_y(), y + QR_MM + 8))


def _table(pdf: FPDF, t: Mapping[str, str], lang: Lang, stops: Sequence[Stop], team: str) -> None:
    pdf.set_font(FAMILY, "", 10)
    if not stops:
        pdf.ln(4)
        pdf.cell(0, 8, t["no_stops"], new_x="LMARGIN", new_y="NEXT")
        return
    head = (t["no"], t["door"], t["eta"], t["done"], t["result"])
    _row(pdf, head, head=True)
    many = len({s.session for s in stops}) > 1
    group: tuple[int, str, int] | None = None
    heading = ""
    for number, stop in enumerate(stops, start=1):
        key = (stop.session, stop.building_id, stop.floor)
        if key != group:
            if many and (group is None or group[0] != stop.session):
                _band(pdf, t["session"].format(n=stop.session), shade=205)
            heading = f"{stop.label} {floor_text(stop.floor, lang)}"
            if pdf.will_page_break(2 * ROW_H):
                _new_page(pdf, t, team, head)
            _band(pdf, heading, shade=236)
            group = key
        elif pdf.will_page_break(ROW_H):
            _new_page(pdf, t, team, head)
            _band(pdf, heading + t["continued"], shade=236)
        _row(pdf, (str(number), stop.unit, stop.arrival[:5], "", ""), head=False)
    pdf.ln(6)
    if pdf.will_page_break(10):
        pdf.add_page()
    pdf.cell(0, 8, t["signature"], new_x="LMARGIN", new_y="NEXT")


def _new_page(pdf: FPDF, t: Mapping[str, str], team: str, head: tuple[str, ...]) -> None:
    pdf.add_page()
    pdf.set_font(FAMILY, "", 9)
    pdf.set_text_color(80, 80, 80)
    line = f"{t['title']} · {t['team'].format(team=team)}{t['continued']}"
    pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FAMILY, "", 10)
    _row(pdf, head, head=True)


def _band(pdf: FPDF, text: str, *, shade: int) -> None:
    """A full-width row naming what follows (a session, or a building and floor)."""
    pdf.set_fill_color(shade, shade, shade)
    pdf.cell(sum(COLUMNS), ROW_H, text, border=1, fill=True, new_x="LMARGIN", new_y="NEXT")


def _row(pdf: FPDF, cells: Sequence[str], *, head: bool) -> None:
    """One line of the table; data rows get an empty box to tick."""
    pdf.set_fill_color(230, 236, 245)
    y, x = pdf.get_y(), MARGIN
    for width, text in zip(COLUMNS, cells, strict=True):
        pdf.set_xy(x, y)
        pdf.cell(width, ROW_H, text, border=1, align="C" if width < 25 else "L", fill=head)
        x += width
    if not head:
        box_x = MARGIN + sum(COLUMNS[:3]) + (COLUMNS[3] - BOX_MM) / 2
        pdf.rect(box_x, y + (ROW_H - BOX_MM) / 2, BOX_MM, BOX_MM)
    pdf.set_xy(MARGIN, y + ROW_H)
