"""Fixtures of the security tests: the web tests' demo database, and a copy of it holding
hostile text where legacy or OpenStreetMap data would put it (imports refuse such ids)."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from tests.web.conftest import (  # noqa: F401  (fixtures used by the tests here)
    accounts_db,
    app,
    client,
    coord,
    copy_db,
    demo_copy,
    demo_db,
    empty_db,
    field_app,
)
from web.cli import DEMO_COMMUNITY
from web.patrols.pages import PAGES_FILE, new_key
from web.storage.engine import open_engine, session_factory
from web.storage.models import (
    Building,
    Community,
    FieldPath,
    FieldStop,
    Household,
    PinRecord,
    PlanAssignment,
    Team,
    TeamLink,
    VisitRecord,
    Volunteer,
)

# The finding's payloads: a script end tag, template-literal breakouts, HTML handlers.
PAYLOADS = (
    "</script><img src=x onerror=alert(1)>",
    "`+alert(42)+`",
    "${alert(1)}",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
)


@dataclass(frozen=True)
class Hostile:
    """A copy of the demo database with a payload in every kind of shown text."""

    db: Path
    teams: tuple[str, ...]  # team ids (the first one's route holds the hostile buildings)
    buildings: tuple[str, ...]  # building ids ("B" + payload), in the first team's route
    names: tuple[str, ...]  # their names ("N" + payload), also the stops' labels
    checkpoints: tuple[str, ...]  # names of a patrol route's checkpoints ("C" + payload)
    community: str  # the community's name
    patrol: str  # the patrol route's page, /r/<key>/R01

    @property
    def team(self) -> str:
        """The team whose route passes the hostile buildings."""
        return self.teams[0]


def _rename_team(session: Session, old: str, new: str) -> None:
    for model in (Team, Volunteer, PlanAssignment, FieldStop, FieldPath, PinRecord, TeamLink):
        session.execute(update(model).where(model.team_id == old).values(team_id=new))
    session.execute(update(VisitRecord).where(VisitRecord.team_id == old).values(team_id=new))


def _rename_building(session: Session, old: str, new: str, name: str) -> None:
    session.execute(
        update(Building).where(Building.building_id == old).values(building_id=new, name=name)
    )
    for model in (Household, PlanAssignment, FieldStop, PinRecord):
        session.execute(update(model).where(model.building_id == old).values(building_id=new))
    session.execute(update(FieldStop).where(FieldStop.building_id == new).values(label=name))
    session.execute(
        update(Volunteer).where(Volunteer.home_building == old).values(home_building=new)
    )


def _busiest_team(session: Session) -> tuple[str, list[str]]:
    """The team whose stored route passes the most buildings, and them in walking order."""
    team = session.scalars(
        select(FieldStop.team_id)
        .group_by(FieldStop.team_id)
        .order_by(func.count(FieldStop.building_id.distinct()).desc(), FieldStop.team_id)
        .limit(1)
    ).one()
    rows = session.execute(
        select(FieldStop.building_id)
        .where(FieldStop.team_id == team)
        .order_by(FieldStop.session, FieldStop.seq)
    ).scalars()
    return team, list(dict.fromkeys(rows))


def _patrol_pages(folder: Path, points: list[tuple[float, float]], team: str, title: str) -> str:
    """A patrol export's page data as ``write_pages`` stores it; returns the route's path."""
    key = new_key()
    (folder / key).mkdir(parents=True)
    names = ["C" + p for p in PAYLOADS]
    data = {
        "title": title,
        "start": list(points[0]),
        "routes": {
            "R01": {
                "team": team,
                "length_m": 812.0,
                "time_s": 720.0,
                "deadhead_m": 40.0,
                "path": [list(p) for p in points],
                "checkpoints": [[n, x, y] for n, (x, y) in zip(names, points, strict=True)],
            }
        },
    }
    (folder / key / PAGES_FILE).write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return f"/r/{key}/R01"


@pytest.fixture(scope="session")
def hostile_db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Hostile:  # noqa: F811
    """The demo database (plan 1 published, routes stored) with payloads written straight
    into it: five team ids, five building ids and names on one team's route (and so its
    stop labels), the community's name, and a patrol export's checkpoint names."""
    db = copy_db(demo_db, tmp_path_factory.mktemp("hostile") / "hostile.db")
    engine = open_engine(db)
    with session_factory(engine)() as session:
        busiest, route = _busiest_team(session)
        assert len(route) >= len(PAYLOADS), "the demo's busiest route is too short"
        teams = session.scalars(select(Team.team_id).order_by(Team.team_id))
        others = [t for t in teams if t != busiest][: len(PAYLOADS) - 1]
        for old, new in zip([busiest, *others], PAYLOADS, strict=True):
            _rename_team(session, old, new)
        buildings = tuple("B" + p for p in PAYLOADS)
        names = tuple("N" + p for p in PAYLOADS)
        for old, new, name in zip(route[: len(PAYLOADS)], buildings, names, strict=True):
            _rename_building(session, old, new, name)
        points = [
            (round(x, 6), round(y, 6))
            for x, y in session.execute(
                select(FieldStop.lon, FieldStop.lat)
                .where(FieldStop.building_id.in_(buildings))
                .group_by(FieldStop.building_id)
            ).all()
        ]
        community_name = "社区" + PAYLOADS[3]
        session.execute(
            update(Community).where(Community.name == DEMO_COMMUNITY).values(name=community_name)
        )
        session.commit()
    engine.dispose()
    patrol = _patrol_pages(db.parent / "exports", points, PAYLOADS[0], "N" + PAYLOADS[4])
    return Hostile(
        db,
        PAYLOADS,
        buildings,
        names,
        tuple("C" + p for p in PAYLOADS),
        community_name,
        patrol,
    )


def hostile_copy(hostile: Hostile, folder: Path) -> Path:
    """A private copy of the hostile database (and its patrol export) in ``folder``."""
    shutil.copytree(hostile.db.parent / "exports", folder / "exports")
    return copy_db(hostile.db, folder / "hostile.db")


@pytest.fixture
def accounts_copy(accounts_db: Path, tmp_path: Path) -> Path:  # noqa: F811
    """A private copy of the accounts database (demo community 1, community B = 2, one
    account per role) that a test may change."""
    return copy_db(accounts_db, tmp_path / "accounts.db")
