"""Account operations: a user with a role, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from tests.web.conftest import PASSWORD
from web.auth.operations import AccountRequest, create_account
from web.auth.users import authenticate, role_in
from web.storage import frames
from web.storage.engine import open_engine, session_factory
from web.storage.models import User


def test_an_account_gets_its_role_in_a_new_community(empty_db: Path) -> None:
    engine = open_engine(empty_db)
    request = AccountRequest("lin", PASSWORD, community="西门社区", role="viewer")
    assert request.describe() == "viewer of 西门社区"
    with session_factory(engine)() as session:
        user = create_account(session, request)
    with session_factory(engine)() as session:
        found = authenticate(session, "lin", PASSWORD)
        community = frames.find_community(session, "西门社区")
        assert found is not None and found.id == user.id and community is not None
        assert role_in(session, found, community.id) == "viewer"
    engine.dispose()


def test_a_refused_account_stores_nothing(empty_db: Path) -> None:
    engine = open_engine(empty_db)
    with session_factory(engine)() as session:
        with pytest.raises(ValueError):
            create_account(session, AccountRequest("wang", "short", community="北门社区"))
        assert session.scalar(select(User).where(User.username == "wang")) is None
        assert frames.find_community(session, "北门社区") is None
    with pytest.raises(ValueError, match="role must be one of coordinator, viewer, got 'boss'"):
        AccountRequest("wang", PASSWORD, role="boss")
    engine.dispose()
