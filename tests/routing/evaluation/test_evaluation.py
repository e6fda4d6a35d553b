"""Counted activity and the three-level score on a worked month, and against a naive recount."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from routing.errors import InputError
from routing.evaluation import (
    COMMUNITY_COLUMNS,
    TEAM_REPORT_COLUMNS,
    VOLUNTEER_REPORT_COLUMNS,
    ActivityRecords,
    EvaluationWeights,
    Period,
    evaluate,
    monthly,
    months,
)

MARCH = Period.month("2026-03")
T = pd.Timestamp


def _frame(columns: str, rows: list[tuple[object, ...]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns.split())


ROSTER = _frame(
    "volunteer_id name team_id",
    [("V1", "王伟", "T1"), ("V2", "李娜", "T1"), ("V3", "张敏", "T2"), ("V4", "刘洋", "T2")],
)
RECORDS = ActivityRecords(
    sessions=_frame(
        "volunteer_id team_id start end",
        [
            ("V1", "T1", T("2026-03-03 09:00"), T("2026-03-03 12:00")),
            ("V2", "T1", T("2026-03-03 10:00"), T("2026-03-03 12:00")),
            ("V1", "T1", T("2026-03-03 11:00"), T("2026-03-03 13:00")),  # overlaps V1's first
            ("V3", "T2", T("2026-02-28 22:00"), T("2026-03-01 02:00")),  # 2 h in March
            ("V3", "T2", T("2026-03-10 18:00"), T("2026-03-10 19:30")),
            ("V4", "T2", T("2026-03-07 18:30"), T("2026-03-07 20:30")),
            ("V2", "T1", T("2026-04-01 09:00"), T("2026-04-01 10:00")),  # April
        ],
    ),
    doors=_frame(
        "team_id household_id recorded_at status volunteer_id",
        [
            ("T1", "H1", T("2026-03-03 09:30"), "visited", ""),  # V1 only (V2 from 10:00)
            ("T1", "H2", T("2026-03-03 10:30"), "not_home", ""),  # V1, V2
            ("T1", "H2", T("2026-03-03 11:30"), "visited", ""),  # V1, V2 (same door again)
            ("T1", "H3", T("2026-03-03 12:30"), "visited", ""),  # V1 (11:00-13:00)
            ("T2", "H4", T("2026-03-10 18:30"), "visited", "V3"),  # named
            ("T2", "H5", T("2026-03-20 10:00"), "visited", ""),  # nobody's session: team only
            ("T1", "H6", T("2026-02-27 10:00"), "visited", "V1"),  # February
        ],
    ),
    changes=_frame(
        "team_id household_id recorded_at accepted volunteer_id",
        [
            ("T1", "H2", T("2026-03-03 11:30"), True, ""),  # V1, V2
            ("T1", "H1", T("2026-03-03 09:30"), False, ""),  # rejected
            ("T2", "H4", T("2026-03-10 18:30"), True, "V3"),
        ],
    ),
    cases=_frame(
        "case_id volunteer_id team_id handled_at closed_at",
        [
            ("C1", "V1", "T1", T("2026-03-05"), T("2026-03-06")),
            ("C2", "V1", "T1", T("2026-02-25"), T("2026-03-02")),  # closed in March
            ("C3", "V3", "T2", T("2026-03-28"), pd.NaT),
            ("C4", "V2", "T1", T("2026-03-30"), T("2026-04-02")),  # closed in April
        ],
    ),
    pair_visits=_frame(
        "date household_id volunteer_id state",
        [
            ("2026-03-02", "H7", "V1", "done"),
            ("2026-03-09", "H7", "V1", "overdue"),
            ("2026-03-16", "H7", "V1", "done"),
            ("2026-03-23", "H7", "V1", "upcoming"),  # after as_of: not due yet
            ("2026-03-12", "H8", "V3", "done"),
            ("2026-02-26", "H8", "V3", "done"),  # February
        ],
    ),
    patrols=_frame(
        "team_id start done volunteer_id",
        [
            ("T2", T("2026-03-07 19:00"), True, ""),  # V4's session covers it
            ("T2", T("2026-03-14 19:00"), False, ""),  # not done
            ("T1", T("2026-03-21 19:00"), True, "V2"),
        ],
    ),
    ratings=_frame(
        "volunteer_id period level score",
        [
            ("V1", "2026-03", "self", 80),
            ("V1", "2026-03", "team", 90),
            ("V1", "2026-03", "community", 70),
            ("V2", "2026-03", "self", 60),
            ("V3", "2026-03", "team", 80),
            ("V3", "2026-03", "team", 90),  # a second rater: the level's mean is 85
            ("V3", "2026-03", "community", 95),
            ("V1", "2026-02", "self", 10),  # another period
        ],
    ),
)
REGISTER = pd.DataFrame(
    {
        "household_id": ["H1", "H2", "H3", "H4", "H5", "H6"],
        "residents": pd.array([2, None, 1, 3, 2, 4], dtype="Int64"),
        "rented": pd.array([True, False, False, True, None, False], dtype="boolean"),
        "since": ["2015", "2020-01", "", "2010", "2011", "2012-05"],
    }
)
AREAS = {"H1": "T1", "H2": "T1", "H3": "T1", "H4": "T2", "H5": "T2", "H6": "T2"}


def _march() -> pd.DataFrame:
    result = evaluate(
        ROSTER, RECORDS, MARCH, register=REGISTER, household_teams=AREAS, as_of=date(2026, 3, 20)
    )
    return result.volunteer_report().set_index("volunteer_id")


def test_worked_month_per_volunteer() -> None:
    got = _march()
    assert list(got.reset_index().columns) == list(VOLUNTEER_REPORT_COLUMNS)
    # hours: V1 09:00-13:00 (two overlapping sessions) = 4; V2 10:00-12:00 = 2 (April not);
    # V3 00:00-02:00 of 03-01 + 1.5 = 3.5; V4 18:30-20:30 = 2.
    assert got["hours"].to_dict() == {"V1": 4.0, "V2": 2.0, "V3": 3.5, "V4": 2.0}
    # doors: V1 {H1, H2, H3}; V2 {H2}; V3 {H4}; H5 nobody's; H6 in February.
    assert got["doors"].to_dict() == {"V1": 3, "V2": 1, "V3": 1, "V4": 0}
    # closed in March: C1 and C2 (V1); C4 closed in April.
    assert got["cases_closed"].to_dict() == {"V1": 2, "V2": 0, "V3": 0, "V4": 0}
    # due up to 03-20: V1 03-02, 03-09, 03-16 (2 done); V3 03-12 (done).
    assert got["pair_visits_due"].to_dict() == {"V1": 3, "V2": 0, "V3": 1, "V4": 0}
    assert got["pair_visits_done"].to_dict() == {"V1": 2, "V2": 0, "V3": 1, "V4": 0}
    assert got["patrols"].to_dict() == {"V1": 0, "V2": 1, "V3": 0, "V4": 1}
    # V1: 0.2×80 + 0.4×90 + 0.4×70 = 80; V2: self only = 60;
    # V3: (0.4×85 + 0.4×95) / 0.8 = 90; V4 not rated.
    assert got["score"].iloc[:3].tolist() == [80.0, 60.0, 90.0]
    assert got["score"].isna()["V4"]
    assert got["name"].tolist() == ["王伟", "李娜", "张敏", "刘洋"]


def test_worked_month_details_teams_and_community() -> None:
    result = evaluate(
        ROSTER, RECORDS, MARCH, register=REGISTER, household_teams=AREAS, as_of=date(2026, 3, 20)
    )
    details = result.volunteers.set_index("volunteer_id")
    assert details["register_changes"].to_dict() == {"V1": 1, "V2": 1, "V3": 1, "V4": 0}
    assert details["cases_handled"].to_dict() == {"V1": 1, "V2": 1, "V3": 1, "V4": 0}
    assert details.loc["V3", "team_score"] == 85.0
    teams = result.teams.set_index("team_id")
    assert list(result.teams.columns) == list(TEAM_REPORT_COLUMNS)
    # T1: doors {H1, H2, H3}; 1 of H1..H3 complete (H2 lacks residents, H3 since); hours 4 + 2.
    # T2: doors {H4, H5}; H4 and H6 complete; hours 3.5 + 2.
    expected = {
        "T1": [2, 6.0, 3, 3, 1, 0.333, 1, 2, 2, 2, 3, 1, 70.0],
        "T2": [2, 5.5, 2, 3, 2, 0.667, 1, 1, 0, 1, 1, 1, 90.0],
    }
    for team, row in expected.items():
        assert teams.loc[team].to_numpy().tolist() == row, team
    community = result.community.iloc[0]
    assert list(result.community.columns) == list(COMMUNITY_COLUMNS)
    assert community.tolist() == [
        "2026-03", 4, 11.5, 5, 6, 3, 0.5, 2, 3, 2, 3, 4, 2, 76.7,  # score: mean(80, 60, 90)
    ]  # fmt: skip
    assert "2026-03: 4 volunteers, 11.5 service hours" in result.summary()


def test_weights_change_the_score_never_the_counts() -> None:
    heavy = EvaluationWeights(self_assessment=0.0, team=1.0, community=0.0)
    result = evaluate(ROSTER, RECORDS, MARCH, weights=heavy, as_of=date(2026, 3, 20))
    got = result.volunteer_report().set_index("volunteer_id")
    assert got["score"].iloc[[0, 2]].tolist() == [90.0, 85.0]
    assert got["score"].isna()["V2"]  # only self-assessed, which weighs nothing now
    base = _march()
    counts = [c for c in VOLUNTEER_REPORT_COLUMNS if c not in ("volunteer_id", "score")]
    pd.testing.assert_frame_equal(got[counts], base[counts])


def test_months_and_monthly_rows() -> None:
    assert [p.label for p in months("2025-11", "2026-02")] == [
        "2025-11", "2025-12", "2026-01", "2026-02",
    ]  # fmt: skip
    assert Period.month("2026-12").end == date(2027, 1, 1)
    rows = monthly(ROSTER, RECORDS, months("2026-02", "2026-04"))
    hours = rows.pivot(index="volunteer_id", columns="period", values="hours")
    # V3's night session: 2 h in February, 2 in March; V2's April hour.
    assert hours.loc["V3"].to_numpy().tolist() == [2.0, 3.5, 0.0]
    assert hours.loc["V2"].to_numpy().tolist() == [0.0, 2.0, 1.0]


def test_bad_records_are_refused_naming_frame_row_and_field() -> None:
    with pytest.raises(InputError) as error:
        ActivityRecords(
            sessions=_frame(
                "volunteer_id team_id start end",
                [("V1", "T1", "2026-03-03 09:00", "2026-03-03 08:00")],
            ),
            doors=_frame(
                "team_id household_id recorded_at",
                [("T1", "H1", "2026-03-03"), ("T1", "H2", "soon")],
            ),
            ratings=_frame("volunteer_id period level score", [("V1", "2026-03", "boss", 120)]),
        )
    text = [str(p) for p in error.value.problems]
    assert "sessions:1:end: a session needs a start and an end no earlier than its start" in text
    assert "doors:2:recorded_at: not a date or time: 'soon'" in text
    assert "ratings:1:score: a score from 0 to 100, got 120" in text
    assert "ratings:1:level: one of self, team, community, got 'boss'" in text
    with pytest.raises(InputError, match="cases::closed_at: column missing"):
        ActivityRecords(cases=_frame("case_id volunteer_id team_id handled_at", []))


def test_aware_times_are_read_in_the_community_zone() -> None:
    # 2026-03-31 17:00 UTC is 04-01 01:00 in Shanghai: an April session there.
    utc = ActivityRecords(
        sessions=_frame(
            "volunteer_id team_id start end",
            [("V1", "T1", T("2026-03-31 16:00", tz="UTC"), T("2026-03-31 17:00", tz="UTC"))],
        )
    )
    local = utc.local("Asia/Shanghai")
    assert evaluate(ROSTER, local, MARCH).volunteers["hours"].iat[0] == 0.0
    april = evaluate(ROSTER, local, Period.month("2026-04"))
    assert april.volunteers["hours"].iat[0] == 1.0


# --- a naive recount over seeded random records ------------------------------------


def _random_records(seed: int) -> tuple[pd.DataFrame, ActivityRecords]:
    rng = np.random.default_rng(seed)
    teams = [f"T{k}" for k in range(4)]
    roster = pd.DataFrame(
        {
            "volunteer_id": [f"V{k:02d}" for k in range(12)],
            "name": [f"名{k}" for k in range(12)],
            "team_id": [teams[k % 4] for k in range(12)],
        }
    )
    base = datetime(2026, 2, 25)

    def when(n: int) -> list[pd.Timestamp]:
        minutes = rng.integers(0, 40 * 24 * 60, n) // 15 * 15
        return [T(base + timedelta(minutes=int(m))) for m in minutes]

    starts = when(60)
    vids = rng.choice(roster["volunteer_id"], 60)
    team = dict(zip(roster["volunteer_id"], roster["team_id"], strict=True))
    sessions = pd.DataFrame(
        {
            "volunteer_id": vids,
            "team_id": [team[v] for v in vids],
            "start": starts,
            "end": [
                s + timedelta(minutes=int(m))
                for s, m in zip(starts, rng.integers(1, 16, 60) * 15, strict=True)
            ],
        }
    )
    named = rng.random(200) < 0.3
    door_team = rng.choice(teams, 200)
    doors = pd.DataFrame(
        {
            "team_id": door_team,
            "household_id": [f"H{k}" for k in rng.integers(0, 80, 200)],
            "recorded_at": when(200),
            "status": rng.choice(["visited", "not_home", "refused"], 200),
            "volunteer_id": [
                rng.choice(roster["volunteer_id"][roster["team_id"] == t]) if n else ""
                for t, n in zip(door_team, named, strict=True)
            ],
        }
    )
    handled = when(30)
    cases = pd.DataFrame(
        {
            "case_id": [f"C{k}" for k in range(30)],
            "volunteer_id": (v := rng.choice(roster["volunteer_id"], 30)),
            "team_id": [team[x] for x in v],
            "handled_at": handled,
            "closed_at": [
                h + timedelta(days=int(d)) if d < 12 else pd.NaT
                for h, d in zip(handled, rng.integers(0, 16, 30), strict=True)
            ],
        }
    )
    visits = pd.DataFrame(
        {
            "date": [t.date().isoformat() for t in when(50)],
            "household_id": [f"H{k}" for k in rng.integers(0, 20, 50)],
            "volunteer_id": rng.choice(roster["volunteer_id"], 50),
            "state": rng.choice(["done", "overdue", "upcoming"], 50),
        }
    )
    return roster, ActivityRecords(sessions=sessions, doors=doors, cases=cases, pair_visits=visits)


def _naive(roster: pd.DataFrame, records: ActivityRecords, period: Period) -> pd.DataFrame:
    """The same counts by plain loops: minute sets for hours, explicit coverage for doors."""
    lo, hi = period.start_at, period.end_at
    rows = {}
    for vid in roster["volunteer_id"]:
        minutes: set[pd.Timestamp] = set()
        mine = records.sessions[records.sessions["volunteer_id"] == vid]
        for s, e in zip(mine["start"], mine["end"], strict=True):
            t = s
            while t < e:
                if lo <= t < hi:
                    minutes.add(t)
                t += timedelta(minutes=15)  # every time in the data is on the quarter hour
        doors = set()
        for r in records.doors.to_dict("records"):
            if not (lo <= r["recorded_at"] < hi):
                continue
            if r["volunteer_id"] == vid or (
                r["volunteer_id"] == ""
                and any(
                    s["team_id"] == r["team_id"] and s["start"] <= r["recorded_at"] <= s["end"]
                    for s in mine.to_dict("records")
                )
            ):
                doors.add(r["household_id"])
        closed = sum(
            1
            for c in records.cases.to_dict("records")
            if c["volunteer_id"] == vid and lo <= c["closed_at"] < hi
        )
        due = [
            v["state"]
            for v in records.pair_visits.to_dict("records")
            if v["volunteer_id"] == vid and lo <= v["date"] < hi
        ]
        rows[vid] = (len(minutes) / 4, len(doors), closed, due.count("done"), len(due))
    return pd.DataFrame.from_dict(
        rows,
        orient="index",
        columns=["hours", "doors", "cases_closed", "pair_visits_done", "pair_visits_due"],
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_counts_equal_a_naive_recount(seed: int) -> None:
    roster, records = _random_records(seed)
    for period in (MARCH, Period(date(2026, 2, 27), date(2026, 3, 4))):
        got = evaluate(roster, records, period).volunteer_report().set_index("volunteer_id")
        want = _naive(roster, records, period)
        assert want["doors"].sum() > 0 and want["hours"].sum() > 0
        pd.testing.assert_frame_equal(got[want.columns], want, check_dtype=False, check_names=False)
