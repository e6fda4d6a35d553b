"""Writes that take team ids: a band moves only to a roster team; a member's new team id
must be plain text. Refused writes change nothing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.security.conftest import PAYLOADS, Hostile, hostile_copy
from tests.web.conftest import login, make_app
from web.demo import DEMO_PASSWORD, DEMO_USER
from web.plans import load_assignment
from web.storage.engine import open_engine, session_factory
from web.storage.models import PinRecord, TerritoryPlanRecord, Volunteer


def _counts(db: Path) -> tuple[int, int]:
    """How many plans and pins the database holds."""
    engine = open_engine(db)
    with session_factory(engine)() as session:
        plans = session.scalar(select(func.count()).select_from(TerritoryPlanRecord))
        pins = session.scalar(select(func.count()).select_from(PinRecord))
    engine.dispose()
    return int(plans or 0), int(pins or 0)


@dataclass(frozen=True)
class Mover:
    """A coordinator logged in on a demo copy, and one band of its plan 1."""

    client: FlaskClient
    csrf: str
    building: str
    team: str


@pytest.fixture
def mover(demo_copy: Path) -> Mover:
    client = make_app(demo_copy).test_client()
    csrf = login(client, DEMO_USER, DEMO_PASSWORD)
    engine = open_engine(demo_copy)
    with session_factory(engine)() as session:
        record = session.get(TerritoryPlanRecord, 1)
        assert record is not None
        row = load_assignment(session, record).iloc[0]
    engine.dispose()
    return Mover(client, csrf, str(row["building_id"]), str(row["team_id"]))


@pytest.mark.parametrize("to_team", [*PAYLOADS, "T999", "t001", " T002"])
def test_api_refuses_a_move_to_a_team_not_in_the_roster(
    demo_copy: Path, mover: Mover, to_team: str
) -> None:
    before = _counts(demo_copy)
    response = mover.client.post(
        "/api/v1/communities/1/plans/1/moves",
        json={"building_id": mover.building, "from_team": mover.team, "to_team": to_team},
        headers={"X-CSRFToken": mover.csrf},
    )
    assert response.status_code == 400
    assert response.get_json()["error"] == (f"to_team {to_team!r} is not a team of the roster")
    assert _counts(demo_copy) == before


def test_api_moves_to_a_roster_team(demo_copy: Path, mover: Mover) -> None:
    target = "T002" if mover.team != "T002" else "T003"
    response = mover.client.post(
        "/api/v1/communities/1/plans/1/moves",
        json={"building_id": mover.building, "from_team": mover.team, "to_team": target},
        headers={"X-CSRFToken": mover.csrf},
    )
    assert response.status_code == 201
    plans, pins = _counts(demo_copy)
    assert (plans, pins) == (2, 1)


def test_plan_page_refuses_a_move_to_a_team_not_in_the_roster(
    demo_copy: Path, mover: Mover
) -> None:
    before = _counts(demo_copy)
    response = mover.client.post(
        "/communities/1/plans/1/move",
        data={"building_id": mover.building, "from_team": mover.team, "to_team": PAYLOADS[0]},
        headers={"X-CSRFToken": mover.csrf},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "is not a team of the roster" in html
    assert PAYLOADS[0] not in html  # the flash shows it escaped
    assert _counts(demo_copy) == before


def test_a_hostile_band_of_legacy_data_moves_to_a_roster_team(
    hostile_db: Hostile, tmp_path: Path
) -> None:
    # legacy ids in the plan do not block the coordinator: the band leaves the hostile
    # team for a roster team, and back
    db = hostile_copy(hostile_db, tmp_path)
    client = make_app(db).test_client()
    csrf = login(client, DEMO_USER, DEMO_PASSWORD)
    move = {"building_id": hostile_db.buildings[0], "from_team": hostile_db.team}
    response = client.post(
        "/api/v1/communities/1/plans/1/moves",
        json={**move, "to_team": hostile_db.teams[1]},
        headers={"X-CSRFToken": csrf},
    )
    assert response.status_code == 201, response.get_json()
    # a member may join a roster team whatever its legacy id
    joined = client.post(
        "/communities/1/volunteers/1/team",
        data={"team_id": hostile_db.teams[2], "csrf_token": csrf},
    )
    assert joined.status_code == 302
    assert _team_of(db, 1) == hostile_db.teams[2]


def _team_of(db: Path, member_id: int) -> str:
    engine = open_engine(db)
    with session_factory(engine)() as session:
        member = session.get(Volunteer, member_id)
        assert member is not None
        team = member.team_id
    engine.dispose()
    return team


@pytest.mark.parametrize("team_id", [*PAYLOADS, "x" * 65, "-lead"])
def test_teams_page_refuses_a_new_team_id_that_is_not_plain_text(
    demo_copy: Path, team_id: str
) -> None:
    client = make_app(demo_copy).test_client()
    csrf = login(client, DEMO_USER, DEMO_PASSWORD)
    before = _team_of(demo_copy, 1)
    response = client.post(
        "/communities/1/volunteers/1/team",
        data={"team_id": team_id, "csrf_token": csrf},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert 'class="flash error"' in response.get_data(as_text=True)
    assert _team_of(demo_copy, 1) == before


@pytest.mark.parametrize("team_id", ["T002", "新队 1", "Team-7b", "三组（东）"])
def test_teams_page_moves_a_member_to_a_roster_or_plain_new_team(
    demo_copy: Path, team_id: str
) -> None:
    client = make_app(demo_copy).test_client()
    csrf = login(client, DEMO_USER, DEMO_PASSWORD)
    response = client.post(
        "/communities/1/volunteers/1/team", data={"team_id": team_id, "csrf_token": csrf}
    )
    assert response.status_code == 302
    assert _team_of(demo_copy, 1) == team_id
