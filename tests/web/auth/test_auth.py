"""Accounts: log-in, CSRF on every form, and each role sees only its own communities."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.web.conftest import PASSWORD, csrf_token, login, make_app
from tests.web.support import community_session
from web.cli import DEMO_COMMUNITY, main
from web.storage import frames
from web.storage.engine import open_engine, session_factory


@pytest.fixture
def accounts(accounts_db: Path) -> tuple[FlaskClient, int, int]:
    """A fresh client of the accounts database, the demo community id and community B's."""
    engine = open_engine(accounts_db)
    with session_factory(engine)() as session:
        a = frames.find_community(session, DEMO_COMMUNITY)
        b = frames.find_community(session, "社区B")
        assert a is not None and b is not None
        ids = a.id, b.id
    engine.dispose()
    return make_app(accounts_db).test_client(), *ids


def test_wrong_password_is_refused(accounts: tuple[FlaskClient, int, int]) -> None:
    client, a, _b = accounts
    token = csrf_token(client)
    response = client.post(
        "/login", data={"username": "viewer", "password": "nope-nope", "csrf_token": token}
    )
    assert response.status_code == 401
    assert client.get(f"/communities/{a}").status_code == 302  # still logged out


def test_post_without_csrf_token_is_refused(accounts: tuple[FlaskClient, int, int]) -> None:
    client, a, _b = accounts
    refused = client.post("/login", data={"username": "admin", "password": PASSWORD})
    assert refused.status_code == 400
    token = login(client, "admin")
    for url in (
        f"/communities/{a}/plans/generate",
        f"/communities/{a}/teams/form",
        "/communities",
        "/logout",
    ):
        assert client.post(url, data={"name": "X"}).status_code == 400, url
    api = client.post(f"/api/v1/communities/{a}/plans", json={"time_limit_s": 1})
    assert api.status_code == 400
    assert "CSRF" in api.get_json()["error"]
    # the same request with the token goes through
    ok = client.post(
        f"/api/v1/communities/{a}/plans", json={"time_limit_s": 1}, headers={"X-CSRFToken": token}
    )
    assert ok.status_code == 202


def test_coordinator_of_b_cannot_read_a(accounts: tuple[FlaskClient, int, int]) -> None:
    client, a, b = accounts
    login(client, "coord_b")
    assert client.get(f"/communities/{b}").status_code == 200
    for url in (
        f"/communities/{a}",
        f"/communities/{a}/teams",
        f"/communities/{a}/plans",
        f"/communities/{a}/plans/1",
        f"/communities/{a}/plans/1/map",
        f"/communities/{a}/plans/1/territories.csv",
        f"/communities/{a}/import",
        f"/api/v1/communities/{a}",
        f"/api/v1/communities/{a}/plans",
        f"/api/v1/communities/{a}/plans/1",
        f"/api/v1/communities/{a}/plans/1/territories.geojson",
    ):
        assert client.get(url).status_code == 403, url
    listed = client.get("/api/v1/communities").get_json()
    assert [c["id"] for c in listed] == [b]


def test_viewer_reads_but_cannot_edit_or_see_people(
    accounts: tuple[FlaskClient, int, int], demo_db: Path
) -> None:
    client, a, _b = accounts
    token = login(client, "viewer")
    teams = client.get(f"/communities/{a}/teams")
    assert teams.status_code == 200
    html = teams.get_data(as_text=True)
    with community_session(demo_db, DEMO_COMMUNITY) as (session, community):
        volunteers = frames.load_volunteers(session, community)
    for name, phone in zip(volunteers["name"], volunteers["phone"], strict=True):
        assert name not in html and phone not in html
    assert "form-teams" not in html
    assert client.get(f"/communities/{a}/import").status_code == 403
    posted = client.post(f"/communities/{a}/teams/form", data={"csrf_token": token})
    assert posted.status_code == 403
    api = client.post(f"/api/v1/communities/{a}/plans", json={}, headers={"X-CSRFToken": token})
    assert api.status_code == 403


def test_admin_creates_a_community(accounts: tuple[FlaskClient, int, int]) -> None:
    client, _a, _b = accounts
    token = login(client, "admin")
    response = client.post("/communities", data={"name": "新社区", "csrf_token": token})
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert "新社区" in page.get_data(as_text=True)


def test_create_user_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "u.db"
    monkeypatch.setenv("REDVEST_PASSWORD", "long-enough-1")
    assert main(["create-user", "--db", str(db), "--username", "root", "--admin"]) == 0
    assert "admin" in capsys.readouterr().out
    assert main(["create-user", "--db", str(db), "--username", "root"]) == 1  # taken
    monkeypatch.setenv("REDVEST_PASSWORD", "short")
    assert main(["create-user", "--db", str(db), "--username", "other"]) == 1
    client = make_app(db).test_client()
    login(client, "root", "long-enough-1")
    assert client.get("/").status_code == 200  # an admin sees the community list
