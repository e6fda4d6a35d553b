"""Fixtures of the security tests: the demo databases and clients of tests/web/conftest.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web.conftest import (  # noqa: F401  (fixtures, registered by their import here)
    accounts_db,
    coord,
    copy_db,
    demo_copy,
    demo_db,
    field_app,
)


@pytest.fixture
def accounts_copy(accounts_db: Path, tmp_path: Path) -> Path:  # noqa: F811
    """A private copy of the accounts database (demo community 1, community B = 2, one
    account per role) that a test may change."""
    return copy_db(accounts_db, tmp_path / "accounts.db")
