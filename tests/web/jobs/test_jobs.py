"""Jobs: state in the database, seen by a second client and after a reload; cancel works."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient

from routing.errors import InputError, Problem
from tests.web.conftest import login, make_app
from web.demo import DEMO_PASSWORD, DEMO_USER
from web.jobs.queue import TASKS, ThreadJobQueue
from web.storage.engine import open_engine, session_factory
from web.storage.models import JobRecord


def _wait(check: Callable[[], dict[str, Any]], until: Callable[[dict[str, Any]], bool]) -> list:
    seen = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        state = check()
        seen.append(state)
        if until(state):
            return seen
        time.sleep(0.1)
    raise AssertionError(f"job did not get there: {seen[-1]}")


def test_job_is_shared_by_two_clients_and_survives_a_reload(demo_copy: Path) -> None:
    app = make_app(demo_copy)
    first, second = app.test_client(), make_app(demo_copy).test_client()
    token = login(first, DEMO_USER, DEMO_PASSWORD)
    login(second, DEMO_USER, DEMO_PASSWORD)
    started = first.post(
        "/api/v1/communities/1/plans",
        json={"time_limit_s": 2, "fresh": True},
        headers={"X-CSRFToken": token},
    )
    assert started.status_code == 202
    job_id = started.get_json()["id"]
    assert started.headers["Location"].endswith(f"/api/v1/jobs/{job_id}")
    # the other browser (another app instance: nothing shared but the database)
    page = second.get("/communities/1/plans", follow_redirects=True).get_data(as_text=True)
    assert f'data-job-id="{job_id}"' in page
    seen = _wait(lambda: second.get(f"/api/v1/jobs/{job_id}").get_json(), lambda s: s["finished"])
    assert seen[-1]["status"] == "done", seen[-1]
    assert any(0 < s["progress"] < 1 for s in seen), [s["progress"] for s in seen]
    plan_id = seen[-1]["result"]["plan_id"]
    # a reload of the first browser opens the job's plan and still shows the job
    reloaded = first.get("/communities/1/plans", follow_redirects=True).get_data(as_text=True)
    assert f'data-plan-id="{plan_id}"' in reloaded
    assert f'data-job-id="{job_id}"' in reloaded and 'data-status="done"' in reloaded
    engine = open_engine(demo_copy)
    with session_factory(engine)() as session:
        row = session.get(JobRecord, job_id)
        assert row is not None and row.status == "done" and row.progress == 1.0


def test_cancel_stops_a_running_job(demo_copy: Path) -> None:
    client = make_app(demo_copy).test_client()
    token = login(client, DEMO_USER, DEMO_PASSWORD)
    started = client.post(
        "/api/v1/communities/1/plans",
        json={"time_limit_s": 60, "fresh": True},
        headers={"X-CSRFToken": token},
    )
    job_id = started.get_json()["id"]
    _wait(lambda: client.get(f"/api/v1/jobs/{job_id}").get_json(), lambda s: s["progress"] > 0)
    began = time.monotonic()
    cancelled = client.post(f"/api/v1/jobs/{job_id}/cancel", headers={"X-CSRFToken": token})
    assert cancelled.status_code == 200
    seen = _wait(lambda: client.get(f"/api/v1/jobs/{job_id}").get_json(), lambda s: s["finished"])
    assert seen[-1]["status"] == "cancelled"
    assert time.monotonic() - began < 15


def test_failing_task_is_recorded_and_orphans_are_closed(demo_copy: Path) -> None:
    def boom(*_args: object) -> dict[str, Any]:
        raise RuntimeError("no luck")

    TASKS["boom"] = boom
    try:
        engine = open_engine(demo_copy)
        queue = ThreadJobQueue(session_factory(engine), workers=1)
        job_id = queue.submit(1, "boom", {})
        seen = _wait(lambda: queue.state(job_id).to_json(), lambda s: s["finished"])  # type: ignore[union-attr]
        assert seen[-1]["status"] == "failed" and "no luck" in seen[-1]["error"]
        # a job another (ended) process on this machine was running is marked failed
        with session_factory(engine)() as session:
            row = session.get(JobRecord, job_id)
            assert row is not None
            host = row.worker.split(":")[0]
            row.status, row.worker = "running", f"{host}:999999999"
            session.commit()
        ThreadJobQueue(session_factory(engine), workers=1).shutdown()
        state = queue.state(job_id)
        assert state is not None and state.status == "failed" and "restarted" in state.error
        queue.shutdown()
    finally:
        del TASKS["boom"]


def test_input_problems_fail_the_job_and_stay_records(demo_copy: Path) -> None:
    problems = [
        Problem("点位.csv", 3, "时段", "bad hours '9点' (expected HH:MM-HH:MM)"),
        Problem("rota", None, "rest_days", "week 2: too few teams"),
    ]

    def refuse(*_args: object) -> dict[str, Any]:
        raise InputError(problems, omitted=4)

    TASKS["refuse"] = refuse
    try:
        engine = open_engine(demo_copy)
        queue = ThreadJobQueue(session_factory(engine), workers=1)
        job_id = queue.submit(1, "refuse", {})
        seen = _wait(lambda: queue.state(job_id).to_json(), lambda s: s["finished"])  # type: ignore[union-attr]
        queue.shutdown()
    finally:
        del TASKS["refuse"]
    state = seen[-1]
    assert state["status"] == "failed" and state["result"] == {}
    assert state["problems"] == [
        {"file": "点位.csv", "row": 3, "field": "时段",
         "message": "bad hours '9点' (expected HH:MM-HH:MM)"},
        {"file": "rota", "row": None, "field": "rest_days", "message": "week 2: too few teams"},
    ]  # fmt: skip
    assert state["omitted"] == 4
    assert state["error"].startswith("6 problem(s): 点位.csv:3:时段: bad hours")


def test_jobs_of_another_community_are_hidden(accounts_db: Path) -> None:
    client: FlaskClient = make_app(accounts_db).test_client()
    engine = open_engine(accounts_db)
    with session_factory(engine)() as session:
        # finished, so that no app opened on this shared database later runs it
        session.add(JobRecord(community_id=1, kind="territories", params="{}", status="done"))
        session.commit()
        job_id = session.query(JobRecord).order_by(JobRecord.id.desc()).first().id  # type: ignore[union-attr]
    login(client, "coord_b")
    # the same answer as for a job that does not exist: job ids cannot be probed
    assert client.get(f"/api/v1/jobs/{job_id}").status_code == 404
    assert client.get("/api/v1/jobs/999999").status_code == 404
