"""Conflicts between teams' proposals, and applying accepted changes as a new version."""

from __future__ import annotations

import pandas as pd
import pytest

from routing.cases import (
    ConflictingChangesError,
    DoorRecord,
    NewHousehold,
    Proposal,
    StaleProposalError,
    apply_changes,
    apply_new_household,
    find_conflicts,
    propose_changes,
    propose_new_household,
)

ROW = {"household_id": "H1", "building_id": "b1", "floor": 5, "unit": "501", "residents": 3,
       "rented": False, "since": "2019-03-10", "phone": "", "tags": "", "requests": "",
       "availability": "", "basement": False}  # fmt: skip


def _visit(team: str, record: str, at: str, **fields: object) -> tuple[Proposal, ...]:
    door = DoorRecord(record, team, "H1", at, **fields)  # type: ignore[arg-type]
    return propose_changes(door, ROW)


def test_two_teams_recording_different_residents_is_a_conflict() -> None:
    proposals = (
        *_visit("T1", "R1", "2026-03-01T09:00", residents=4),
        *_visit("T2", "R2", "2026-03-01T10:00", residents=5, rented=True),
    )
    conflicts = find_conflicts(proposals)
    assert len(conflicts) == 1  # rented was recorded by T2 only
    conflict = conflicts[0]
    assert (conflict.target, conflict.field, conflict.teams) == ("H1", "residents", ("T1", "T2"))
    assert [p.recorded_value for p in conflict.proposals] == [4, 5]


def test_agreeing_teams_and_a_team_correcting_itself_are_no_conflict() -> None:
    agree = (*_visit("T1", "R1", "2026-03-01T09:00", residents=4),
             *_visit("T2", "R2", "2026-03-01T10:00", residents=4))  # fmt: skip
    assert find_conflicts(agree) == ()
    corrected = (*_visit("T1", "R1", "2026-03-01T09:00", residents=4),
                 *_visit("T1", "R3", "2026-03-01T11:00", residents=5),
                 *_visit("T2", "R2", "2026-03-01T10:00", residents=5))  # fmt: skip
    # T1's newest record (R3, 11:00) says 5, as T2 does.
    assert find_conflicts(corrected) == ()


def test_vacant_against_a_visit_conflicts_on_residents() -> None:
    proposals = (*_visit("T1", "R1", "2026-03-01T09:00", status="vacant"),
                 *_visit("T2", "R2", "2026-03-02T09:00", residents=2))  # fmt: skip
    assert [c.field for c in find_conflicts(proposals)] == ["residents"]


def test_two_teams_reporting_one_new_flat_differently_conflict() -> None:
    register = pd.DataFrame([ROW])
    a = propose_new_household(NewHousehold("R1", "T1", "1", "b1", 5, "501B", residents=1), register)
    b = propose_new_household(NewHousehold("R2", "T2", "2", "b1", 5, "501B", residents=2), register)
    same = propose_new_household(NewHousehold("R3", "T3", "3", "b1", 5, "501B", residents=1),
                                 register)  # fmt: skip
    assert [c.target for c in find_conflicts([a, b])] == ["b1/5/501B"]
    assert find_conflicts([a, same]) == ()


def test_apply_accepted_changes_gives_the_next_version() -> None:
    accepted = _visit("T1", "R1", "2026-03-01T09:00", residents=4, rented=True)
    version = apply_changes(ROW, 7, accepted)
    assert version.version == 8
    assert (version.row["residents"], version.row["rented"]) == (4, True)
    assert version.row["since"] == "2019-03-10"  # untouched
    assert [p.field for p in version.changes] == ["rented", "residents"]
    assert ROW["residents"] == 3  # the input row is not changed
    # Untouched fields keep their types.
    assert (version.row["floor"], version.row["basement"], version.row["unit"]) == (5, False, "501")
    assert isinstance(version.row["basement"], bool)


def test_an_identical_change_accepted_twice_is_a_no_op() -> None:
    first = _visit("T1", "R1", "2026-03-01T09:00", residents=4)
    second = _visit("T2", "R2", "2026-03-01T10:00", residents=4)
    after = apply_changes(ROW, 1, first)
    again = apply_changes(after.row, after.version, second)
    assert (again.version, again.changes) == (2, ())


def test_a_change_made_against_an_old_value_is_stale() -> None:
    t1 = _visit("T1", "R1", "2026-03-01T09:00", residents=4)
    t2 = _visit("T2", "R2", "2026-03-01T10:00", residents=5)
    after = apply_changes(ROW, 1, t1)
    with pytest.raises(StaleProposalError, match="H1 residents is now 4, not 3 as when team T2"):
        apply_changes(after.row, after.version, t2)


def test_accepting_both_sides_of_a_conflict_is_refused() -> None:
    both = (*_visit("T1", "R1", "1", residents=4), *_visit("T2", "R2", "2", residents=5))
    with pytest.raises(ConflictingChangesError, match="team T1 recorded 4, team T2 5"):
        apply_changes(ROW, 1, both)


def test_a_proposal_for_another_household_is_refused() -> None:
    proposals = _visit("T1", "R1", "1", residents=4)
    with pytest.raises(ValueError, match="is not a change of H2"):
        apply_changes(dict(ROW, household_id="H2"), 1, proposals)


def test_an_accepted_new_household_gets_the_next_id_and_version_one() -> None:
    register = pd.DataFrame([ROW, dict(ROW, household_id="H000041", unit="502")])
    proposal = propose_new_household(NewHousehold("R1", "T1", "1", "b1", 5, "501B", residents=1),
                                     register)  # fmt: skip
    version = apply_new_household(register["household_id"], proposal)
    assert (version.row["household_id"], version.row["unit"], version.version) == (
        "H000042", "501B", 1,
    )  # fmt: skip
    with pytest.raises(ValueError, match="not a new household"):
        apply_new_household([], _visit("T1", "R1", "1", residents=4)[0])
