"""Team operations of a stored community: the roster by team, automatic forming, moving one
member. Flask-free: a session in, stored rows and a summary out."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from routing.errors import NotFoundError
from routing.teams import FormingOptions, form_teams
from web.safety import id_problem
from web.storage import frames
from web.storage.models import Community, Team, Volunteer


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
        for b, n in frames.load_buildings(session, community)[["building_id", "name"]].values
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


@dataclass(frozen=True)
class Forming:
    """What automatic forming did: the teams it made and whom it could not place."""

    teams: int
    volunteers: int
    sizes: dict[int, int]  # team size → how many teams have it
    without_home: int  # volunteers with no (known) home building: placed at the centre
    replaced: int  # teams the community had before
    options: FormingOptions

    def summary(self) -> list[str]:
        """Lines for the command line: counts, sizes, and who was placed by guess."""
        sizes = ", ".join(f"{n} × {size}" for size, n in sorted(self.sizes.items(), reverse=True))
        lines = [
            f"formed {self.teams} teams from {self.volunteers} volunteers "
            f"(size {self.options.size}, seed {self.options.seed}); replaced {self.replaced} "
            "earlier teams",
            f"team sizes: {sizes}",
        ]
        if self.without_home:
            lines.append(
                f"{self.without_home} volunteers without a known home building were placed at "
                "the community's centre"
            )
        return lines


def form_automatically(
    session: Session, community: Community, options: FormingOptions | None = None
) -> Forming:
    """Replace every team by teams formed from homes and skills (``options``: size, seed).

    Raises
    ------
    ValueError
        When the community has no volunteers.
    """
    options = options or FormingOptions()
    volunteers = frames.load_volunteers(session, community)
    if volunteers.empty:
        raise ValueError("the roster is empty: import volunteers first")
    buildings = frames.load_buildings(session, community)
    before = len(frames.load_team_ids(session, community))
    labels = form_teams(volunteers, buildings, options)
    by_id = dict(zip(volunteers["volunteer_id"], labels, strict=True))
    for row in session.scalars(select(Volunteer).where(Volunteer.community_id == community.id)):
        row.team_id = by_id[row.volunteer_id]
    _sync_teams(session, community)
    session.commit()
    known = set(buildings["building_id"].astype(str))
    return Forming(
        teams=labels.nunique(),
        volunteers=len(volunteers),
        sizes=dict(Counter(labels.value_counts().tolist())),
        without_home=int((~volunteers["home_building"].astype(str).isin(known)).sum()),
        replaced=before,
        options=options,
    )


def move_member(session: Session, community: Community, member_id: int, team_id: str) -> None:
    """Put one volunteer in ``team_id`` (a new team when the id is new; "" for none)."""
    row = session.get(Volunteer, member_id)
    if row is None or row.community_id != community.id:
        raise NotFoundError(f"no volunteer {member_id} in this community")
    team_id = team_id.strip()
    # A new team's id must be plain text; a roster team keeps the id it was imported with.
    if team_id and team_id not in frames.load_team_ids(session, community):
        problem = id_problem(team_id, "team id")
        if problem:
            raise ValueError(problem)
    row.team_id = team_id
    _sync_teams(session, community)
    session.commit()
