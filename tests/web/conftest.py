"""Fixtures of the web tests: a demo database built once per session, logged-in clients."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from web import create_app
from web.auth.users import create_user, grant
from web.cli import DEMO_COMMUNITY, main
from web.demo import DEMO_PASSWORD, DEMO_USER
from web.storage import frames
from web.storage.engine import database_url, open_engine, session_factory

PASSWORD = "correct-horse-1"
CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


def copy_db(source: Path, target: Path) -> Path:
    """Copy a SQLite database with its write-ahead log folded in (a file copy may miss it)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database (Helsinki map, ~300 volunteers, a published plan, the demo
    coordinator), built once with `redvest demo`; tests must not change it."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    assert main(["demo", "--db", str(path), "--time-limit", "1"]) == 0
    return path


@pytest.fixture(scope="session")
def accounts_db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database plus a second community B and one account per role."""
    path = copy_db(demo_db, tmp_path_factory.mktemp("accounts") / "accounts.db")
    engine = open_engine(path)
    with session_factory(engine)() as session:
        demo = frames.find_community(session, DEMO_COMMUNITY)
        assert demo is not None
        other = frames.get_or_create_community(session, "社区B")
        create_user(session, "admin", PASSWORD, admin=True)
        grant(session, create_user(session, "viewer", PASSWORD), demo, "viewer")
        grant(session, create_user(session, "coord_b", PASSWORD), other, "coordinator")
        session.commit()
    engine.dispose()
    return path


@pytest.fixture
def demo_copy(demo_db: Path, tmp_path: Path) -> Path:
    """A private copy of the demo database that a test may change."""
    return copy_db(demo_db, tmp_path / "demo.db")


def make_app(db: Path) -> Flask:
    """The app over ``db`` as tests run it: no tile server, one-second solves."""
    return create_app(
        {
            "DATABASE_URL": database_url(db),
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "MAP_TILES": "none",
            "PLAN_TIME_LIMIT_S": 1.0,
            "EXPORTS_DIR": str(db.parent / "exports"),
            # team routes by the sweep unless a test asks for the visit planner
            "FIELD_ROUTE_SOLVER": "sweep",
        }
    )


@pytest.fixture
def app(demo_db: Path) -> Iterator[Flask]:
    """The app serving the (read-only) demo database."""
    yield make_app(demo_db)


@pytest.fixture
def app_rw(demo_copy: Path) -> Iterator[Flask]:
    """The app serving a private copy of the demo database."""
    yield make_app(demo_copy)


def csrf_token(client: FlaskClient, url: str = "/login") -> str:
    """The CSRF token of the client's session, read from a page's meta tag."""
    match = CSRF.search(client.get(url, follow_redirects=True).get_data(as_text=True))
    assert match, url
    return match.group(1)


def login(client: FlaskClient, username: str, password: str = PASSWORD) -> str:
    """Log ``client`` in; returns its CSRF token for later POSTs."""
    token = csrf_token(client)
    response = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return csrf_token(client, "/")


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the demo app, logged in as the demo coordinator."""
    test_client = app.test_client()
    login(test_client, DEMO_USER, DEMO_PASSWORD)
    return test_client


@pytest.fixture
def empty_db(tmp_path: Path) -> Path:
    """A new database: one empty community and its coordinator ``coord``."""
    path = tmp_path / "empty.db"
    engine = open_engine(path)
    with session_factory(engine)() as session:
        community = frames.get_or_create_community(session, "新社区")
        grant(session, create_user(session, "coord", PASSWORD), community, "coordinator")
        session.commit()
    engine.dispose()
    return path


LINK_URL = re.compile(r'id="new-link-url" readonly value="[^"]*?(/t/[^"]+)"')


@pytest.fixture
def field_app(demo_copy: Path) -> Iterator[Flask]:
    """The demo app over a private copy (plan 1 published, team routes by the sweep)."""
    yield make_app(demo_copy)


@pytest.fixture
def coord(field_app: Flask) -> tuple[FlaskClient, str]:
    """The demo coordinator's client and CSRF token on ``field_app``."""
    client = field_app.test_client()
    return client, login(client, DEMO_USER, DEMO_PASSWORD)


def make_link(coord: tuple[FlaskClient, str], team: str, days: str = "30") -> str:
    """A new team link's path ``/t/<token>``, as the coordinator page shows it once."""
    client, csrf = coord
    response = client.post(
        "/communities/1/field/links", data={"team_id": team, "days": days, "csrf_token": csrf}
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<svg" in html  # the QR code
    match = LINK_URL.search(html)
    assert match
    return match.group(1)
