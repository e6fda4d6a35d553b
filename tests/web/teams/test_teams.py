"""Teams of three: close homes, spread skills, balanced sizes; the page forms and edits."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.web.conftest import login, make_app
from web.demo import DEMO_PASSWORD, DEMO_USER
from web.storage import frames
from web.storage.engine import open_engine, session_factory
from web.teams.forming import _homes_xy, _spread, form_teams, team_sizes


@pytest.fixture(scope="module")
def demo_frames(demo_db: Path) -> tuple[pd.DataFrame, object]:
    engine = open_engine(demo_db)
    with session_factory(engine)() as session:
        community = frames.find_community(session, None)
        assert community is not None
        return frames.load_volunteers(session, community), frames.load_buildings(session, community)


def test_team_sizes_are_balanced() -> None:
    assert team_sizes(9) == [3, 3, 3]
    assert team_sizes(10) == [4, 3, 3]
    assert team_sizes(11) == [3, 3, 3, 2]
    assert team_sizes(2) == [2]
    assert team_sizes(0) == []


def test_formed_teams_live_closer_together_than_the_roster(
    demo_frames: tuple[pd.DataFrame, object],
) -> None:
    volunteers, buildings = demo_frames
    labels = form_teams(volunteers, buildings)
    sizes = labels.value_counts()
    assert len(sizes) == 100 and set(sizes) == {3}
    xy = _homes_xy(volunteers, buildings)

    def mean_spread(teams: pd.Series) -> float:
        groups = pd.Series(np.arange(len(teams))).groupby(teams.to_numpy())
        return float(np.mean([_spread(xy, list(g)) for _k, g in groups]))

    shuffled = pd.Series(np.random.default_rng(0).permutation(labels.to_numpy()))
    assert mean_spread(labels) < 0.5 * mean_spread(shuffled)
    skills = volunteers["skills"].str.split(";")
    per_team = [len({s for cell in skills[labels == t] for s in cell if s}) for t in sizes.index]
    assert np.mean(per_team) >= 2.0


def test_page_forms_teams_and_moves_a_member(demo_copy: Path) -> None:
    client = make_app(demo_copy).test_client()
    token = login(client, DEMO_USER, DEMO_PASSWORD)
    page = client.get("/communities/1/teams").get_data(as_text=True)
    assert page.count('class="team-row"') == 100
    response = client.post("/communities/1/teams/form", data={"csrf_token": token})
    assert response.status_code == 302
    html = client.get("/communities/1/teams").get_data(as_text=True)
    assert html.count('class="team-row"') == 100
    engine = open_engine(demo_copy)
    with session_factory(engine)() as session:
        community = frames.find_community(session, None)
        assert community is not None
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
