"""Visit plans: ordered stops with times, totals, path lines, dropped households, GPX."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd
import shapely

from routing.hours import Window, clock, describe
from routing.visits.gpx import Waypoint, gpx_document

# Columns of visits.csv, one row per stop (times HH:MM:SS; arrival = the visit begins).
STOP_COLUMNS: Final = (
    "team_id",
    "session",
    "seq",
    "household_id",
    "building_id",
    "floor",
    "unit",
    "arrival",
    "departure",
)
# Columns of VisitPlan.dropped, most important first; dropped.csv adds team_id in front.
DROPPED_COLUMNS: Final = ("household_id", "reason", "priority")


@dataclass(frozen=True)
class RouteTotals:
    """Where a session's time goes, in seconds (and walking metres).

    ``working_s`` (leaving the start to getting back) is walking + vertical + service
    + waiting.
    """

    walking_s: float
    walking_m: float
    vertical_s: float
    service_s: float
    waiting_s: float
    start_s: float
    end_s: float

    @property
    def working_s(self) -> float:
        """From leaving the start point to reaching the end point."""
        return self.end_s - self.start_s

    @property
    def moving_s(self) -> float:
        """Walking plus stairs and lifts."""
        return self.walking_s + self.vertical_s


@dataclass(frozen=True, eq=False)
class SessionRoute:
    """One team's stops in one session, in order.

    ``detail`` has ``STOP_COLUMNS`` and ``label`` (building name or id), ``lon``/
    ``lat`` (the entrance), ``arrival_s``/``departure_s`` (seconds since midnight),
    ``wait_s`` and ``priority``. ``legs`` are the walking lines between consecutive
    places (start, buildings, end), WGS84.
    """

    session: int
    detail: pd.DataFrame
    legs: tuple[shapely.LineString, ...]
    totals: RouteTotals

    @property
    def stops(self) -> pd.DataFrame:
        """The stops as visits.csv rows (``STOP_COLUMNS``)."""
        return self.detail.loc[:, list(STOP_COLUMNS)].reset_index(drop=True)

    @property
    def path(self) -> shapely.LineString:
        """The legs joined into one WGS84 line."""
        coords = [shapely.get_coordinates(leg) for leg in self.legs]
        if not coords:
            return shapely.LineString()
        xy = np.concatenate(coords)
        keep = np.r_[True, np.any(np.diff(xy, axis=0) != 0, axis=1)]
        xy = xy[keep]
        return shapely.LineString(xy if len(xy) > 1 else np.repeat(xy, 2, axis=0))


@dataclass(frozen=True)
class VisitMetrics:
    """How the plan was found and how much of the request it covers."""

    households: int
    visited: int
    dropped: int
    sessions: int
    objective: int
    search: str
    seconds: float


@dataclass(frozen=True, eq=False)
class VisitPlan:
    """A team's visit routes, one per session, and the households left for later."""

    team_id: str
    window: Window
    routes: tuple[SessionRoute, ...]
    dropped: pd.DataFrame
    metrics: VisitMetrics

    @property
    def stops(self) -> pd.DataFrame:
        """Every session's stops as visits.csv rows (``STOP_COLUMNS``)."""
        frames = [route.stops for route in self.routes]
        if not frames:
            return pd.DataFrame(columns=list(STOP_COLUMNS))
        return pd.concat(frames, ignore_index=True)

    def route(self, session: int) -> SessionRoute:
        """The route of one session (numbered from 1)."""
        for route in self.routes:
            if route.session == session:
                return route
        raise KeyError(f"team {self.team_id!r} has no session {session}")

    def to_gpx(self, session: int = 1) -> str:
        """GPX 1.1 of one session: a waypoint per stop and the walking track.

        Waypoints are named by building, floor and unit (``"3座 24层 2401"``) and
        described by their order and times; no phone, request or tag is written.

        Parameters
        ----------
        session : int
            Session number, from 1.

        Returns
        -------
        str
            The GPX document.
        """
        route = self.route(session)
        d = route.detail
        waypoints = [
            Waypoint(
                float(lon),
                float(lat),
                stop_name(str(label), int(floor), str(unit)),
                f"#{seq} {arrival}-{departure}",
            )
            for lon, lat, label, floor, unit, seq, arrival, departure in zip(
                d["lon"],
                d["lat"],
                d["label"],
                d["floor"],
                d["unit"],
                d["seq"],
                d["arrival"],
                d["departure"],
                strict=True,
            )
        ]
        return gpx_document(f"team {self.team_id} session {session}", waypoints, route.path)

    def summary(self) -> str:
        """Coverage, then one line per session with its times and totals."""
        m = self.metrics
        lines = [
            f"team {self.team_id}: {m.visited} of {m.households} households in "
            f"{m.sessions} session(s) of {describe([self.window])}; {m.dropped} left "
            f"(search {m.search}, {m.seconds:.1f} s)"
        ]
        lines += [
            f"  session {r.session}: {len(r.detail)} stops, {totals_text(r.totals)}"
            for r in self.routes
        ]
        return "\n".join(lines)


@dataclass(frozen=True, eq=False)
class EventDayPlan:
    """Several teams sharing one pool of households on one day."""

    plans: tuple[VisitPlan, ...]
    dropped: pd.DataFrame
    metrics: VisitMetrics

    @property
    def working_s(self) -> dict[str, float]:
        """Each team's working time: walking + vertical + service + waiting."""
        return {p.team_id: sum(r.totals.working_s for r in p.routes) for p in self.plans}

    @property
    def balance(self) -> float:
        """Longest over shortest team working time (1.0 = perfectly even)."""
        values = list(self.working_s.values())
        if not values or min(values) <= 0:
            return float("inf") if values and max(values) > 0 else 1.0
        return max(values) / min(values)

    @property
    def stops(self) -> pd.DataFrame:
        """All teams' stops as visits.csv rows."""
        return pd.concat([p.stops for p in self.plans], ignore_index=True)

    def summary(self) -> str:
        """Coverage, balance and spread, then each team's summary."""
        work = self.working_s
        spread = (max(work.values()) - min(work.values())) / 60 if work else 0.0
        m = self.metrics
        head = (
            f"event day: {len(self.plans)} teams, {m.visited} of {m.households} households, "
            f"{m.dropped} left; working time max/min {self.balance:.3f}, spread {spread:.1f} min"
        )
        return "\n".join([head, *(p.summary() for p in self.plans)])


def stop_name(label: str, floor: int, unit: str) -> str:
    """Building, floor and unit as teams say them: ``3座 24层 2401``, ``5座 地下1层 B101``."""
    level = f"{floor}层" if floor > 0 else f"地下{-floor}层"
    return f"{label} {level} {unit}"


def totals_text(totals: RouteTotals) -> str:
    """One line of times: span, walking, vertical, service, waiting."""
    return (
        f"{clock(totals.start_s)}-{clock(totals.end_s)}, walking {totals.walking_s / 60:.1f} min "
        f"({totals.walking_m:,.0f} m), stairs/lifts {totals.vertical_s / 60:.1f} min, "
        f"visits {totals.service_s / 60:.1f} min, waiting {totals.waiting_s / 60:.1f} min"
    )
