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

from routing.checks import positive, whole
from web.ids import parse_id
from web.storage.models import VisitRecord

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
    """How a stream paces itself: database poll, heartbeat, lifetime, and how many live
    streams hold a server thread, per community (``max_streams``) and in all."""

    poll_s: float = 1.0
    heartbeat_s: float = 15.0
    lifetime_s: float = 55.0
    retry_ms: int = 1000
    busy_retry_ms: int = 5000
    max_streams: int = 2
    max_total: int = 4

    def __post_init__(self) -> None:
        for name in ("poll_s", "heartbeat_s", "lifetime_s"):
            positive(name, getattr(self, name))
        for name in ("retry_ms", "busy_retry_ms", "max_streams", "max_total"):
            whole(name, getattr(self, name))

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
            max_total=int(config.get("FIELD_STREAM_MAX_TOTAL", base.max_total)),
        )


class Slots:
    """How many streams hold a server thread now, in all and per community; refuses one
    beyond either limit, so one community's pages cannot take every slot."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.taken = 0
        self.by_community: dict[int, int] = {}

    def take(self, community_id: int, per_community: int, total: int) -> bool:
        """Take a slot for a stream of ``community_id``; False when a limit is reached."""
        with self._lock:
            mine = self.by_community.get(community_id, 0)
            if self.taken >= total or mine >= per_community:
                return False
            self.taken += 1
            self.by_community[community_id] = mine + 1
            return True

    def give_back(self, community_id: int) -> None:
        """Return the slot a stream of ``community_id`` took."""
        with self._lock:
            self.taken -= 1
            left = self.by_community.get(community_id, 1) - 1
            if left > 0:
                self.by_community[community_id] = left
            else:
                self.by_community.pop(community_id, None)


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
    """Where a stream starts: the ``Last-Event-ID`` header, else ``?after=``, else None.

    A header that is not a record id is ignored (the browser sends back what it was
    given); an ``after`` that is not one (negative, too big, not a number) raises
    ValueError naming it.
    """
    try:
        from_header = parse_id(last_event_id, "Last-Event-ID")
    except ValueError:
        from_header = None
    return from_header if from_header is not None else parse_id(after, "after")


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
    while the stream waits. When ``options.max_streams`` streams of the community (or
    ``options.max_total`` in all) already hold a thread, this one sends what was missed
    and ends, and the client retries later.

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
    if not slots.take(community_id, options.max_streams, options.max_total):
        yield f"retry: {options.busy_retry_ms}\n\n"
        with sessions() as session:
            chunks = [_event(r, render) for r in newer(session, community_id, after)]
        yield from chunks
        return
    try:
        yield f"retry: {options.retry_ms}\n\n"
        yield from _live(sessions, community_id, after, render, options)
    finally:
        slots.give_back(community_id)


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
