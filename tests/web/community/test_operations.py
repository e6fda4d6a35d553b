"""Community operations: adding a community, straight on a session."""

from __future__ import annotations

from pathlib import Path

import pytest

from web.community.operations import CommunityRequest, create_community
from web.storage import frames
from web.storage.engine import open_engine, session_factory


def test_a_community_is_added_once_under_its_trimmed_name(empty_db: Path) -> None:
    engine = open_engine(empty_db)
    with session_factory(engine)() as session:
        made = create_community(session, CommunityRequest("  东门社区 "))
        again = create_community(session, CommunityRequest("东门社区"))
        assert made.id == again.id and made.name == "东门社区"
        assert frames.find_community(session, "东门社区") is not None
    engine.dispose()


@pytest.mark.parametrize(("name", "length"), [("", 0), ("   ", 0), ("社" * 201, 201)])
def test_blank_or_overlong_names_are_refused(name: str, length: int) -> None:
    with pytest.raises(ValueError, match=f"a name of 1 to 200 characters, got {length}$"):
        CommunityRequest(name)
