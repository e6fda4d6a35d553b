"""Community-scoped blueprints: every URL under a community checks log-in and role itself."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
from flask import Flask, url_for

from tests.web.conftest import login, make_app


@pytest.fixture
def accounts_app(accounts_db: Path) -> tuple[Flask, int]:
    """The app over the accounts database and the demo community's id (the first made)."""
    return make_app(accounts_db), 1


def community_urls(app: Flask, community_id: int) -> list[tuple[str, str]]:
    """(method, url) of every rule with ``community_id`` in its path, other arguments 1 or
    ``x``: each page a blueprint adds is checked without being listed here."""
    found = []
    for rule in app.url_map.iter_rules():
        if "community_id" not in rule.arguments:
            continue
        path = rule.rule
        for name in rule.arguments:
            value = community_id if name == "community_id" else 1
            converter = rule._converters.get(name)
            text = str(value) if type(converter).__name__ == "IdConverter" else "x"
            path = re.sub(rf"<(?:[^:<>]+:)?{name}>", text, path)
        found += [(m, path) for m in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})]
    return sorted(found)


def test_every_community_url_is_scoped(accounts_app: tuple[Flask, int]) -> None:
    app, a = accounts_app
    urls = community_urls(app, a)
    assert len(urls) >= 35  # pages and API of every community blueprint
    for rule in app.url_map.iter_rules():
        if "community_id" in rule.arguments:
            # the blueprint took the id: no view repeats it
            view = app.view_functions[rule.endpoint]
            assert "community_id" not in inspect.signature(view).parameters, rule.endpoint


def test_anonymous_users_are_sent_to_log_in(accounts_app: tuple[Flask, int]) -> None:
    app, a = accounts_app
    client = app.test_client()
    for method, url in community_urls(app, a):
        if method != "GET":
            continue  # (a POST without session has no CSRF token: 400 before any of this)
        response = client.open(url, method=method)
        if url.startswith("/api/"):
            assert response.status_code == 401, url
            assert response.get_json() == {"error": "log in first"}
        else:
            assert response.status_code == 302, url
            assert response.headers["Location"].startswith("/login?next="), url


def test_no_role_is_403_on_every_url_of_the_community(accounts_app: tuple[Flask, int]) -> None:
    app, a = accounts_app
    client = app.test_client()
    token = login(client, "coord_b")  # a coordinator, but of community B only
    for method, url in community_urls(app, a):
        response = client.open(
            url, method=method, data={"csrf_token": token}, headers={"X-CSRFToken": token}
        )
        assert response.status_code == 403, (method, url, response.status_code)


def test_a_viewer_reads_but_every_change_is_403(accounts_app: tuple[Flask, int]) -> None:
    app, a = accounts_app
    client = app.test_client()
    token = login(client, "viewer")
    posts = [url for method, url in community_urls(app, a) if method == "POST"]
    assert len(posts) >= 15
    for url in posts:
        response = client.post(url, data={"csrf_token": token}, headers={"X-CSRFToken": token})
        assert response.status_code == 403, url
    for url in (f"/communities/{a}", f"/communities/{a}/teams", f"/api/v1/communities/{a}"):
        assert client.get(url).status_code == 200, url
    # the import page shows register cells: editors only, even to read
    assert client.get(f"/communities/{a}/import").status_code == 403


def test_a_missing_community_is_404_to_an_admin(accounts_app: tuple[Flask, int]) -> None:
    app, _a = accounts_app
    client = app.test_client()
    login(client, "admin")
    assert client.get("/communities/9999/teams").status_code == 404
    assert client.get("/api/v1/communities/9999/plans").status_code == 404


def test_links_within_a_community_keep_its_id(accounts_app: tuple[Flask, int]) -> None:
    app, a = accounts_app
    client = app.test_client()
    login(client, "admin")
    with client:
        assert client.get(f"/communities/{a}/teams").status_code == 200
        assert url_for("teams.show") == f"/communities/{a}/teams"
        assert url_for("territory.show", plan_id=7) == f"/communities/{a}/plans/7"
        assert url_for("community.show", community_id=a + 1) == f"/communities/{a + 1}"
