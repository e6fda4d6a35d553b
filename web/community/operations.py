"""Operations on communities: add one. Flask-free."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from web.storage import frames
from web.storage.models import Community

MAX_NAME = 200


@dataclass(frozen=True)
class CommunityRequest:
    """A community's name: not blank, at most ``MAX_NAME`` characters (spaces trimmed)."""

    name: str

    def __post_init__(self) -> None:
        name = self.name.strip()
        if not name or len(name) > MAX_NAME:
            raise ValueError(
                f"a community needs a name of 1 to {MAX_NAME} characters, got {len(name)}"
            )
        object.__setattr__(self, "name", name)


def create_community(session: Session, request: CommunityRequest) -> Community:
    """The community of that name, added when new (committed)."""
    community = frames.get_or_create_community(session, request.name)
    session.commit()
    return community
