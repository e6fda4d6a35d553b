"""Field operations: team links and privacy switches, straight on a session (no Flask)."""

from __future__ import annotations

from pathlib import Path

import pytest

from routing.errors import NotFoundError
from web.field.operations import (
    LinkRequest,
    Privacy,
    make_link,
    revoke_link,
    set_privacy,
    settings_of,
)
from web.field.tokens import is_live, resolve
from web.storage import frames
from web.storage.engine import open_engine, session_factory


def test_links_are_made_for_known_teams_and_revoked_in_their_community(
    demo_copy: Path,
) -> None:
    engine = open_engine(demo_copy)
    with session_factory(engine)() as session:
        demo = frames.find_community(session, None)
        assert demo is not None
        other = frames.get_or_create_community(session, "社区B")
        token, link = make_link(session, demo, LinkRequest.parse({"team_id": " T003 "}))
        assert resolve(session, token) == link and link.team_id == "T003"
        with pytest.raises(ValueError, match="unknown team"):
            make_link(session, demo, LinkRequest("T999"))
        with pytest.raises(ValueError, match=r"between 1 hour and a year, got 400\.0 days"):
            make_link(session, demo, LinkRequest.parse({"team_id": "T003", "days": "400"}))
        with pytest.raises(ValueError, match="days must be a number, got 'soon'"):
            LinkRequest.parse({"team_id": "T003", "days": "soon"})
        with pytest.raises(NotFoundError):  # another community's coordinator cannot reach it
            revoke_link(session, other, link.id)
        assert is_live(link)
        revoke_link(session, demo, link.id)
        assert not is_live(link) and resolve(session, token) is None
    engine.dispose()


def test_privacy_switches_are_stored(demo_copy: Path) -> None:
    engine = open_engine(demo_copy)
    with session_factory(engine)() as session:
        demo = frames.find_community(session, None)
        assert demo is not None
        set_privacy(session, demo, Privacy.parse({"show_phone": "1", "show_requests": "on"}))
    with session_factory(engine)() as session:
        demo = frames.find_community(session, None)
        assert demo is not None
        settings = settings_of(session, demo)
        assert (settings.show_phone, settings.show_requests) == (True, False)
    engine.dispose()
