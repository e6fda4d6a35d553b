"""The case status flow: every allowed move works, every other one is refused with a reason."""

from __future__ import annotations

import itertools

import pytest

from routing.cases import (
    TRANSITIONS,
    CaseState,
    IllegalTransitionError,
    NotYourCaseError,
    Role,
    StaleCaseError,
    Status,
    allowed_targets,
    transition,
)


def _case(status: Status) -> CaseState:
    held = status in (Status.DISPATCHED, Status.IN_PROGRESS, Status.DONE)
    return CaseState(status, "V001" if held else "", "T001" if held else "", version=3)


def _move(status: Status, target: Status, role: Role) -> CaseState:
    return transition(
        _case(status), target, role, acting_team="T001", volunteer_id="V002", team_id="T002",
        reason="moved away",
    )  # fmt: skip


def test_the_flow_has_chinese_labels() -> None:
    assert [s.label for s in Status] == ["登记", "已派单", "处理中", "已办结", "已回访", "无法办理"]


@pytest.mark.parametrize(
    ("status", "target", "role"),
    [
        (s, t, r)
        for s, t, r in itertools.product(Status, Status, Role)
        if r not in TRANSITIONS.get((s, t), frozenset())
    ],
)
def test_every_move_not_in_the_table_is_refused(status: Status, target: Status, role: Role) -> None:
    with pytest.raises(IllegalTransitionError):
        _move(status, target, role)


@pytest.mark.parametrize(
    ("status", "target", "role"),
    [(s, t, r) for (s, t), roles in TRANSITIONS.items() for r in roles],
)
def test_every_move_in_the_table_works(status: Status, target: Status, role: Role) -> None:
    after = _move(status, target, role)
    assert after.status is target
    assert after.version == 4


def test_the_table_has_the_issues_flow() -> None:
    # 6 statuses × 5 others × 2 roles = 60 moves; 6 for the coordinator alone and 4 for
    # both (start, finish, and give up on an assigned case) are allowed: 6 + 4 × 2 = 14.
    assert sum(len(r) for r in TRANSITIONS.values()) == 14
    assert allowed_targets(Status.REGISTERED, Role.TEAM) == ()
    assert allowed_targets(Status.DISPATCHED, Role.TEAM) == (Status.IN_PROGRESS, Status.CANNOT)
    assert allowed_targets(Status.DONE, Role.COORDINATOR) == (Status.IN_PROGRESS, Status.VERIFIED)
    assert allowed_targets(Status.VERIFIED, Role.COORDINATOR) == ()


def test_closing_an_unassigned_case_says_to_assign_first() -> None:
    refusal = r"登记 \(registered\) → 已办结 \(done\) is not allowed: assign a volunteer first"
    with pytest.raises(IllegalTransitionError, match=refusal):
        transition(CaseState(), Status.DONE, Role.COORDINATOR)


def test_a_verified_case_is_closed() -> None:
    with pytest.raises(IllegalTransitionError, match="a verified case is closed"):
        transition(CaseState(Status.VERIFIED, "V1"), Status.IN_PROGRESS, Role.COORDINATOR)


def test_a_team_cannot_verify() -> None:
    case = CaseState(Status.DONE, "V001", "T001")
    with pytest.raises(IllegalTransitionError, match="is for the coordinator, not a team"):
        transition(case, Status.VERIFIED, Role.TEAM, acting_team="T001")


def test_two_coordinators_at_once_the_second_is_stale() -> None:
    case = CaseState()
    first = transition(case, Status.DISPATCHED, Role.COORDINATOR, expected_version=0,
                       volunteer_id="V001", team_id="T001")  # fmt: skip
    assert first.version == 1
    with pytest.raises(
        StaleCaseError, match=r"changed by someone else \(now version 1, you read 0"
    ):
        transition(first, Status.CANNOT, Role.COORDINATOR, expected_version=0, reason="x")
    assert isinstance(StaleCaseError("x"), ValueError)


def test_a_team_cannot_touch_another_teams_case() -> None:
    case = CaseState(Status.DISPATCHED, "V001", "T001")
    with pytest.raises(NotYourCaseError, match="not assigned to your team"):
        transition(case, Status.IN_PROGRESS, Role.TEAM, acting_team="T002")
    with pytest.raises(NotYourCaseError):
        transition(case, Status.IN_PROGRESS, Role.TEAM)  # no team given


def test_dispatch_needs_a_volunteer_and_cannot_needs_a_reason() -> None:
    with pytest.raises(IllegalTransitionError, match="needs the volunteer"):
        transition(CaseState(), Status.DISPATCHED, Role.COORDINATOR, volunteer_id=" ")
    with pytest.raises(IllegalTransitionError, match="needs a reason"):
        transition(CaseState(), Status.CANNOT, Role.COORDINATOR, reason="")


def test_the_whole_loop_keeps_the_assignment_and_notes() -> None:
    case = transition(CaseState(), Status.DISPATCHED, Role.COORDINATOR, volunteer_id="V007",
                      team_id="T003")  # fmt: skip
    case = transition(case, Status.IN_PROGRESS, Role.TEAM, acting_team="T003")
    case = transition(case, Status.DONE, Role.TEAM, acting_team="T003", note=" 已换灯泡 ")
    case = transition(case, Status.VERIFIED, Role.COORDINATOR, expected_version=3)
    assert case == CaseState(Status.VERIFIED, "V007", "T003", version=4, note="已换灯泡")


def test_withdrawing_clears_the_assignment_and_reopening_clears_the_reason() -> None:
    case = CaseState(Status.DISPATCHED, "V001", "T001")
    back = transition(case, Status.REGISTERED, Role.COORDINATOR)
    assert (back.volunteer_id, back.team_id) == ("", "")
    stuck = transition(back, Status.CANNOT, Role.COORDINATOR, reason="住户已搬走")
    assert stuck.reason == "住户已搬走"
    assert transition(stuck, Status.REGISTERED, Role.COORDINATOR).reason == ""


def test_an_assigned_status_without_volunteer_is_not_a_state() -> None:
    with pytest.raises(ValueError, match="a dispatched case needs a volunteer"):
        CaseState(Status.DISPATCHED)
