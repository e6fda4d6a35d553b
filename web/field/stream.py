"""Visit records pushed to coordinators as Server-Sent Events, woken in-process or by a poll."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from web.models import VisitRecord

# A client further behind gets only the newest records: the page shows no more than this.
CATCH_UP = 200


class _Bell:
    """Counts, per community, the records saved in this process; streams wait on it."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._rings: dict[int, int] = {}

    def ring(self, community_id: int) -> None:
        with self._condition:
            self._rings[community_id] = self._rings.get(community_id, 0) + 1
            self._condition.notify_all()

    def count(self, community_id: int) -> int:
        with self._condition:
            return self._rings.get(community_id, 0)

    def wait(self, community_id: int, seen: int, timeout: float) -> int:
        """Block until the count differs from ``seen`` or ``timeout`` passes; the count."""
        with self._condition:
            self._condition.wait_for(lambda: self._rings.get(community_id, 0) != seen, timeout)
            return self._rings.get(community_id, 0)


# One per process, like the threads it wakes: gunicorn workers each have their own and
# learn of each other's records through the poll.
_BELL = _Bell()


def notify(community_id: int) -> None:
    """Wake this process's streams of ``community_id`` (call after a record is committed).

    Parameters
    ----------
    community_id
        The community whose new record was stored.
    """
    _BELL.ring(community_id)


@dataclass(frozen=True)
class StreamOptions:
    """How a stream paces itself: database poll, heartbeat, lifetime, concurrent streams."""

    poll_s: float = 1.0
    heartbeat_s: float = 15.0
    lifetime_s: float = 55.0
    retry_ms: int = 1000
    busy_retry_ms: int = 5000
    max_streams: int = 4

    def __post_init__(self) -> None:
        for name in ("poll_s", "heartbeat_s", "lifetime_s"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name}: a positive number of seconds, got {getattr(self, name)}")
        if self.retry_ms < 0 or self.busy_retry_ms < 0 or self.max_streams < 0:
            raise ValueError("retry_ms, busy_retry_ms and max_streams: not negative")

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> StreamOptions:
        """Options from an app's ``FIELD_STREAM_*`` settings (defaults where unset)."""
        base = cls()
        return cls(
            poll_s=float(config.get("FIELD_STREAM_POLL_S", base.poll_s)),
            heartbeat_s=float(config.get("FIELD_STREAM_HEARTBEAT_S", base.heartbeat_s)),
            lifetime_s=float(config.get("FIELD_STREAM_LIFETIME_S", base.lifetime_s)),
            retry_ms=int(config.get("FIELD_STREAM_RETRY_MS", base.retry_ms)),
            busy_retry_ms=int(config.get("FIELD_STREAM_BUSY_RETRY_MS", base.busy_retry_ms)),
            max_streams=int(config.get("FIELD_STREAM_MAX", base.max_streams)),
        )


class Slots:
    """How many streams hold a server thread now; refuses more than the limit."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.taken = 0

    def take(self, limit: int) -> bool:
        with self._lock:
            if self.taken >= limit:
                return False
            self.taken += 1
            return True

    def give_back(self) -> None:
        with self._lock:
            self.taken -= 1


def newest_id(session: Session, community_id: int) -> int:
    """The id of the community's newest record (0 when there is none)."""
    query = select(func.max(VisitRecord.id)).where(VisitRecord.community_id == community_id)
    return session.scalar(query) or 0


def newer(
    session: Session, community_id: int, after: int, limit: int = CATCH_UP
) -> list[VisitRecord]:
    """The community's records with an id above ``after``, oldest first (the newest
    ``limit`` of them when there are more)."""
    query = (
        select(VisitRecord)
        .where(VisitRecord.community_id == community_id, VisitRecord.id > after)
        .order_by(VisitRecord.id.desc())
        .limit(limit)
    )
    return list(reversed(session.scalars(query).all()))


def resume_point(last_event_id: str | None, after: str | None) -> int | None:
    """Where a stream starts: the ``Last-Event-ID`` header, else ``?after=``, else None."""
    for value in (last_event_id, after):
        if value is not None and value.strip().isdigit():
            return int(value.strip())
    return None


def events(
    sessions: sessionmaker[Session],
    community_id: int,
    after: int,
    render: Callable[[VisitRecord], dict[str, Any]],
    options: StreamOptions,
    slots: Slots,
) -> Iterator[str]:
    """The event stream of a community's records after id ``after``.

    Each check opens and closes its own session, so no connection or transaction is held
    while the stream waits. When ``options.max_streams`` streams already hold a thread,
    this one sends what was missed and ends, and the client retries later.

    Parameters
    ----------
    sessions
        The app's session factory (the request's session is closed by then).
    community_id
        The community whose records are sent.
    after
        Records with a greater id are sent.
    render
        A record as the viewer may see it (a JSON object).
    options
        Pacing of the stream.
    slots
        The app's count of live streams.

    Yields
    ------
    str
        ``text/event-stream`` chunks: ``retry:``, ``visit`` events with ``id:``, heartbeats.
    """
    if not slots.take(options.max_streams):
        yield f"retry: {options.busy_retry_ms}\n\n"
        with sessions() as session:
            chunks = [_event(r, render) for r in newer(session, community_id, after)]
        yield from chunks
        return
    try:
        yield f"retry: {options.retry_ms}\n\n"
        yield from _live(sessions, community_id, after, render, options)
    finally:
        slots.give_back()


def _live(
    sessions: sessionmaker[Session],
    community_id: int,
    after: int,
    render: Callable[[VisitRecord], dict[str, Any]],
    options: StreamOptions,
) -> Iterator[str]:
    start = time.monotonic()
    deadline, beat = start + options.lifetime_s, start + options.heartbeat_s
    rung = _BELL.count(community_id)  # read before the check, so no ring falls between
    while True:
        with sessions() as session:
            found = newer(session, community_id, after)
            chunks = [_event(r, render) for r in found]
        if found:
            after = found[-1].id
        yield from chunks
        now = time.monotonic()
        if now >= deadline:
            return
        if now >= beat:
            yield ": keep-alive\n\n"
            beat = now + options.heartbeat_s
        rung = _BELL.wait(community_id, rung, min(options.poll_s, deadline - now, beat - now))


def _event(record: VisitRecord, render: Callable[[VisitRecord], dict[str, Any]]) -> str:
    # json.dumps escapes line breaks, so the data is one line
    data = json.dumps(render(record), ensure_ascii=False, separators=(",", ":"))
    return f"id: {record.id}\nevent: visit\ndata: {data}\n\n"
