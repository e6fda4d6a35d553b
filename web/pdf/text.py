"""Printed words of the patrol PDFs in Chinese and English."""

from __future__ import annotations

from types import MappingProxyType
from typing import Final, Literal

Lang = Literal["zh", "en"]


def page_lang() -> Lang:
    """The language of the current request's pages (Flask-Babel's locale), for what is
    printed or drawn from them: English for ``en``, else Chinese."""
    from flask_babel import get_locale

    locale = get_locale()
    return "en" if locale is not None and locale.language == "en" else "zh"


_ZH: Final = {
    "rota_title": "社区巡查排班表",
    "week": "第 {n} 周",
    "range": "{first} 至 {last}",
    "slot_route": "时段 / 路线",
    "no_patrol": "—",
    "rota_note": "每个时段每条路线由一支队伍巡查；如需调班请提前联系社区工作人员。",
    "teams_line": "队伍：{teams}",
    "page": "第 {n} 页",
    "continued": "（续）",
    "route_title": "巡查路线 {route}",
    "team": "排班队伍：{team}",
    "facts": "全长 {km:.1f} 公里 · 预计 {time} · 其中重复行走 {dead:.1f} 公里 · 检查点 {n} 个",
    "hours": "{h} 小时 {m} 分",
    "minutes": "{m} 分钟",
    "start": "起点",
    "legend": "红线为路线，箭头为行走方向，圆圈数字为检查点顺序，方块为起点",
    "checkpoints": "检查点",
    "no": "序号",
    "name": "名称",
    "done": "已查",
    "remarks": "情况记录",
    "no_checkpoints": "本路线没有检查点：沿路线巡查全部街道。",
    "qr": "手机扫码查看路线",
    "signature": "巡查人签名：______________    日期：____年__月__日",
    "attribution": "地图数据 © OpenStreetMap 贡献者",
    "weekdays": "周一 周二 周三 周四 周五 周六 周日",
    "facts_checkpoints": "全长 {km:.1f} 公里 · 预计 {time} · 检查点 {n} 个",
    "facts_building": "全长 {km:.1f} 公里 · 预计 {time}（其中走楼梯 {climb}）"
    " · {towers} 栋楼 {n} 层",
    "slot_line": "巡查时段：{slot}",
    "fits_slot": "（不超过 {minutes} 分钟的时段）",
    "checklist": "检查表",
    "floors": "逐层检查表（走楼梯，不乘电梯）",
    "open_hours": "时段",
    "arrival": "预计到达",
    "floor": "楼层",
    "floor_name": "{floor} 层",
    "basement_name": "地下 {floor} 层",
    "tower_line": "{name}（共 {floors} 层）",
    "along": "沿途街道",
    "after": "+{m} 分",
}
_EN: Final = {
    "rota_title": "Patrol rota",
    "week": "Week {n}",
    "range": "{first} – {last}",
    "slot_route": "Slot / route",
    "no_patrol": "—",
    "rota_note": "One team per route and slot; ask the community office to swap a shift.",
    "teams_line": "Teams: {teams}",
    "page": "Page {n}",
    "continued": " (continued)",
    "route_title": "Patrol route {route}",
    "team": "Rota teams: {team}",
    "facts": "{km:.1f} km · about {time} · {dead:.1f} km walked twice · {n} checkpoint(s)",
    "hours": "{h} h {m} min",
    "minutes": "{m} min",
    "start": "Start",
    "legend": "Red line: the route; arrows: walking direction; numbers: checkpoints; square: start",
    "checkpoints": "Checkpoints",
    "no": "No.",
    "name": "Name",
    "done": "Done",
    "remarks": "Remarks",
    "no_checkpoints": "No checkpoints on this route: walk every street along it.",
    "qr": "Scan for the route map",
    "signature": "Patrolled by: ______________    Date: ____-__-__",
    "attribution": "Map data © OpenStreetMap contributors",
    "weekdays": "Mon Tue Wed Thu Fri Sat Sun",
    "facts_checkpoints": "{km:.1f} km · about {time} · {n} checkpoint(s)",
    "facts_building": "{km:.1f} km · about {time} ({climb} on the stairs) · {towers} building(s),"
    " {n} floor(s)",
    "slot_line": "Patrol slot: {slot}",
    "fits_slot": " (fits a {minutes}-minute slot)",
    "checklist": "Checklist",
    "floors": "Floor by floor (by the stairs, not the lift)",
    "open_hours": "Hours",
    "arrival": "Due",
    "floor": "Floor",
    "floor_name": "Floor {floor}",
    "basement_name": "Basement {floor}",
    "tower_line": "{name} ({floors} floors)",
    "along": "Along the streets",
    "after": "+{m} min",
}
TEXT: Final = MappingProxyType({"zh": MappingProxyType(_ZH), "en": MappingProxyType(_EN)})


def words(lang: str) -> MappingProxyType[str, str]:
    """The printed words of a language; ``ValueError`` for other languages."""
    if lang not in TEXT:
        raise ValueError(f"lang must be 'zh' or 'en', got {lang!r}")
    return TEXT[lang]


def duration(seconds: float, lang: str) -> str:
    """``1 小时 5 分`` / ``1 h 5 min`` (minutes only under an hour)."""
    minutes = round(seconds / 60)
    h, m = divmod(minutes, 60)
    t = words(lang)
    return t["hours"].format(h=h, m=m) if h else t["minutes"].format(m=m)
