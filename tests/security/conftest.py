"""Fixtures of the security tests: the web tests' demo database and logged-in clients."""

from __future__ import annotations

from tests.web.conftest import accounts_db, demo_copy, demo_db, empty_db  # noqa: F401
