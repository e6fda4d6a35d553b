"""Checkpoint patrols: tours through points with service times, inside their hours."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd

from routing.errors import InputError, Problem
from routing.network import WalkingNetwork
from routing.patrols.kinds import PatrolKind, planned_kind
from routing.patrols.options import PatrolOptions
from routing.patrols.result import CHECKPOINT_COLUMNS, STOP_COLUMNS, PatrolPlan, PatrolRoute
from routing.patrols.shift import check_slot
from routing.patrols.stops import Site, stops_plan, tour_routes
from routing.patrols.tours import Stops, plan_groups
from routing.schema import WGS84

# Where a day's first patrol slot starts when none is given (the rota's 09:00-11:00).
DEFAULT_SLOT_START_S: Final = 9 * 3600.0


def plan_checkpoint_routes(
    network: WalkingNetwork,
    points: gpd.GeoDataFrame,
    *,
    slot_s: float,
    routes: int | None = None,
    start: tuple[float, float] | None = None,
    slot_starts: Sequence[float] = (DEFAULT_SLOT_START_S,),
    kind: PatrolKind | None = None,
    options: PatrolOptions | None = None,
    source: str = "checkpoints",
) -> PatrolPlan:
    """Closed tours from one start through every checkpoint, each fitting a slot.

    A checkpoint with hours is visited (its check begins) inside them: it is planned in
    the first slot of the day that overlaps its hours, and its route is walked in that
    slot only (``PatrolRoute.slots``). Points without hours join the first slot's
    routes; a route holding none with hours may be walked in any slot. Walking is the
    fastest path on the network; each point takes its ``service_s`` (default the kind's
    ``stop_s``).

    Parameters
    ----------
    network : WalkingNetwork
        The walking network.
    points : GeoDataFrame
        Points (with a CRS): ``checkpoint_id``, ``name``, optional ``category``,
        ``service_s`` (NaN = default), ``opens_s``/``closes_s`` (clock seconds, NaN = no
        hours), ``hours`` and ``row`` (the file's row, for messages), as
        ``routing.sources.checkpoints.read_checkpoints`` returns.
    slot_s : float
        Length of a patrol slot in seconds.
    routes : int, optional
        Number of routes; default the fewest that fit.
    start : (float, float), optional
        ``(lon, lat)`` where routes start and end; default the network point nearest
        the centre of the checkpoints.
    slot_starts : sequence of float
        Clock seconds at which the rota's slots start, in slot order.
    kind : PatrolKind, optional
        A checkpoints kind; default ``default_kind("checkpoints")``.
    options : PatrolOptions, optional
        Time limit, solution budget, span weight of each solve.
    source : str
        The points' file name in messages.

    Returns
    -------
    PatrolPlan
        Kind "checkpoints"; ``checkpoints`` holds every point with its route, order and
        planned ``arrival_s`` (seconds after its route's slot starts).

    Raises
    ------
    InputError
        Points whose hours miss every slot or that cannot be reached and checked within
        a slot (one problem each, by row).
    SlotTooShortError
        ``routes`` routes cannot fit the slot (a ValueError).
    """
    started = time.perf_counter()
    check_slot(slot_s)
    kind = planned_kind("plan_checkpoint_routes", kind, "checkpoints")
    if routes is not None and not (isinstance(routes, int) and routes >= 1):
        raise ValueError(f"routes must be an int >= 1, got {routes!r}")
    options = options if options is not None else PatrolOptions()
    frame = _frame(network, points, kind)
    if routes is not None and routes > len(frame):
        raise ValueError(f"{routes} routes but only {len(frame)} checkpoint(s)")
    site = Site.on_network(network, start, frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy())
    group = _slot_groups(frame, slot_starts, slot_s, source)
    members = [np.flatnonzero(group == g) for g in range(len(slot_starts))]
    members = [m for m in members if len(m)]
    stops = [_stops(frame, site, m, slot_s, slot_starts[int(group[m[0]])]) for m in members]
    _check_alone(frame, stops, members, source)
    tours = plan_groups(stops, routes, options)
    total = sum(len(t.routes) for t in tours)
    names = [f"R{i + 1:0{max(2, len(str(total)))}d}" for i in range(total)]
    out: list[PatrolRoute] = []
    arrival: dict[str, float] = {}
    for m, st, tr in zip(members, stops, tours, strict=True):
        g = int(group[m[0]])
        ids = [[str(frame["checkpoint_id"].iat[i])] for i in m]
        windowed = frame["opens_s"].notna().to_numpy()[m]
        slots: list[tuple[int, ...]] = [(g,) if windowed[list(r)].any() else () for r in tr.routes]
        zero = np.zeros(len(m))
        out += tour_routes(
            network, site.subset(m), tr, kind="checkpoints", ids=ids, climb_s=zero,
            service_s=st.service_s, start_s=slot_starts[g], slots=slots,
            names=names[len(out) : len(out) + len(tr.routes)],
        )  # fmt: skip
        arrival.update({ids[i][0]: float(tr.begin_s[i]) for i in range(len(m))})
    return stops_plan(out, site, frame, arrival, started=started, kind=kind, slot_s=slot_s)


def _frame(network: WalkingNetwork, points: gpd.GeoDataFrame, kind: PatrolKind) -> gpd.GeoDataFrame:
    """The points in WGS84 with every column of a plan's checkpoints."""
    if points.crs is None:
        raise ValueError("checkpoints have no CRS; expected WGS84 (EPSG:4326)")
    if points.empty:
        raise ValueError("no checkpoints to patrol")
    frame = points.to_crs(WGS84).reset_index(drop=True)
    if not (frame.geom_type == "Point").all():
        raise ValueError("checkpoints must be points")
    n = len(frame)
    ids = frame.get("checkpoint_id", pd.Series([f"C{i + 1:03d}" for i in range(n)]))
    if ids.astype(str).duplicated().any():
        raise ValueError("checkpoint_id values must be unique")

    def column(name: str, default: object) -> pd.Series:
        return frame[name] if name in frame else pd.Series([default] * n)

    service = pd.to_numeric(column("service_s", np.nan), errors="coerce")
    snap = network.snap(frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy())
    data = {
        "checkpoint_id": ids.astype(str).to_numpy(),
        "name": column("name", "").fillna("").astype(str).to_numpy(),
        "edge": snap.edge,
        "route_id": "",
        "order": 0,
        "fraction": snap.fraction,
        "category": column("category", "").fillna("").astype(str).to_numpy(),
        "hours": column("hours", "").fillna("").astype(str).to_numpy(),
        "service_s": service.fillna(kind.stop_s).to_numpy(dtype=float),
        "arrival_s": np.nan,
        "building_id": "",
        "floor": 0,
        "opens_s": pd.to_numeric(column("opens_s", np.nan), errors="coerce").to_numpy(float),
        "closes_s": pd.to_numeric(column("closes_s", np.nan), errors="coerce").to_numpy(float),
        "row": pd.to_numeric(column("row", np.nan), errors="coerce").to_numpy(float),
    }
    assert set(CHECKPOINT_COLUMNS) | set(STOP_COLUMNS) <= set(data)
    return gpd.GeoDataFrame(data, geometry=frame.geometry.to_numpy(), crs=WGS84)


def _slot_groups(
    frame: gpd.GeoDataFrame, slot_starts: Sequence[float], slot_s: float, source: str
) -> np.ndarray:
    """Per point: the slot it is planned in (the first one overlapping its hours)."""
    if not slot_starts:
        raise ValueError("slot_starts needs at least one slot")
    opens, closes = frame["opens_s"].to_numpy(), frame["closes_s"].to_numpy()
    group = np.zeros(len(frame), dtype=np.intp)
    problems = []
    for i in np.flatnonzero(~np.isnan(opens)):
        hit = [s for s, at in enumerate(slot_starts) if opens[i] <= at + slot_s and closes[i] >= at]
        if hit:
            group[i] = hit[0]
            continue
        slots = ", ".join(_clock(at) + "-" + _clock(at + slot_s) for at in slot_starts)
        message = f"the hours {frame['hours'].iat[i]} lie outside every patrol slot ({slots})"
        problems.append(Problem(source, _row(frame, int(i)), "hours", message))
    if problems:
        raise InputError(problems)
    return group


def _stops(
    frame: gpd.GeoDataFrame, site: Site, members: np.ndarray, slot_s: float, slot_start: float
) -> Stops:
    sub = site.subset(members)
    opens = frame["opens_s"].to_numpy()[members] - slot_start
    closes = frame["closes_s"].to_numpy()[members] - slot_start
    windowed = ~np.isnan(opens)
    return Stops(
        sub.time_s,
        frame["service_s"].to_numpy(dtype=float)[members],
        np.where(windowed, np.clip(opens, 0, slot_s), 0.0),
        np.where(windowed, np.clip(closes, 0, slot_s), slot_s),
        slot_s,
    )


def _check_alone(
    frame: gpd.GeoDataFrame, stops: list[Stops], members: list[np.ndarray], source: str
) -> None:
    """One problem per point that not even a route of its own can reach and check."""
    problems = []
    for st, m in zip(stops, members, strict=True):
        for i in np.flatnonzero(~st.alone_fits()):
            there = st.travel_s[0, i + 1] / 60
            message = (
                f"cannot be reached and checked within a {st.slot_s / 60:.0f}-minute slot "
                f"({there:.0f} min walk from the start, {st.service_s[i] / 60:.0f} min there"
                + (f", hours {frame['hours'].iat[m[i]]})" if frame["hours"].iat[m[i]] else ")")
            )
            problems.append(Problem(source, _row(frame, int(m[i])), "service_minutes", message))
    if problems:
        raise InputError(problems)


def _row(frame: gpd.GeoDataFrame, i: int) -> int | None:
    row = frame["row"].iat[i]
    return None if np.isnan(row) else int(row)


def _clock(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
