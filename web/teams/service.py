"""Teams of a stored community: the roster by team, automatic forming, moving one member."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from web import store
from web.models import Community, Team, Volunteer
from web.safety import id_problem
from web.teams.forming import form_teams


@dataclass(frozen=True)
class Member:
    """A volunteer as the teams page lists them (name and phone: coordinators only)."""

    id: int  # internal row id: used in URLs instead of anything personal
    name: str
    phone: str
    home: str
    skills: str


@dataclass(frozen=True)
class TeamView:
    """A team and its members."""

    team_id: str
    members: list[Member]

    @property
    def skills(self) -> str:
        return "、".join(sorted({s for m in self.members for s in m.skills.split(";") if s}))


def roster(session: Session, community: Community) -> tuple[list[TeamView], list[Member]]:
    """Teams with their members, and the volunteers in no team."""
    names = {
        b: n or b
        for b, n in store.load_buildings(session, community)[["building_id", "name"]].values
    }
    rows = session.scalars(
        select(Volunteer)
        .where(Volunteer.community_id == community.id)
        .order_by(Volunteer.team_id, Volunteer.volunteer_id)
    )
    teams: dict[str, list[Member]] = {}
    loose: list[Member] = []
    for v in rows:
        member = Member(v.id, v.name, v.phone, names.get(v.home_building, ""), v.skills)
        (teams.setdefault(v.team_id, []) if v.team_id else loose).append(member)
    return [TeamView(t, m) for t, m in sorted(teams.items())], loose


def _sync_teams(session: Session, community: Community) -> None:
    used = sorted(
        {
            t
            for t in session.scalars(
                select(Volunteer.team_id).where(Volunteer.community_id == community.id)
            )
            if t
        }
    )
    session.execute(delete(Team).where(Team.community_id == community.id))
    if used:
        session.execute(insert(Team), [{"community_id": community.id, "team_id": t} for t in used])


def form_automatically(session: Session, community: Community, size: int = 3) -> int:
    """Replace every team by teams of ``size`` formed from homes and skills; returns the count."""
    volunteers = store.load_volunteers(session, community)
    if volunteers.empty:
        raise ValueError("the roster is empty: import volunteers first")
    labels = form_teams(volunteers, store.load_buildings(session, community), size)
    by_id = dict(zip(volunteers["volunteer_id"], labels, strict=True))
    for row in session.scalars(select(Volunteer).where(Volunteer.community_id == community.id)):
        row.team_id = by_id[row.volunteer_id]
    _sync_teams(session, community)
    session.commit()
    return len(set(labels))


def move_member(session: Session, community: Community, member_id: int, team_id: str) -> None:
    """Put one volunteer in ``team_id`` (a new team when the id is new; "" for none)."""
    row = session.get(Volunteer, member_id)
    if row is None or row.community_id != community.id:
        raise LookupError(member_id)
    team_id = team_id.strip()
    # A new team's id must be plain text; a roster team keeps the id it was imported with.
    if team_id and team_id not in store.load_team_ids(session, community):
        problem = id_problem(team_id, "team id")
        if problem:
            raise ValueError(problem)
    row.team_id = team_id
    _sync_teams(session, community)
    session.commit()
