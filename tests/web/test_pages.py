"""The community pages list what the demo database holds; personal fields only for editors."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pandas as pd
from flask import Flask
from flask.testing import FlaskClient

from tests.web.conftest import login, make_app
from tests.web.support import community_session
from web.storage import frames


def _demo(demo_db: Path) -> tuple[int, dict[str, int], pd.DataFrame, pd.DataFrame]:
    with community_session(demo_db) as (session, community):
        return (
            community.id,
            frames.counts(session, community),
            frames.load_volunteers(session, community),
            frames.load_households(session, community),
        )


def test_index_redirects_a_coordinator_to_the_community(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert re.search(r"/communities/\d+$", response.headers["Location"])


def test_pages_need_a_log_in(app: Flask) -> None:
    anonymous = app.test_client()
    for url in ("/", "/communities/1", "/communities/1/teams", "/communities/1/plans"):
        response = anonymous.get(url)
        assert response.status_code == 302, url
        assert "/login" in response.headers["Location"]
    assert anonymous.get("/api/v1/communities").status_code == 401


def _walk(client: FlaskClient, url: str, name: str) -> list[str]:
    """Every page of one list, following its "next" links from ``url``."""
    pages = []
    while url:
        html = client.get(url).get_data(as_text=True)
        pages.append(html)
        found = re.search(rf'<a href="([^"]+)" id="{name}-next"', html)
        url = unescape(found.group(1)) if found else ""
    return pages


def test_community_page_lists_buildings_and_teams(client: FlaskClient, demo_db: Path) -> None:
    community_id, counts, volunteers, _households = _demo(demo_db)
    page = client.get(f"/communities/{community_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f"<b>{counts['households']}</b>" in html
    # every team and every building is on one of the pages, once
    teams = _walk(client, f"/communities/{community_id}", "teams")
    assert sum(p.count("<tr><td>T") for p in teams) == counts["teams"]
    link = f'href="/communities/{community_id}/buildings/'
    buildings = _walk(client, f"/communities/{community_id}", "buildings")
    assert sum(p.count(link) for p in buildings) == counts["buildings"]
    for shown in [html, *teams, *buildings]:
        for phone in volunteers["phone"].head(20):
            assert phone not in shown
        for name in volunteers["name"].head(20):
            assert name not in shown


def test_building_page_breaks_down_floors_and_shows_contacts_to_coordinators(
    client: FlaskClient, demo_db: Path, accounts_db: Path
) -> None:
    community_id, _counts, _volunteers, households = _demo(demo_db)
    building_id = households["building_id"].value_counts().index[0]
    mine = households[households["building_id"] == building_id]
    url = f"/communities/{community_id}/buildings/{building_id}"
    html = client.get(url).get_data(as_text=True)
    for unit in mine["unit"].head(10):
        assert unit in html
    assert html.count("<tr><td><a") == 0
    assert str(mine["phone"].iloc[0]) in html  # the coordinator sees contacts
    viewer = make_app(accounts_db).test_client()
    login(viewer, "viewer")
    seen = viewer.get(url).get_data(as_text=True)
    assert seen.count("<tr><td>") == mine["floor"].nunique()
    for phone in mine["phone"]:
        assert phone not in seen


def test_unknown_community_and_building(client: FlaskClient, demo_db: Path) -> None:
    community_id = _demo(demo_db)[0]
    assert client.get("/communities/999").status_code == 403  # no role there: no probing
    assert client.get(f"/communities/{community_id}/buildings/nope").status_code == 404
