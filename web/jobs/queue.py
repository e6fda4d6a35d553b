"""The job interface and its default: in-process worker threads, state kept in the database.

A job is a registered task function ``(session, community, params, progress) -> result``
run by id. A task that raises ``InputError`` fails its job with the problems kept as
records (file, row, field, message), so that its page and the API list them.
``run_job`` needs nothing but a session factory and the job id, so a Celery worker can
run the same jobs later; the database row is the only shared state.

Each community may have ``cap`` jobs queued or running (``JobLimitError`` beyond, a 429);
the worker threads take the next job round robin by community, so one community's many
jobs never hold back another's; jobs queued when the server stopped run after it starts.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from flask import Flask, current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from routing.errors import InputError
from routing.progress import Progress
from web.storage.models import Community, JobRecord

log = logging.getLogger(__name__)

Task = Callable[[Session, Community, dict[str, Any], Progress], dict[str, Any]]
TASKS: dict[str, Task] = {}
ACTIVE = ("queued", "running")
FINISHED = ("done", "failed", "cancelled")
# Progress is written at most this often: a solver may report hundreds of steps.
WRITE_EVERY_S = 0.25
# Jobs one community may have queued or running at once (JOB_CAP_PER_COMMUNITY).
DEFAULT_CAP = 6
INTERRUPTED = "interrupted: the server was restarted while this job ran; start it again"
_KEY = "redvest.jobs"


class JobCancelledError(Exception):
    """Raised inside a task when its job was cancelled."""


class JobLimitError(RuntimeError):
    """A community already has as many jobs queued or running as it may (answered 429)."""

    def __init__(self, community_id: int, cap: int) -> None:
        super().__init__(
            f"community {community_id} has {cap} jobs queued or running already:"
            " wait until one has finished (or cancel one), then try again"
        )
        self.community_id, self.cap = community_id, cap


def register(kind: str) -> Callable[[Task], Task]:
    """Register ``task`` as the function of jobs of ``kind``."""

    def decorate(task: Task) -> Task:
        TASKS[kind] = task
        return task

    return decorate


@dataclass(frozen=True)
class JobState:
    """What a page or the API shows of a job."""

    id: int
    community_id: int
    kind: str
    status: str
    progress: float
    message: str
    result: dict[str, Any]
    error: str
    created_at: datetime
    updated_at: datetime
    problems: tuple[dict[str, Any], ...] = ()
    omitted: int = 0

    @classmethod
    def of(cls, row: JobRecord) -> JobState:
        """The state of a stored job (a failed job's result column holds its problems)."""
        stored = json.loads(row.result or "{}")
        failed = row.status == "failed"
        return cls(
            row.id,
            row.community_id,
            row.kind,
            row.status,
            row.progress,
            row.message,
            {} if failed else stored,
            row.error,
            row.created_at,
            row.updated_at,
            tuple(stored.get("problems", ())) if failed else (),
            int(stored.get("omitted", 0)) if failed else 0,
        )

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    def to_json(self) -> dict[str, Any]:
        """The state as the API sends it."""
        return {
            "id": self.id,
            "community_id": self.community_id,
            "kind": self.kind,
            "status": self.status,
            "progress": round(self.progress, 3),
            "message": self.message,
            "result": self.result,
            "error": self.error,
            "problems": list(self.problems),
            "omitted": self.omitted,
            "finished": self.finished,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }


class JobQueue(Protocol):
    """The narrow interface every job backend implements."""

    def submit(self, community_id: int, kind: str, params: dict[str, Any]) -> int:
        """Queue a job and return its id at once."""
        ...

    def state(self, job_id: int) -> JobState | None:
        """Status, progress and (when done) result of a job."""
        ...

    def cancel(self, job_id: int) -> None:
        """Ask a job to stop; a queued job never starts."""
        ...


def _now() -> datetime:
    return datetime.now(UTC)


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _set(sessions: sessionmaker[Session], job_id: int, **values: Any) -> None:
    with sessions() as session:
        session.execute(
            update(JobRecord).where(JobRecord.id == job_id).values(updated_at=_now(), **values)
        )
        session.commit()


class _Reporter:
    """The task's progress callback: writes progress, and stops the task when cancelled."""

    def __init__(self, sessions: sessionmaker[Session], job_id: int) -> None:
        self.sessions, self.job_id, self.last = sessions, job_id, 0.0

    def __call__(self, fraction: float, message: str) -> None:
        now = time.monotonic()
        if now - self.last < WRITE_EVERY_S and fraction < 1.0:
            return
        self.last = now
        with self.sessions() as session:
            if session.scalar(
                select(JobRecord.cancel_requested).where(JobRecord.id == self.job_id)
            ):
                raise JobCancelledError
        _set(self.sessions, self.job_id, progress=float(fraction), message=message[:200])


def active_jobs(session: Session, community_id: int) -> int:
    """How many jobs of the community are queued or running."""
    query = select(func.count()).where(
        JobRecord.community_id == community_id, JobRecord.status.in_(ACTIVE)
    )
    return int(session.scalar(query) or 0)


def next_job(session: Session, after_community: int | None) -> tuple[int, int] | None:
    """(community, job id) to run next: the oldest queued job of the first community after
    ``after_community`` (by id, wrapping round) that has one; None when nothing waits."""
    rows = session.execute(
        select(JobRecord.community_id, func.min(JobRecord.id))
        .where(JobRecord.status == "queued")
        .group_by(JobRecord.community_id)
        .order_by(JobRecord.community_id)
    ).all()
    if not rows:
        return None
    later = [r for r in rows if after_community is None or r[0] > after_community]
    community, job_id = (later or rows)[0]
    return int(community), int(job_id)


def claim(sessions: sessionmaker[Session], job_id: int) -> bool:
    """Mark a queued job running by this process; False when it is not queued any more
    (another worker took it) or was cancelled (then it is marked so)."""
    with sessions() as session:
        taken = session.execute(
            update(JobRecord)
            .where(
                JobRecord.id == job_id,
                JobRecord.status == "queued",
                JobRecord.cancel_requested.is_(False),
            )
            .values(status="running", worker=_worker_name(), message="", updated_at=_now())
        )
        if taken.rowcount != 1:  # type: ignore[attr-defined]
            session.execute(
                update(JobRecord)
                .where(JobRecord.id == job_id, JobRecord.status == "queued")
                .values(status="cancelled", updated_at=_now())
            )
        session.commit()
        return bool(taken.rowcount == 1)  # type: ignore[attr-defined]


def run_job(sessions: sessionmaker[Session], job_id: int) -> None:
    """Run one queued job to its end, recording every state change in its row."""
    if claim(sessions, job_id):
        _execute(sessions, job_id)


def _execute(sessions: sessionmaker[Session], job_id: int) -> None:
    """Run a claimed job's task and record how it ended."""
    with sessions() as session:
        row = session.get(JobRecord, job_id)
        if row is None:
            return
        community = session.get(Community, row.community_id)
        task = TASKS.get(row.kind)
        try:
            if community is None or task is None:
                raise LookupError(f"job {job_id}: unknown community or kind {row.kind!r}")
            result = task(session, community, json.loads(row.params), _Reporter(sessions, job_id))
        except JobCancelledError:
            session.rollback()
            _set(sessions, job_id, status="cancelled", message="")
            log.info("job %s cancelled", job_id)
            return
        except InputError as error:
            session.rollback()
            log.info("job %s refused its input: %s", job_id, error)
            _set(sessions, job_id, status="failed", error=str(error)[:2000],
                 result=json.dumps(problem_records(error)))  # fmt: skip
            return
        except Exception as error:
            session.rollback()
            log.exception("job %s failed", job_id)
            _set(sessions, job_id, status="failed", error=str(error)[:2000])
            return
    _set(sessions, job_id, status="done", progress=1.0, result=json.dumps(result))
    log.info("job %s done", job_id)


def problem_records(error: InputError) -> dict[str, Any]:
    """A refused input as JSON: ``problems`` (file, row, field, message) and ``omitted``."""
    return {"problems": [asdict(p) for p in error.problems], "omitted": error.omitted}


class ThreadJobQueue:
    """Jobs run by worker threads of this process; their state lives in the database.

    Every submit adds one turn of a worker thread; a turn runs the next job round robin
    by community (``next_job``), not the job that added it, so a community with many
    jobs waiting takes one turn in each round.
    """

    def __init__(
        self, sessions: sessionmaker[Session], workers: int = 2, cap: int = DEFAULT_CAP
    ) -> None:
        if workers < 1 or cap < 1:
            raise ValueError(f"workers and cap must be >= 1, got {workers} and {cap}")
        self.sessions, self.cap = sessions, cap
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="redvest-job")
        self._lock = threading.Lock()
        self._last: int | None = None  # the community served last
        self._recover()

    def _recover(self) -> None:
        """After a restart: jobs another (ended) process on this machine was running are
        marked failed as interrupted; queued jobs get a turn each and run."""
        host = socket.gethostname() + ":"
        with self.sessions() as session:
            session.execute(
                update(JobRecord)
                .where(
                    JobRecord.status == "running",
                    JobRecord.worker.like(host + "%"),
                    JobRecord.worker != _worker_name(),
                )
                .values(status="failed", error=INTERRUPTED, updated_at=_now())
            )
            session.commit()
            waiting = session.scalar(select(func.count()).where(JobRecord.status == "queued"))
        for _ in range(int(waiting or 0)):
            self.executor.submit(self._turn)

    def _turn(self) -> None:
        """Run the next job of the next community that has one (nothing when none waits)."""
        while True:
            with self._lock:
                with self.sessions() as session:
                    found = next_job(session, self._last)
                if found is None:
                    return
                self._last = found[0]
                claimed = claim(self.sessions, found[1])
            if claimed:
                _execute(self.sessions, found[1])
                return

    def submit(self, community_id: int, kind: str, params: dict[str, Any]) -> int:
        """Queue a job and return its id at once.

        Raises
        ------
        ValueError
            An unknown kind.
        JobLimitError
            The community has ``cap`` jobs queued or running already.
        """
        if kind not in TASKS:
            raise ValueError(f"unknown job kind {kind!r}")
        with self.sessions() as session:
            if active_jobs(session, community_id) >= self.cap:
                raise JobLimitError(community_id, self.cap)
            row = JobRecord(community_id=community_id, kind=kind, params=json.dumps(params))
            session.add(row)
            session.commit()
            job_id = row.id
        self.executor.submit(self._turn)
        return job_id

    def state(self, job_id: int) -> JobState | None:
        """Status, progress and (when done) result of a job."""
        with self.sessions() as session:
            row = session.get(JobRecord, job_id)
            return JobState.of(row) if row is not None else None

    def cancel(self, job_id: int) -> None:
        """Ask a job to stop; a queued job is cancelled at once and never starts."""
        with self.sessions() as session:
            row = session.get(JobRecord, job_id)
            if row is None or row.status in FINISHED:
                return
            row.cancel_requested = True
            if row.status == "queued":
                row.status = "cancelled"
            row.updated_at = _now()
            session.commit()

    def shutdown(self) -> None:
        """Wait for running jobs and stop the threads."""
        self.executor.shutdown(wait=True, cancel_futures=True)


def latest_job(session: Session, community_id: int, kind: str) -> JobState | None:
    """The community's newest job of ``kind``, for the page that shows its progress."""
    row = session.scalar(
        select(JobRecord)
        .where(JobRecord.community_id == community_id, JobRecord.kind == kind)
        .order_by(JobRecord.id.desc())
        .limit(1)
    )
    return JobState.of(row) if row is not None else None


def init_app(app: Flask, sessions: sessionmaker[Session]) -> None:
    """Give ``app`` its job queue (threads by default; ``JOB_QUEUE`` may supply another);
    ``web.errors`` answers ``JobLimitError`` with 429 on pages and in the API."""
    queue = app.config.get("JOB_QUEUE") or ThreadJobQueue(
        sessions,
        int(app.config.get("JOB_WORKERS", 2)),
        int(app.config.get("JOB_CAP_PER_COMMUNITY", DEFAULT_CAP)),
    )
    app.extensions[_KEY] = queue


def get_queue() -> JobQueue:
    """The current app's job queue."""
    queue: JobQueue = current_app.extensions[_KEY]
    return queue
