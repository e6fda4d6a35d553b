"""The community page lists what the demo database holds, without personal fields."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from web import store


def test_index_redirects_to_the_community(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert re.search(r"/communities/\d+$", response.headers["Location"])


def test_community_page_lists_buildings_and_teams(client: FlaskClient, demo_db) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/", follow_redirects=True)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    engine = store.open_engine(demo_db)
    with store.session_factory(engine)() as session:
        community = store.find_community(session, None)
        assert community is not None
        counts = store.counts(session, community)
        volunteers = store.load_volunteers(session, community)
        households = store.load_households(session, community)
    assert community.name in html
    assert f"<b>{counts['households']}</b>" in html
    assert html.count("<tr><td>T") == counts["teams"]
    assert html.count('href="/communities/') >= counts["buildings"]
    # personal data stays off the page
    for phone in volunteers["phone"].head(20):
        assert phone not in html
    for name in volunteers["name"].head(20):
        assert name not in html
    for phone in households["phone"].head(20):
        assert phone not in html


def test_building_page_breaks_down_floors(client: FlaskClient, demo_db) -> None:  # type: ignore[no-untyped-def]
    engine = store.open_engine(demo_db)
    with store.session_factory(engine)() as session:
        community = store.find_community(session, None)
        assert community is not None
        households = store.load_households(session, community)
    building_id = households["building_id"].value_counts().index[0]
    mine = households[households["building_id"] == building_id]
    page = client.get(f"/communities/{community.id}/buildings/{building_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for unit in mine["unit"].head(10):
        assert unit in html
    assert html.count("<tr><td>") == mine["floor"].nunique()


def test_unknown_community_and_building_are_404(client: FlaskClient) -> None:
    assert client.get("/communities/999").status_code == 404
    community_url = client.get("/").headers["Location"]
    assert client.get(community_url + "/buildings/nope").status_code == 404
