"""Volunteers' weekly availability (可服务时间): parsed, written back, and overlapped with a day."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from routing.hours import DAY_S, Window, describe, parse_windows

DAY_LABELS: Final = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
Weekly = tuple[tuple[int, float, float], ...]
"""(day, start, end): day 0 = Monday … 6 = Sunday, seconds since midnight; () = any time."""

_DAY_WORDS: Final = {
    **{f"{p}{d}": i for p in ("周", "星期", "礼拜") for i, d in enumerate("一二三四五六日")},
    "周天": 6, "星期天": 6, "礼拜天": 6,
    **{w: i for i, ws in enumerate((
        ("mon", "monday"), ("tue", "tues", "tuesday"), ("wed", "wednesday"),
        ("thu", "thur", "thurs", "thursday"), ("fri", "friday"), ("sat", "saturday"),
        ("sun", "sunday"),
    )) for w in ws},
}  # fmt: skip
_DAY_SETS: Final = {
    **{w: tuple(range(7)) for w in ("每天", "每日", "天天", "daily", "everyday", "every day")},
    **{w: tuple(range(5)) for w in ("工作日", "weekdays", "weekday")},
    **dict.fromkeys(("周末", "weekends", "weekend"), (5, 6)),
}
_DASH: Final = r"\s*[-–—~～至到]\s*"
_TIME: Final = rf"\d{{1,2}}[:：]\d{{2}}{_DASH}\d{{1,2}}[:：]\d{{2}}"
_DAY: Final = "|".join(sorted(map(re.escape, _DAY_WORDS), key=len, reverse=True))
_SET: Final = "|".join(sorted(map(re.escape, _DAY_SETS), key=len, reverse=True))
_TOKEN: Final = re.compile(
    rf"(?P<time>{_TIME})|(?P<range>(?:{_DAY}){_DASH}(?:{_DAY}))|(?P<day>{_DAY})|(?P<set>{_SET})"
    r"|(?P<sep>[\s;；,，、/]+)",
    re.IGNORECASE,
)


def parse_weekly(text: str) -> Weekly:
    """Weekly windows from how rosters write them; "" means any time.

    Entries are days followed by clock windows, e.g. ``周一至周五 18:00-21:00；周六
    09:00-12:00，14:00-17:00`` or ``weekends 9:00-12:00``. Days: 周一…周日 (also
    星期/礼拜, 周天), Mon…Sun in English, ranges with - 至 到 ~, lists with 、 , /, and
    每天 / 工作日 / 周末 (daily / weekdays / weekends). Windows without days apply to
    every day; days without windows mean the whole day. Clock windows are read as the
    household register's 可访时间 (``routing.hours.parse_windows``).

    Parameters
    ----------
    text : str
        The 可服务时间 cell.

    Returns
    -------
    Weekly
        Sorted, with overlapping windows of a day merged.

    Raises
    ------
    ValueError
        Naming the part that is neither a day nor a window.
    """
    groups: list[tuple[list[int], list[Window]]] = []
    days: list[int] = []
    times: list[Window] = []
    pos, source = 0, str(text).strip()
    while pos < len(source):
        match = _TOKEN.match(source, pos)
        if match is None:
            raise ValueError(
                f"availability {source!r}: cannot read {source[pos : pos + 12]!r} "
                "(expected days such as 周一至周五 and windows such as 18:00-21:00)"
            )
        pos = match.end()
        kind = match.lastgroup
        if kind == "sep":
            continue
        if kind == "time":
            times.extend(parse_windows(match[0]))
            continue
        if times:  # a day after windows starts the next entry
            groups.append((days, times))
            days, times = [], []
        days.extend(_days(match[0], kind))
    if days or times:
        groups.append((days, times))
    slots = [
        (day, start, end)
        for group_days, group_times in groups
        for day in (group_days or range(7))
        for start, end in (group_times or [(0.0, float(DAY_S))])
    ]
    return _merged(slots)


def describe_weekly(weekly: Weekly) -> str:
    """Weekly windows as ``parse_weekly`` reads them, days with equal windows together.

    Parameters
    ----------
    weekly : Weekly
        Windows, e.g. from ``parse_weekly``.

    Returns
    -------
    str
        E.g. ``周一至周五 18:00-21:00;周六、周日 09:00-12:00,14:00-17:00`` or
        ``每天 18:30-20:30``; "" for any time.
    """
    by_day: dict[int, list[Window]] = {}
    for day, start, end in weekly:
        by_day.setdefault(day, []).append((start, end))
    entries: dict[str, list[int]] = {}
    for day in sorted(by_day):
        entries.setdefault(describe(by_day[day]).replace(";", ","), []).append(day)
    return ";".join(f"{_day_span(days)} {windows}" for windows, days in entries.items())


def overlaps(weekly: Weekly, daily: Sequence[Window], min_s: float) -> bool:
    """Whether a volunteer's week and a household's daily hours share ``min_s`` on some day.

    Parameters
    ----------
    weekly : Weekly
        The volunteer's windows; ``()`` = any time.
    daily : sequence of (float, float)
        The household's visiting hours, the same every day; empty = any time.
    min_s : float
        Shortest shared stretch that counts, in seconds.

    Returns
    -------
    bool
        True when some day has one shared stretch of at least ``min_s``.
    """
    week = weekly or tuple((d, 0.0, float(DAY_S)) for d in range(7))
    day_hours = tuple(daily) or ((0.0, float(DAY_S)),)
    return any(min(end, b) - max(start, a) >= min_s for _, start, end in week for a, b in day_hours)


def _days(word: str, kind: str | None) -> tuple[int, ...]:
    folded = word.casefold()
    if kind == "set":
        return _DAY_SETS[folded]
    if kind == "day":
        return (_DAY_WORDS[folded],)
    first, last = (_DAY_WORDS[w.casefold()] for w in re.split(_DASH, word, maxsplit=1))
    if last < first:
        listed = "、".join(DAY_LABELS[d % 7] for d in range(first, last + 8))
        raise ValueError(f"day range {word!r} runs backwards (list the days: {listed})")
    return tuple(range(first, last + 1))


def _merged(slots: list[tuple[int, float, float]]) -> Weekly:
    out: list[tuple[int, float, float]] = []
    for day, start, end in sorted(set(slots)):
        if out and out[-1][0] == day and start <= out[-1][2]:
            out[-1] = (day, out[-1][1], max(out[-1][2], end))
        else:
            out.append((day, start, end))
    return tuple(out)


def _day_span(days: list[int]) -> str:
    if len(days) == len(DAY_LABELS):
        return "每天"
    if len(days) >= 3 and days == list(range(days[0], days[-1] + 1)):
        return f"{DAY_LABELS[days[0]]}至{DAY_LABELS[days[-1]]}"
    return "、".join(DAY_LABELS[d] for d in days)
