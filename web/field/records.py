"""Visit records from team phones: validated in one place, stored once per idempotency key."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from web.field.stream import notify
from web.models import FieldStop, TeamLink, VisitRecord

STATUSES = ("visited", "not_home", "refused")
_KEY = re.compile(r"^[A-Za-z0-9_\-]{8,64}$")
_SINCE = re.compile(r"^(\d{4})(?:-(\d{2}))?$")
MAX_RESIDENTS = 30


@dataclass(frozen=True)
class VisitInput:
    """One validated visit: the stop, what happened, and the registration fields."""

    key: str
    stop_id: int
    status: str
    rented: bool | None = None
    residents: int | None = None
    since: str = ""
    vulnerable: str = ""
    requests: str = ""

    @classmethod
    def parse(cls, values: Mapping[str, Any]) -> VisitInput:
        """Validate a posted record; raises ValueError naming every bad field."""
        errors: list[str] = []
        key = str(values.get("key", ""))
        if not _KEY.match(key):
            errors.append("key: 8-64 letters, digits, - or _")
        stop = values.get("stop_id")
        if not isinstance(stop, int) or isinstance(stop, bool):
            errors.append("stop_id: an integer")
        status = str(values.get("status", ""))
        if status not in STATUSES:
            errors.append(f"status: one of {', '.join(STATUSES)}")
        fields = _registration(values, errors) if status == "visited" else {}
        if errors:
            raise ValueError("; ".join(errors))
        return cls(key=key, stop_id=int(stop), status=status, **fields)  # type: ignore[arg-type]


def _registration(values: Mapping[str, Any], errors: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    tenure = values.get("tenure", "")
    if tenure not in ("", None, "rented", "owned"):
        errors.append("tenure: rented or owned")
    out["rented"] = None if tenure in ("", None) else tenure == "rented"
    residents = values.get("residents")
    if residents in ("", None):
        out["residents"] = None
    elif str(residents).isdigit() and 0 < int(residents) <= MAX_RESIDENTS:
        out["residents"] = int(residents)
    else:
        errors.append(f"residents: a whole number from 1 to {MAX_RESIDENTS}")
    out["since"] = _since(str(values.get("since") or ""), errors)
    for name, limit in (("vulnerable", 200), ("requests", 2000)):
        text = str(values.get(name) or "").strip()
        if len(text) > limit:
            errors.append(f"{name}: at most {limit} characters")
        out[name] = text[:limit]
    return out


def _since(text: str, errors: list[str]) -> str:
    text = text.strip()
    if not text:
        return ""
    match = _SINCE.match(text)
    today = date.today()
    if match is None:
        errors.append("since: a year (2015) or year and month (2015-06)")
        return ""
    year, month = int(match.group(1)), int(match.group(2) or 1)
    if not (year >= 1900 and 1 <= month <= 12 and (year, month) <= (today.year, today.month)):
        errors.append("since: not in the future, from 1900")
    return text


def save(session: Session, link: TeamLink, visit: VisitInput) -> tuple[VisitRecord, bool]:
    """Store the visit for the link's team; a repeated key returns the first record.

    Returns
    -------
    (VisitRecord, bool)
        The record and whether it is new.

    Raises
    ------
    LookupError
        When the stop is not one of the link's team's stops.
    """
    known = session.scalar(select(VisitRecord).where(VisitRecord.key == visit.key))
    if known is not None:
        if known.team_id != link.team_id or known.community_id != link.community_id:
            raise LookupError("key belongs to another team")
        return known, False
    stop = session.get(FieldStop, visit.stop_id)
    if stop is None or stop.team_id != link.team_id or stop.community_id != link.community_id:
        raise LookupError("not a stop of this team")
    record = VisitRecord(
        community_id=link.community_id,
        team_id=link.team_id,
        household_id=stop.household_id,
        key=visit.key,
        status=visit.status,
        rented=visit.rented,
        residents=visit.residents,
        since=visit.since,
        vulnerable=visit.vulnerable,
        requests=visit.requests,
    )
    session.add(record)
    try:
        session.commit()
    except IntegrityError:  # the same key raced in from a re-send
        session.rollback()
        again = session.scalar(select(VisitRecord).where(VisitRecord.key == visit.key))
        assert again is not None
        return again, False
    notify(link.community_id)  # coordinators' open streams in this process, at once
    return record, True


_NEWEST_PER_HOUSEHOLD = select(VisitRecord.household_id, VisitRecord.status).where(
    VisitRecord.id.in_(
        select(func.max(VisitRecord.id))
        .where(
            VisitRecord.community_id == bindparam("community"),
            VisitRecord.team_id == bindparam("team"),
        )
        .group_by(VisitRecord.household_id)
    )
)


def latest_status(session: Session, community_id: int, team_id: str) -> dict[str, str]:
    """The status of the newest record per household of the team.

    One grouped query on the (community, team, household) index: a phone asks for this
    on every page and stop-list load, and a team's records grow all day.
    """
    rows = session.execute(_NEWEST_PER_HOUSEHOLD, {"community": community_id, "team": team_id})
    return {str(household): str(status) for household, status in rows}


def recent(session: Session, community_id: int, limit: int = 200) -> list[VisitRecord]:
    """The community's newest records first."""
    query = select(VisitRecord).where(VisitRecord.community_id == community_id)
    return list(session.scalars(query.order_by(VisitRecord.id.desc()).limit(limit)))
