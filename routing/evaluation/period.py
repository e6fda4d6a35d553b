"""Reporting periods: a month by default, or any range of days."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

import pandas as pd

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class Period:
    """Days ``start`` (included) to ``end`` (excluded), with the label reports show."""

    start: date
    end: date
    label: str = ""

    def __post_init__(self) -> None:
        if not (isinstance(self.start, date) and isinstance(self.end, date)):
            raise TypeError("a period's start and end must be dates")
        if not self.start < self.end:
            raise ValueError(f"a period must end after it starts, got {self.start}..{self.end}")
        if not self.label:
            last = (pd.Timestamp(self.end) - pd.Timedelta(days=1)).date()
            object.__setattr__(self, "label", f"{self.start.isoformat()}..{last.isoformat()}")

    @classmethod
    def month(cls, text: str) -> Period:
        """The month ``YYYY-MM``, e.g. ``Period.month("2026-03")``.

        Parameters
        ----------
        text : str
            Year and month.

        Returns
        -------
        Period
            Its first day to the first day of the next month, labelled ``YYYY-MM``.
        """
        match = _MONTH.match(str(text).strip())
        if match is None or not 1 <= int(match[2]) <= 12:
            raise ValueError(f"expected a month as YYYY-MM, got {text!r}")
        year, month = int(match[1]), int(match[2])
        end = date(year + month // 12, month % 12 + 1, 1)
        return cls(date(year, month, 1), end, f"{year:04d}-{month:02d}")

    @property
    def start_at(self) -> pd.Timestamp:
        """Midnight starting the period."""
        return pd.Timestamp(datetime.combine(self.start, time()))

    @property
    def end_at(self) -> pd.Timestamp:
        """Midnight ending the period (excluded)."""
        return pd.Timestamp(datetime.combine(self.end, time()))

    def holds(self, when: pd.Series) -> pd.Series:
        """Whether each timestamp (naive, local) lies in the period."""
        return (when >= self.start_at) & (when < self.end_at)


def months(first: str, last: str) -> list[Period]:
    """Every month from ``first`` to ``last`` (both ``YYYY-MM``, included), in order."""
    start, stop = Period.month(first), Period.month(last)
    if stop < start:
        raise ValueError(f"{last} is before {first}")
    out = [start]
    while out[-1].end <= stop.start:
        out.append(Period.month(f"{out[-1].end.year:04d}-{out[-1].end.month:02d}"))
    return out
