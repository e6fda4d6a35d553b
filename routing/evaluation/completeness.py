"""How complete each team's households are in the register."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

import pandas as pd

from routing.errors import InputError, Problem

# Register fields a door-to-door visit is meant to fill in (HOUSEHOLD_COLUMNS names).
COMPLETENESS_FIELDS: Final = ("residents", "rented", "since")
COMPLETENESS_COLUMNS: Final = ("households", "registered_complete", "completeness")


def known(values: pd.Series) -> pd.Series:
    """Whether each value is known: not missing, and not blank text."""
    text = values.astype("string").str.strip()
    return (values.notna() & text.notna() & (text != "")).astype(bool)


def registration_completeness(
    register: pd.DataFrame,
    household_teams: Mapping[str, str],
    team_ids: Sequence[str],
    fields: Sequence[str] = COMPLETENESS_FIELDS,
) -> pd.DataFrame:
    """Per team: its households, how many have every field known, and the share.

    Parameters
    ----------
    register : DataFrame
        Households per ``HOUSEHOLD_COLUMNS`` (``household_id`` and ``fields``), as the
        register stands now.
    household_teams : mapping of str to str
        Household → its area team (the territory plan); others belong to no team.
    team_ids : sequence of str
        The teams, in report order (teams without households get 0 and NaN).
    fields : sequence of str
        The fields that make a household's registration complete.

    Returns
    -------
    DataFrame
        ``COMPLETENESS_COLUMNS`` indexed by ``team_id``; ``completeness`` in 0..1,
        NaN for a team without households.
    """
    missing = [f for f in ("household_id", *fields) if f not in register.columns]
    if missing:
        raise InputError([Problem("register", None, f, "column missing") for f in missing])
    ids = register["household_id"].astype(str)
    team = ids.map(lambda h: household_teams.get(h, ""))
    complete = pd.Series(True, index=register.index)
    for name in fields:
        complete &= known(register[name])
    frame = pd.DataFrame({"team_id": team.to_numpy(), "complete": complete.to_numpy()})
    grouped = frame[frame["team_id"] != ""].groupby("team_id")["complete"]
    out = pd.DataFrame(
        {"households": grouped.size(), "registered_complete": grouped.sum()},
    ).reindex(pd.Index(list(team_ids), name="team_id"))
    out = out.fillna(0).astype("int64")
    households = out["households"].where(out["households"] > 0)
    out["completeness"] = out["registered_complete"] / households
    return out.loc[:, list(COMPLETENESS_COLUMNS)]
