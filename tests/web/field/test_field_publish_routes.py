"""Team routes are stored by a job when a plan is published; stale plans' routes are pruned."""

from __future__ import annotations

import time

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from tests.web.conftest import make_link
from web.db import sessions
from web.field import tasks
from web.field.routes import RouteOptions, compute_all, ensure, prune
from web.jobs.queue import JobState
from web.storage import frames
from web.storage.models import (
    Community,
    FieldPath,
    FieldStop,
    JobRecord,
    PlanAssignment,
    TerritoryPlanRecord,
    VisitRecord,
)
from web.territory.operations import publish_plan

SWEEP = RouteOptions(solver="sweep")


def _new_plan(coord: tuple[FlaskClient, str], plan_id: int, from_team: str, to_team: str) -> int:
    """A new draft: ``from_team``'s first band of ``plan_id`` moved to ``to_team``."""
    client, csrf = coord
    with sessions(client.application)() as session:
        building = session.scalar(
            select(PlanAssignment.building_id).where(
                PlanAssignment.plan_id == plan_id, PlanAssignment.team_id == from_team
            )
        )
    response = client.post(
        f"/communities/1/plans/{plan_id}/move",
        data={"csrf_token": csrf, "building_id": building, "from_team": from_team,
              "to_team": to_team},
    )  # fmt: skip
    assert response.status_code == 302
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _publish(coord: tuple[FlaskClient, str], plan_id: int) -> JobState:
    """Publish through the page, then wait for the route job it queued."""
    client, csrf = coord
    response = client.post(f"/communities/1/plans/{plan_id}/publish", data={"csrf_token": csrf})
    assert response.status_code == 302
    assert "已开始计算入户路线" in client.get(response.headers["Location"]).get_data(as_text=True)
    factory = sessions(client.application)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with factory() as session:
            row = session.scalar(
                select(JobRecord).where(JobRecord.kind == tasks.KIND).order_by(JobRecord.id.desc())
            )
            assert row is not None, "publishing queued no route job"
            state = JobState.of(row)
        if state.finished:
            assert state.status == "done", state.error
            return state
        time.sleep(0.1)
    raise AssertionError("the route job did not finish")


def _routes(session: Session, plan_id: int) -> dict[str, int]:
    """team → FieldPath id of the plan's stored routes."""
    rows = session.execute(
        select(FieldPath.team_id, FieldPath.id).where(FieldPath.plan_id == plan_id)
    )
    return dict(rows.all())


def _stop_count(session: Session, plan_id: int) -> int:
    return session.scalar(select(func.count()).where(FieldStop.plan_id == plan_id)) or 0


def test_publishing_stores_every_team_route_before_a_phone_opens(
    field_app: Flask, coord: tuple[FlaskClient, str]
) -> None:
    plan = _new_plan(coord, 1, "T050", "T051")
    factory = sessions(field_app)
    with factory() as session:
        assert _routes(session, plan) == {}
    state = _publish(coord, plan)
    assert state.result == {"plan_id": plan, "solver": "sweep", "computed": 100, "pruned": 0}
    with factory() as session:
        community = session.get(Community, 1)
        assert community is not None
        routes = _routes(session, plan)
        assert set(routes) == set(frames.load_team_ids(session, community))
        households = session.scalar(select(func.count()).where(PlanAssignment.plan_id == plan))
        assert _stop_count(session, plan) == households
        mine = session.scalars(
            select(FieldStop.id).where(FieldStop.plan_id == plan, FieldStop.team_id == "T051")
        ).all()
    # the phone reads what the job stored: same path row, same stop ids, nothing recomputed
    path = make_link(coord, "T051")
    listed = field_app.test_client().get(path + "/api/stops").get_json()["stops"]
    assert sorted(s["id"] for s in listed) == sorted(mine)
    with factory() as session:
        assert _routes(session, plan) == routes


def test_compute_all_stores_only_missing_routes_and_ensure_never_replaces(
    field_app: Flask,
) -> None:
    with sessions(field_app)() as session:
        community = session.get(Community, 1)
        plan = session.get(TerritoryPlanRecord, 1)
        assert community is not None and plan is not None
        before = _routes(session, 1)
        assert len(before) == 100  # `redvest demo` stored them at publish
        assert compute_all(session, community, plan, SWEEP) == 0
        _forget(session, "T001", "T002")
        fractions: list[float] = []
        assert compute_all(session, community, plan, SWEEP, lambda f, _m: fractions.append(f)) == 2
        assert fractions == [0.0, 0.5]
        after = _routes(session, 1)
        assert {t: i for t, i in after.items() if t not in ("T001", "T002")} == {
            t: i for t, i in before.items() if t not in ("T001", "T002")
        }
        assert ensure(session, community, plan, "T003", SWEEP).id == before["T003"]
        # a cancelled run stops before the next team; the phone's fallback fills the gap
        _forget(session, "T004")
        assert compute_all(session, community, plan, SWEEP, cancelled=lambda: True) == 0
        assert ensure(session, community, plan, "T004", SWEEP).solver == "sweep"


def _forget(session: Session, *teams: str) -> None:
    """Delete the stored routes of ``teams``, as if nothing had computed them yet."""
    session.execute(delete(FieldStop).where(FieldStop.team_id.in_(teams)))
    session.execute(delete(FieldPath).where(FieldPath.team_id.in_(teams)))
    session.commit()


def test_prune_keeps_visit_records_and_the_plans_phones_may_show(field_app: Flask) -> None:
    with sessions(field_app)() as session:
        community = session.get(Community, 1)
        assert community is not None
        stop = session.scalars(select(FieldStop).where(FieldStop.plan_id == 1)).first()
        assert stop is not None
        session.add(
            VisitRecord(community_id=1, team_id=stop.team_id, household_id=stop.household_id,
                        key="k-prune-unit-1", status="visited")
        )  # fmt: skip
        session.commit()
        assert tasks.plans_to_keep(session, community) == [1]
        drafts = [_copy_plan(session, 1) for _ in range(3)]
        assert tasks.plans_to_keep(session, community) == [1, drafts[-1]]
        published = session.get(TerritoryPlanRecord, drafts[0])
        assert published is not None
        publish_plan(session, community, published, routes=None)
        # the previous published plan stays: phones may still send records for its stops
        assert tasks.plans_to_keep(session, community) == [1, drafts[0], drafts[-1]]
        assert prune(session, community, [drafts[0]]) == 100
        assert _routes(session, 1) == {} and _stop_count(session, 1) == 0
        record = session.scalar(select(VisitRecord).where(VisitRecord.key == "k-prune-unit-1"))
        assert record is not None and record.household_id == stop.household_id
        assert prune(session, community, [drafts[0]]) == 0


def _copy_plan(session: Session, plan_id: int) -> int:
    """A new draft with the same assignment as ``plan_id``."""
    source = session.get(TerritoryPlanRecord, plan_id)
    assert source is not None
    copy = TerritoryPlanRecord(
        community_id=source.community_id,
        parent_id=plan_id,
        options=source.options,
        metrics=source.metrics,
        explanations=source.explanations,
        summary=source.summary,
    )
    session.add(copy)
    session.flush()
    rows = session.scalars(select(PlanAssignment).where(PlanAssignment.plan_id == plan_id))
    session.add_all(
        PlanAssignment(plan_id=copy.id, household_id=r.household_id, team_id=r.team_id,
                       building_id=r.building_id, floor=r.floor, workload_s=r.workload_s)
        for r in rows
    )  # fmt: skip
    session.commit()
    return copy.id


@pytest.mark.slow
def test_publishing_twice_more_prunes_the_first_plans_routes_but_keeps_records(
    field_app: Flask, coord: tuple[FlaskClient, str]
) -> None:
    path = make_link(coord, "T001")
    phone = field_app.test_client()
    first = phone.get(path + "/api/stops").get_json()["stops"]
    sent = phone.post(
        path + "/api/visits", json={"key": "k-first-plan-1", "stop_id": first[0]["id"],
                                    "status": "refused"}
    )  # fmt: skip
    assert sent.status_code == 201
    second = _new_plan(coord, 1, "T050", "T051")
    assert _publish(coord, second).result["pruned"] == 0
    # a record queued offline against the first plan's stop is still accepted
    late = {"key": "k-first-plan-2", "stop_id": first[1]["id"], "status": "not_home"}
    assert phone.post(path + "/api/visits", json=late).status_code == 201
    with sessions(field_app)() as session:
        doors = [session.get(FieldStop, s["id"]).household_id for s in first[:2]]  # type: ignore[union-attr]
    third = _new_plan(coord, second, "T052", "T053")
    assert _publish(coord, third).result == {
        "plan_id": third, "solver": "sweep", "computed": 100, "pruned": 100
    }  # fmt: skip
    with sessions(field_app)() as session:
        assert _routes(session, 1) == {} and _stop_count(session, 1) == 0
        assert len(_routes(session, second)) == len(_routes(session, third)) == 100
        rows = session.execute(select(VisitRecord.key, VisitRecord.household_id))
        kept = dict(rows.all())
    assert kept == {"k-first-plan-1": doors[0], "k-first-plan-2": doors[1]}
    # the phone now reads the third plan, and still shows what was recorded at its doors
    now = {s["id"]: s["status"] for s in phone.get(path + "/api/stops").get_json()["stops"]}
    assert not set(now) & {s["id"] for s in first}
    assert sorted(v for v in now.values() if v) == ["not_home", "refused"]
