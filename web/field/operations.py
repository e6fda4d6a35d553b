"""Operations of the coordinator's field side: make and revoke team links, the privacy
switches. Flask-free: a session and a validated request in, the stored rows out.

A team's visit records are saved by ``web.field.records.save`` (the phone's one write).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from routing.errors import NotFoundError
from web.field.tokens import create_link, revoke
from web.storage import frames
from web.storage.models import Community, FieldSettings, TeamLink

DEFAULT_DAYS = 30.0


@dataclass(frozen=True)
class LinkRequest:
    """A new team link: the team and the days until it expires (0 < days ≤ 366)."""

    team_id: str
    days: float = DEFAULT_DAYS

    @classmethod
    def parse(cls, values: Mapping[str, str]) -> LinkRequest:
        """The request from a form (``team_id``, ``days``; empty days: the default)."""
        text = (values.get("days") or "").strip()
        try:
            days = float(text) if text else DEFAULT_DAYS
        except ValueError:
            raise ValueError(f"days must be a number, got {text!r}") from None
        return cls(values.get("team_id", "").strip(), days)


def make_link(session: Session, community: Community, request: LinkRequest) -> tuple[str, TeamLink]:
    """Make a link for one of the community's teams; the raw token is returned once.

    Raises
    ------
    ValueError
        For a team the community does not have, or days out of range.
    """
    if request.team_id not in frames.load_team_ids(session, community):
        raise ValueError("unknown team")
    return create_link(session, community, request.team_id, request.days)


def link_of(session: Session, community: Community, link_id: int) -> TeamLink:
    """The community's link ``link_id``; ``NotFoundError`` for any other id."""
    link = session.get(TeamLink, link_id)
    if link is None or link.community_id != community.id:
        raise NotFoundError(f"no team link {link_id} in this community")
    return link


def revoke_link(session: Session, community: Community, link_id: int) -> TeamLink:
    """Revoke the community's link ``link_id`` at once (committed)."""
    link = link_of(session, community, link_id)
    revoke(session, link)
    return link


@dataclass(frozen=True)
class Privacy:
    """What team pages of a community show: phones, requests (both hidden by default)."""

    show_phone: bool = False
    show_requests: bool = False

    @classmethod
    def parse(cls, values: Mapping[str, str]) -> Privacy:
        """The switches from a form: ``"1"`` is on, anything else off."""
        return cls(values.get("show_phone") == "1", values.get("show_requests") == "1")


def settings_of(session: Session, community: Community) -> FieldSettings:
    """The community's field settings, created (all hidden) when missing."""
    found = session.scalar(select(FieldSettings).where(FieldSettings.community_id == community.id))
    if found is None:
        found = FieldSettings(community_id=community.id, show_phone=False, show_requests=False)
        session.add(found)
        session.flush()
    return found


def set_privacy(session: Session, community: Community, privacy: Privacy) -> FieldSettings:
    """Store the community's privacy switches (committed)."""
    settings = settings_of(session, community)
    settings.show_phone = privacy.show_phone
    settings.show_requests = privacy.show_requests
    session.commit()
    return settings
