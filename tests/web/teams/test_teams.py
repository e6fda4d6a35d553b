"""The teams page forms teams (routing.teams, tested in tests/routing) and moves a member."""

from __future__ import annotations

from pathlib import Path

from tests.web.conftest import login, make_app
from tests.web.support import community_session
from web.demo import DEMO_PASSWORD, DEMO_USER
from web.storage import frames


def test_page_forms_teams_and_moves_a_member(demo_copy: Path) -> None:
    client = make_app(demo_copy).test_client()
    token = login(client, DEMO_USER, DEMO_PASSWORD)
    page = client.get("/communities/1/teams").get_data(as_text=True)
    assert page.count('class="team-row"') == 100
    response = client.post("/communities/1/teams/form", data={"csrf_token": token})
    assert response.status_code == 302
    html = client.get("/communities/1/teams").get_data(as_text=True)
    assert html.count('class="team-row"') == 100
    with community_session(demo_copy) as (session, community):
        volunteers = frames.load_volunteers(session, community)
        assert set(volunteers["team_id"].value_counts()) == {3}
        member = session.scalars(frames.select(frames.Volunteer).limit(1)).one()
        member_id = member.id
    moved = client.post(
        f"/communities/1/volunteers/{member_id}/team",
        data={"csrf_token": token, "team_id": "T999"},
    )
    assert moved.status_code == 302
    html = client.get("/communities/1/teams").get_data(as_text=True)
    assert html.count('class="team-row"') == 101
