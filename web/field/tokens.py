"""Team link tokens: made once, stored as SHA-256, revocable, expiring, rate limited."""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from web.storage.models import Community, TeamLink

# token_urlsafe(32) gives 43 characters; anything after /t/ is treated as a token.
# Patrol route pages' export keys (/r/<key>/<route>) are capabilities too.
_TOKEN_PATH = re.compile(r"/([tr])/[A-Za-z0-9_\-]{8,}")
REDACTED = "/t/<redacted>"
TOKEN_BYTES = 32


def token_hash(token: str) -> str:
    """The SHA-256 hex digest under which a token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def redact(text: str) -> str:
    """``text`` with every ``/t/<token>`` (and ``/r/<key>``) path redacted."""
    return _TOKEN_PATH.sub(r"/\1/<redacted>", text)


def create_link(
    session: Session, community: Community, team_id: str, days: float = 30.0
) -> tuple[str, TeamLink]:
    """Make a team link; the raw token is returned once and never stored.

    Parameters
    ----------
    session : Session
        Database session (committed here).
    community : Community
        The team's community.
    team_id : str
        The team.
    days : float
        Days until the link expires (0 < days ≤ 366).

    Returns
    -------
    (str, TeamLink)
        The token to show or print, and its stored row.
    """
    if not 0 < days <= 366:
        raise ValueError(f"a link lasts between 1 hour and a year, got {days} days")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = TeamLink(
        community_id=community.id,
        team_id=team_id,
        token_hash=token_hash(token),
        expires_at=datetime.now(UTC) + timedelta(days=days),
    )
    session.add(link)
    session.commit()
    return token, link


def _aware(moment: datetime) -> datetime:
    # SQLite hands timezone-aware columns back naive (in UTC).
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


_BY_HASH = select(TeamLink).where(TeamLink.token_hash == bindparam("hash"))


def resolve(session: Session, token: str) -> TeamLink | None:
    """The live link of ``token``, or None when unknown, revoked or expired."""
    link = session.scalar(_BY_HASH, {"hash": token_hash(token)})
    if link is None or link.revoked_at is not None:
        return None
    if _aware(link.expires_at) <= datetime.now(UTC):
        return None
    return link


def is_live(link: TeamLink) -> bool:
    """Whether the link is neither revoked nor expired."""
    return link.revoked_at is None and _aware(link.expires_at) > datetime.now(UTC)


def revoke(session: Session, link: TeamLink) -> None:
    """Revoke a link at once (committed)."""
    link.revoked_at = datetime.now(UTC)
    session.commit()


@dataclass
class RateLimiter:
    """A token bucket per key (token hash + client address), in process memory.

    Attributes
    ----------
    rate : float
        Requests per second refilled.
    burst : float
        Bucket size: requests allowed at once.
    """

    rate: float
    burst: float
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if self.rate <= 0 or self.burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")

    def allow(self, key: str) -> bool:
        """Take one request from ``key``'s bucket; False when it is empty."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if len(self._buckets) > 10_000:  # forget idle clients rather than grow
                self._buckets.clear()
            if tokens < 1:
                self._buckets[key] = (tokens, now)
                return False
            self._buckets[key] = (tokens - 1, now)
            return True


class RedactTokens(logging.Filter):
    """Rewrites ``/t/<token>`` in a log record to ``/t/<redacted>`` (access logs)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the formatted message; always keep the record."""
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if isinstance(record.args, dict):  # gunicorn's access atoms
            record.args = {
                k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()
            }
        return True


ACCESS_LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error", "web")


def install_log_redaction() -> None:
    """Put ``RedactTokens`` on the access loggers and their handlers (once)."""
    for name in ACCESS_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())
