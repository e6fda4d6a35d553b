"""Fixtures of the web tests: a demo database built once per session through the CLI."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from web import create_app
from web.cli import main
from web.store import database_url


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database (Helsinki map, ~300 volunteers), built once with `redvest demo`."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    assert main(["demo", "--db", str(path)]) == 0
    return path


@pytest.fixture
def demo_copy(demo_db: Path, tmp_path: Path) -> Path:
    """A private copy of the demo database that a test may change."""
    target = tmp_path / "demo.db"
    shutil.copy(demo_db, target)
    return target


@pytest.fixture
def app(demo_db: Path, tmp_path: Path) -> Flask:
    """The app serving the demo database."""
    return create_app({"DATABASE_URL": database_url(demo_db), "TESTING": True})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the demo app."""
    return app.test_client()
