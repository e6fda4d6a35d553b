"""The job interface and its default: in-process worker threads, state kept in the database.

A job is a registered task function ``(session, community, params, progress) -> result``
run by id. ``run_job`` needs nothing but a session factory and the job id, so a Celery
worker can run the same jobs later; the database row is the only shared state.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from flask import Flask, current_app
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from routing.territories import Progress
from web.models import Community, JobRecord

log = logging.getLogger(__name__)

Task = Callable[[Session, Community, dict[str, Any], Progress], dict[str, Any]]
TASKS: dict[str, Task] = {}
ACTIVE = ("queued", "running")
FINISHED = ("done", "failed", "cancelled")
# Progress is written at most this often: a solver may report hundreds of steps.
WRITE_EVERY_S = 0.25
_KEY = "redvest.jobs"


class JobCancelledError(Exception):
    """Raised inside a task when its job was cancelled."""


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

    @classmethod
    def of(cls, row: JobRecord) -> JobState:
        """The state of a stored job."""
        return cls(
            row.id,
            row.community_id,
            row.kind,
            row.status,
            row.progress,
            row.message,
            json.loads(row.result or "{}"),
            row.error,
            row.created_at,
            row.updated_at,
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


def run_job(sessions: sessionmaker[Session], job_id: int) -> None:
    """Run one queued job to its end, recording every state change in its row."""
    with sessions() as session:
        row = session.get(JobRecord, job_id)
        if row is None or row.status != "queued":
            return
        if row.cancel_requested:
            _set(sessions, job_id, status="cancelled")
            return
        _set(sessions, job_id, status="running", worker=_worker_name(), message="")
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
        except Exception as error:
            session.rollback()
            log.exception("job %s failed", job_id)
            _set(sessions, job_id, status="failed", error=str(error)[:2000])
            return
    _set(sessions, job_id, status="done", progress=1.0, result=json.dumps(result))
    log.info("job %s done", job_id)


class ThreadJobQueue:
    """Jobs run by worker threads of this process; their state lives in the database."""

    def __init__(self, sessions: sessionmaker[Session], workers: int = 2) -> None:
        self.sessions = sessions
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="redvest-job")
        self._forget_orphans()

    def _forget_orphans(self) -> None:
        # Jobs another (ended) process on this machine was running will never finish.
        host = socket.gethostname() + ":"
        with self.sessions() as session:
            session.execute(
                update(JobRecord)
                .where(
                    JobRecord.status.in_(ACTIVE),
                    JobRecord.worker.like(host + "%"),
                    JobRecord.worker != _worker_name(),
                )
                .values(status="failed", error="interrupted: the server was restarted")
            )
            session.commit()

    def submit(self, community_id: int, kind: str, params: dict[str, Any]) -> int:
        """Queue a job and return its id at once."""
        if kind not in TASKS:
            raise ValueError(f"unknown job kind {kind!r}")
        with self.sessions() as session:
            row = JobRecord(community_id=community_id, kind=kind, params=json.dumps(params))
            session.add(row)
            session.commit()
            job_id = row.id
        self.executor.submit(run_job, self.sessions, job_id)
        return job_id

    def state(self, job_id: int) -> JobState | None:
        """Status, progress and (when done) result of a job."""
        with self.sessions() as session:
            row = session.get(JobRecord, job_id)
            return JobState.of(row) if row is not None else None

    def cancel(self, job_id: int) -> None:
        """Ask a job to stop; a queued job never starts."""
        with self.sessions() as session:
            row = session.get(JobRecord, job_id)
            if row is None or row.status in FINISHED:
                return
            row.cancel_requested = True
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
    """Give ``app`` its job queue (threads by default; ``JOB_QUEUE`` may supply another)."""
    queue = app.config.get("JOB_QUEUE") or ThreadJobQueue(
        sessions, int(app.config.get("JOB_WORKERS", 2))
    )
    app.extensions[_KEY] = queue


def get_queue() -> JobQueue:
    """The current app's job queue."""
    queue: JobQueue = current_app.extensions[_KEY]
    return queue
