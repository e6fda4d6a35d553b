"""Pins: floor bands the coordinator fixed to a team, checked and turned into household marks."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from routing.territories.options import Pin
from routing.territories.units import IntArray, Sites


def pin_households(
    frame: pd.DataFrame, sites: Sites, team_ids: list[str], pins: Sequence[Pin]
) -> tuple[IntArray, list[str]]:
    """The team each sorted household is pinned to (-1: free), and notes on skipped pins.

    Pins apply in the order given. A pin naming an unknown team, a building without
    households or floors without households is skipped; a pin overlapping an earlier
    pin of another team is skipped. Two pins of one team in one building also pin the
    floors between them (a team holds one band per building), unless those belong to
    another team's pin.

    Parameters
    ----------
    frame : DataFrame
        The sorted register (``building`` site index, ``floor``).
    sites : Sites
        The buildings with households.
    team_ids : list of str
        Teams of the plan.
    pins : sequence of Pin
        The coordinator's pins.

    Returns
    -------
    tuple of (ndarray of int, list of str)
    """
    pinned = np.full(len(frame), -1, dtype=np.int64)
    notes: list[str] = []
    if not pins:
        return pinned, notes
    team_index = {t: i for i, t in enumerate(team_ids)}
    site_index = {str(b): i for i, b in enumerate(sites.ids)}
    building = frame["building"].to_numpy(dtype=np.int64)
    floor = frame["floor"].to_numpy(dtype=np.int64)
    for pin in pins:
        what = _describe(pin, sites, site_index)
        if pin.team_id not in team_index:
            notes.append(f"pin {what}: team {pin.team_id} is not in the plan; pin ignored")
            continue
        if pin.building_id not in site_index:
            notes.append(f"pin {what}: the building has no households; pin ignored")
            continue
        team, site = team_index[pin.team_id], site_index[pin.building_id]
        here = building == site
        own = here & (pinned == team)
        first, last = pin.first_floor, pin.last_floor
        if not (here & (floor >= first) & (floor <= last)).any():
            notes.append(f"pin {what}: no households on those floors; pin ignored")
            continue
        if own.any():
            first, last = min(first, int(floor[own].min())), max(last, int(floor[own].max()))
        band = here & (floor >= first) & (floor <= last)
        clash = np.unique(pinned[band & (pinned >= 0) & (pinned != team)])
        if len(clash):
            other = ", ".join(team_ids[c] for c in clash.tolist())
            notes.append(f"pin {what} overlaps the pin of {other}; pin ignored")
            continue
        if (first, last) != (pin.first_floor, pin.last_floor):
            notes.append(
                f"pin {what}: {pin.team_id} also gets the floors between its pins in "
                f"{sites.names[site]} ({first}–{last}层), to keep one band"
            )
        pinned[band] = team
    return pinned, notes


def _describe(pin: Pin, sites: Sites, site_index: dict[str, int]) -> str:
    site = site_index.get(pin.building_id)
    name = sites.names[site] if site is not None else pin.building_id
    floors = (
        f"{pin.first_floor}层"
        if pin.first_floor == pin.last_floor
        else f"{pin.first_floor}–{pin.last_floor}层"
    )
    return f"{name} {floors} → {pin.team_id}"
