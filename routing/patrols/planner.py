"""One entry for every patrol kind: slot times, the kind's routes, and what the rota needs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import geopandas as gpd
from shapely.geometry.base import BaseGeometry

from routing.costs import CostParameters
from routing.network import WalkingNetwork
from routing.patrols.checkpoints import StreetCheckpoints
from routing.patrols.coverage import plan_patrol_routes
from routing.patrols.demand import RouteDemand
from routing.patrols.kinds import PatrolKind
from routing.patrols.options import DEFAULT_SLOT_LABELS, PatrolOptions
from routing.patrols.points import plan_checkpoint_routes
from routing.patrols.result import PatrolPlan
from routing.patrols.towers import plan_building_routes

_CLOCK = re.compile(r"(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})")
DAY_S = 24 * 3600.0


@dataclass(frozen=True)
class SlotTimes:
    """The day's patrol slots: printed labels, clock starts (None when not clock times)."""

    labels: tuple[str, ...] = ()
    starts: tuple[float, ...] | None = None
    length_s: float | None = None  # common length of the slots, when known


def slot_times(slots_per_day: int, slot_s: float | None = None) -> SlotTimes:
    """Slot labels and starts: the default starts of the day (09:00, 15:00 …).

    With ``slot_s`` each slot lasts that long from its default start ("09:00-10:30");
    without it the default labels (two hours each) stand. More than three slots a day
    have no default clock times: labels S1, S2 … and no starts.

    Parameters
    ----------
    slots_per_day : int
        Slots a day.
    slot_s : float, optional
        Slot length in seconds.

    Returns
    -------
    SlotTimes
        Labels for the rota; starts and length for plans that need clock times.

    Raises
    ------
    ValueError
        A slot would run past midnight.
    """
    labels = DEFAULT_SLOT_LABELS.get(slots_per_day)
    if labels is None:
        return SlotTimes(tuple(f"S{i + 1}" for i in range(slots_per_day)), None, slot_s)
    spans = [_span(label) for label in labels]
    starts = tuple(start for start, _ in spans)
    if slot_s is None:
        lengths = {end - start for start, end in spans}
        return SlotTimes(tuple(labels), starts, lengths.pop() if len(lengths) == 1 else None)
    late = [s for s in starts if s + slot_s > DAY_S]
    if late:
        raise ValueError(
            f"a {slot_s / 60:.0f}-minute slot from {_clock(late[0])} runs past midnight; "
            "use a shorter slot or fewer slots a day"
        )
    return SlotTimes(tuple(f"{_clock(s)}-{_clock(s + slot_s)}" for s in starts), starts, slot_s)


def _span(label: str) -> tuple[float, float]:
    match = _CLOCK.fullmatch(label)
    if match is None:
        raise ValueError(f"not a slot label HH:MM-HH:MM: {label!r}")
    h1, m1, h2, m2 = (int(x) for x in match.groups())
    return h1 * 3600.0 + m1 * 60, h2 * 3600.0 + m2 * 60


def _clock(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True, eq=False)
class PatrolTargets:
    """What a patrol of each kind walks past: streets, points or towers.

    Attributes
    ----------
    area : shapely geometry, optional
        Street patrols: only the streets inside (WGS84).
    entrances : GeoDataFrame, optional
        Street patrols: points listed on the sheets (``checkpoint_id``, ``name``,
        ``priority``), at most ``max_checkpoints`` a route.
    max_checkpoints : int, optional
        Street patrols: the cap.
    checkpoints : GeoDataFrame, optional
        Checkpoint patrols: the points (``routing.sources.checkpoints`` columns).
    source : str
        Checkpoint patrols: the points' file name in messages.
    buildings : GeoDataFrame, optional
        Building patrols: the buildings frame.
    building_ids : tuple of str
        Building patrols: the towers.
    """

    area: BaseGeometry | None = None
    entrances: gpd.GeoDataFrame | None = None
    max_checkpoints: int | None = None
    checkpoints: gpd.GeoDataFrame | None = None
    source: str = "checkpoints"
    buildings: gpd.GeoDataFrame | None = None
    building_ids: tuple[str, ...] = field(default_factory=tuple)


def plan_kind(
    network: WalkingNetwork,
    kind: PatrolKind,
    targets: PatrolTargets,
    *,
    routes: int | None,
    slot_s: float | None,
    slots: SlotTimes,
    start: tuple[float, float] | None = None,
    options: PatrolOptions | None = None,
    params: CostParameters = CostParameters(),
) -> PatrolPlan:
    """The routes of one patrol kind, fitting the slot when one is given.

    Parameters
    ----------
    network : WalkingNetwork
        The walking network.
    kind : PatrolKind
        Which patrol, its checklist and times.
    targets : PatrolTargets
        The streets, points or towers of that kind.
    routes : int or None
        Number of routes; None = the fewest that fit ``slot_s``.
    slot_s : float or None
        Slot length; streets may go without one (balanced routes of any length);
        checkpoint and building patrols need one.
    slots : SlotTimes
        The day's slot starts (checkpoint hours are matched to them).
    start : (float, float), optional
        Where routes start and end.
    options : PatrolOptions, optional
        Solver budget.
    params : CostParameters
        Walking and stairs times.

    Returns
    -------
    PatrolPlan
        The plan, kind ``kind``.
    """
    if kind.kind == "street":
        entrances = None
        if targets.entrances is not None:
            # Street patrols list the entrances they pass; they walk no extra street for them.
            entrances = StreetCheckpoints(targets.entrances, targets.max_checkpoints, False)
        return plan_patrol_routes(
            network, routes, area=targets.area, start=start, checkpoints=entrances,
            options=options, params=params, slot_s=slot_s, kind=kind,
        )  # fmt: skip
    if slot_s is None:
        raise ValueError(f"{kind.kind} patrols need a slot length")
    if targets.area is not None:
        raise ValueError("an area limits street patrols only")
    if kind.kind == "checkpoints":
        if targets.checkpoints is None:
            raise ValueError("checkpoint patrols need their checkpoints")
        if slots.starts is None:
            raise ValueError("checkpoint hours need clock slots: at most 3 slots a day")
        return plan_checkpoint_routes(
            network, targets.checkpoints, slot_s=slot_s, routes=routes, start=start,
            slot_starts=slots.starts, kind=kind, options=options, source=targets.source,
        )  # fmt: skip
    if targets.buildings is None or not targets.building_ids:
        raise ValueError("building patrols need the towers' building ids")
    return plan_building_routes(
        network, targets.buildings, targets.building_ids, slot_s=slot_s, routes=routes,
        start=start, kind=kind, options=options, params=params,
    )  # fmt: skip


def route_demands(plan: PatrolPlan) -> dict[str, RouteDemand]:
    """What the rota needs of each route: its kind, how often, its slots."""
    per_week = plan.kind.per_week
    return {r.route_id: RouteDemand(r.kind, per_week, r.slots) for r in plan.routes}


def slot_labels_of(plan: PatrolPlan, slots: SlotTimes) -> dict[str, str]:
    """Per route with a slot of its own, that slot's label (for its sheet)."""
    return {r.route_id: slots.labels[r.slots[0]] for r in plan.routes if len(r.slots) == 1}
