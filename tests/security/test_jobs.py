"""Jobs: a cap per community, fair turns between communities, restarts, orphaned workers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from tests.web.conftest import login, make_app
from web import create_app
from web.demo import DEMO_PASSWORD, DEMO_USER
from web.jobs.queue import TASKS, JobLimitError, ThreadJobQueue
from web.storage.engine import open_engine, session_factory
from web.storage.models import Community, JobRecord

ROOT = Path(__file__).resolve().parents[2]


class Gate:
    """A registered task kind ``gate`` that records its order and waits for ``open``."""

    def __init__(self) -> None:
        self.ran: list[tuple[int, int]] = []
        self.opened = threading.Event()

    def __call__(
        self, _session: Session, community: Community, params: dict[str, Any], _progress: Any
    ) -> dict[str, Any]:
        self.ran.append((community.id, int(params["n"])))
        if not self.opened.wait(timeout=30):
            raise TimeoutError("the gate was never opened")
        return {"n": params["n"]}


@pytest.fixture
def gate() -> Iterator[Gate]:
    """The ``gate`` task kind, registered for the test."""
    found = Gate()
    TASKS["gate"] = found
    yield found
    found.opened.set()
    del TASKS["gate"]


def _wait(check: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _status(queue: ThreadJobQueue, job_id: int) -> str:
    state = queue.state(job_id)
    assert state is not None
    return state.status


def test_a_community_gets_429_beyond_its_cap_with_a_clear_message(
    accounts_copy: Path, gate: Gate
) -> None:
    app = _app_with(accounts_copy, JOB_CAP_PER_COMMUNITY=2, JOB_WORKERS=1)
    queue: ThreadJobQueue = app.extensions["redvest.jobs"]
    first = queue.submit(1, "gate", {"n": 1})
    queue.submit(1, "gate", {"n": 2})
    _wait(lambda: _status(queue, first) == "running", "the first job to run")
    with pytest.raises(JobLimitError, match="2 jobs queued or running"):
        queue.submit(1, "gate", {"n": 3})
    client = app.test_client()
    token = login(client, DEMO_USER, DEMO_PASSWORD)
    api = client.post("/api/v1/communities/1/plans", json={}, headers={"X-CSRFToken": token})
    assert api.status_code == 429
    assert "2 jobs queued or running" in api.get_json()["error"]
    page = client.post("/communities/1/plans/generate", data={"csrf_token": token})
    assert page.status_code == 429
    assert "2 jobs queued or running" in page.get_data(as_text=True)
    # another community is not held back by community 1's jobs
    assert queue.submit(2, "gate", {"n": 4}) > 0
    gate.opened.set()
    _wait(lambda: queue.state(first) is not None and _status(queue, first) == "done", "done")
    queue.shutdown()


def _app_with(db: Path, **config: Any) -> Flask:
    """``make_app``'s app with more settings (the job queue reads them as it starts)."""
    base = make_app(db).config
    keys = ("DATABASE_URL", "TESTING", "SECRET_KEY", "MAP_TILES", "PLAN_TIME_LIMIT_S",
            "EXPORTS_DIR", "FIELD_ROUTE_SOLVER")  # fmt: skip
    return create_app({key: base[key] for key in keys} | config)


def test_worker_turns_go_round_the_communities(accounts_copy: Path, gate: Gate) -> None:
    engine = open_engine(accounts_copy)
    queue = ThreadJobQueue(session_factory(engine), workers=1, cap=10)
    first = queue.submit(1, "gate", {"n": 1})
    _wait(lambda: gate.ran == [(1, 1)], "community 1's first job to start")
    for n in (2, 3, 4):
        queue.submit(1, "gate", {"n": n})
    queue.submit(2, "gate", {"n": 5})
    queue.submit(2, "gate", {"n": 6})
    gate.opened.set()
    _wait(lambda: len(gate.ran) == 6, "all six jobs")
    # first in, first out would run 1, 2, 3, 4, 5, 6: community 2 waits for all of 1's
    assert gate.ran == [(1, 1), (2, 5), (1, 2), (2, 6), (1, 3), (1, 4)]
    assert _status(queue, first) == "done"
    queue.shutdown()
    engine.dispose()


def test_a_cancelled_queued_job_never_starts_and_frees_its_place(
    accounts_copy: Path, gate: Gate
) -> None:
    engine = open_engine(accounts_copy)
    queue = ThreadJobQueue(session_factory(engine), workers=1, cap=2)
    queue.submit(1, "gate", {"n": 1})
    waiting = queue.submit(1, "gate", {"n": 2})
    _wait(lambda: len(gate.ran) == 1, "the first job to start")
    queue.cancel(waiting)
    assert _status(queue, waiting) == "cancelled"
    queue.submit(1, "gate", {"n": 3})  # the cancelled job no longer counts
    gate.opened.set()
    _wait(lambda: len(gate.ran) == 2, "the third job")
    assert [n for _, n in gate.ran] == [1, 3]
    queue.shutdown()
    engine.dispose()


def test_jobs_queued_before_a_restart_run_after_it(accounts_copy: Path, gate: Gate) -> None:
    engine = open_engine(accounts_copy)
    sessions = session_factory(engine)
    with sessions() as session:
        # what a stopped server left: one job queued, one running in a process now gone
        queued = JobRecord(community_id=2, kind="gate", params='{"n": 7}')
        running = JobRecord(community_id=1, kind="gate", params='{"n": 8}', status="running")
        session.add_all([queued, running])
        session.flush()
        running.worker = f"{os.uname().nodename}:999999999"
        session.commit()
        queued_id, running_id = queued.id, running.id
    gate.opened.set()
    queue = ThreadJobQueue(sessions, workers=1)
    _wait(lambda: _status(queue, queued_id) == "done", "the queued job to run")
    state = queue.state(running_id)
    assert state is not None and state.status == "failed"
    assert state.error.startswith("interrupted:") and "start it again" in state.error
    assert gate.ran == [(2, 7)]
    queue.shutdown()
    engine.dispose()


def test_a_job_of_a_community_without_a_role_answers_404_like_a_missing_one(
    accounts_copy: Path,
) -> None:
    engine = open_engine(accounts_copy)
    with session_factory(engine)() as session:
        row = JobRecord(community_id=1, kind="territories", params="{}", status="done")
        session.add(row)
        session.commit()
        job_id = row.id
    engine.dispose()
    client = make_app(accounts_copy).test_client()
    token = login(client, "coord_b")
    seen = client.get(f"/api/v1/jobs/{job_id}")
    missing = client.get(f"/api/v1/jobs/{job_id + 1000}")
    assert seen.status_code == missing.status_code == 404
    assert seen.get_json() == missing.get_json()
    cancel = client.post(f"/api/v1/jobs/{job_id}/cancel", headers={"X-CSRFToken": token})
    assert cancel.status_code == 404
    viewer = make_app(accounts_copy).test_client()
    viewer_token = login(viewer, "viewer")
    assert viewer.get(f"/api/v1/jobs/{job_id}").status_code == 200  # a role: it is shown
    refused = viewer.post(f"/api/v1/jobs/{job_id}/cancel", headers={"X-CSRFToken": viewer_token})
    assert refused.status_code == 403


PARENT = textwrap.dedent(
    """
    import sys, threading, time
    import numpy as np
    from routing.visits.model import RoutingProblem
    from routing.visits.search import solve

    if __name__ == "__main__":
        if sys.argv[1] == "threaded":  # a web server's job thread: the fork server is used
            threading.Thread(target=time.sleep, args=(300,), daemon=True).start()
        xy = np.random.default_rng(0).random((80, 2)) * 1000
        travel = np.rint(np.hypot(*(xy[:, None] - xy[None]).transpose(2, 0, 1)))
        problem = RoutingProblem(
            travel.astype(np.int64), np.zeros(80, np.int64), (0,), (0,), None, None
        )
        solve(problem, time_limit_s=120, workers=2)
    """
)


def _descendants(pid: int) -> set[int]:
    children: dict[int, set[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, set()).add(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), ()):
            found.add(child)
            todo.append(child)
    return found


def _parent_of(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except OSError:
        return 0


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; only its parent's wait is missing


def _workers(parent: int, mode: str) -> set[int]:
    """The search workers under ``parent``: its children when it forks them, the fork
    server's children otherwise (never the resource tracker or the fork server)."""
    found = set()
    for pid in _descendants(parent):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        direct = _parent_of(pid) == parent
        if b"resource_tracker" in cmdline or not _alive(pid):
            continue
        if direct == (mode == "plain"):
            found.add(pid)
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux only")
@pytest.mark.parametrize("mode", ["plain", "threaded"])
def test_visit_planner_workers_die_with_a_killed_parent(tmp_path: Path, mode: str) -> None:
    script = tmp_path / "parent.py"
    script.write_text(PARENT, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    parent = subprocess.Popen([sys.executable, str(script), mode], env=env, cwd=tmp_path)
    try:
        workers: set[int] = set()

        def started() -> bool:
            nonlocal workers
            workers = _workers(parent.pid, mode)
            return bool(workers)

        _wait(started, "the worker process", timeout=60)
        time.sleep(1.0)  # the worker is searching now
        assert all(_alive(p) for p in workers)
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
    _wait(lambda: not any(_alive(p) for p in workers), "the orphaned worker to end", 15)
