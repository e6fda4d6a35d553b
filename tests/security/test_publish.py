"""Phones follow the plan published last: publishing an older plan again switches them back."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.web.conftest import make_link
from tests.web.field.test_field_publish_routes import _new_plan, _publish
from tests.web.field.test_field_security import stops
from web.db import sessions
from web.field.tasks import plans_to_keep
from web.plans import latest_plan
from web.storage.models import Community, PlanAssignment
from web.visits.operations import plan_teams


def _buildings(app: Flask, plan_id: int, team: str) -> set[str]:
    with sessions(app)() as session:
        rows = session.scalars(
            select(PlanAssignment.building_id).where(
                PlanAssignment.plan_id == plan_id, PlanAssignment.team_id == team
            )
        )
        return set(rows)


def _shown(phone: FlaskClient, path: str) -> set[str]:
    return {str(s["building_id"]) for s in stops(phone, path)}


def test_republishing_an_older_plan_moves_the_phones_back_to_it(
    field_app: Flask, coord: tuple[FlaskClient, str]
) -> None:
    path = make_link(coord, "T001")
    phone = field_app.test_client()
    first = _buildings(field_app, 1, "T001")
    assert _shown(phone, path) == first  # plan 1 is published in the demo

    newer = _new_plan(coord, 1, "T001", "T002")
    second = _buildings(field_app, newer, "T001")
    assert second != first
    _publish(coord, newer)
    assert _shown(phone, path) == second

    _publish(coord, 1)  # the older plan again: it is the teams' current plan now
    assert _shown(phone, path) == first
    with sessions(field_app)() as session:
        community = session.get(Community, 1)
        assert community is not None
        current = latest_plan(session, community, published=True)
        assert current is not None and current.id == 1
        # every "published plan" query agrees: the visit page's teams, the kept routes
        assert "T001" in plan_teams(session, community)
        assert set(plans_to_keep(session, community)) == {1, newer}
    # the newer plan's page points at plan 1 as the one published now
    page = coord[0].get(f"/communities/1/plans/{newer}").get_data(as_text=True)
    assert 'href="/communities/1/plans/1">#1</a>' in page
