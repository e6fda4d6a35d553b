"""Visit records from team phones: validated in one place, stored once per idempotency key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from routing.errors import ForbiddenError
from web.field.stream import notify
from web.schema import VisitBody, parse
from web.storage.models import FieldStop, TeamLink, VisitRecord

STATUSES = ("visited", "not_home", "refused")


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
    def parse(cls, values: Any) -> VisitInput:
        """Validate a posted record (``web.schema.VisitBody``); raises ValueError (a
        ``BodyError``) naming every bad field."""
        visit = parse(VisitBody, values)
        return cls(
            key=visit.key,
            stop_id=visit.stop_id,
            status=visit.status,
            rented=None if not visit.tenure else visit.tenure == "rented",
            residents=visit.residents,
            since=visit.since,
            vulnerable=visit.vulnerable,
            requests=visit.requests,
        )


def save(session: Session, link: TeamLink, visit: VisitInput) -> tuple[VisitRecord, bool]:
    """Store the visit for the link's team; a repeated key returns the first record.

    Returns
    -------
    (VisitRecord, bool)
        The record and whether it is new.

    Raises
    ------
    ForbiddenError
        When the stop (or the key's record) is not the link's team's: one message for
        both, so that another team's keys cannot be probed.
    """
    known = session.scalar(select(VisitRecord).where(VisitRecord.key == visit.key))
    if known is not None:
        if known.team_id != link.team_id or known.community_id != link.community_id:
            raise ForbiddenError("not a stop of this team")
        return known, False
    stop = session.get(FieldStop, visit.stop_id)
    if stop is None or stop.team_id != link.team_id or stop.community_id != link.community_id:
        raise ForbiddenError("not a stop of this team")
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
