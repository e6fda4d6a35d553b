"""VisitRequest: the command line, the visit page and the API refuse alike; the operation."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.web.support import assert_page_and_api_refuse, community_session
from web.cli import main
from web.visits.operations import VisitRequest, plan_community_visits

# (command-line flags, the same values as the form sends them, the one message)
REFUSED = [
    (
        ["--time-limit", "0"],
        {"time_limit_s": "0"},
        "time limit must be seconds in (0, 600], got 0",
    ),
    (
        ["--time-limit", "1e9"],
        {"time_limit_s": "1e9"},
        "time limit must be seconds in (0, 600], got 1000000000",
    ),
    (
        ["--session-start", "9am"],
        {"start": "9am"},
        "session start must be a time HH:MM, got '9am'",
    ),
    (
        ["--session-end", "24:00"],
        {"end": "24:00"},
        "session end must be a time HH:MM, got '24:00'",
    ),
    (
        ["--session-start", "12:00", "--session-end", "09:00"],
        {"start": "12:00", "end": "09:00"},
        "session end must be after session start, got 12:00-09:00",
    ),
    (
        ["--team", "X9"],
        {"team": "X9"},
        "team(s) X9 have no households in the territory plan",
    ),
]


@pytest.mark.parametrize(("flags", "form", "message"), REFUSED)
def test_cli_page_and_api_refuse_with_the_same_message(
    demo_db: Path,
    client: FlaskClient,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    flags: list[str],
    form: dict[str, str],
    message: str,
) -> None:
    out = tmp_path / "o"
    assert main(["plan-visits", "--db", str(demo_db), "--out", str(out), *flags]) == 1
    captured = capsys.readouterr()
    # a bad option is one line on stderr; an unknown team is an input problem on stdout
    printed = captured.err.strip() if "X9" not in flags else captured.out.strip()
    assert printed.endswith(message) and "Traceback" not in captured.err

    pages = ("/communities/1/visits", "/api/v1/communities/1/visit-plans")
    assert_page_and_api_refuse(client, *pages, form, form, message)
    assert not out.exists()


def test_a_request_survives_the_job_parameters() -> None:
    request = VisitRequest(("T001", "T002"), "08:30", "11:00", 2.0, seed=3, max_solutions=50)
    assert VisitRequest.from_params(request.to_params()) == request


def test_the_operation_reports_each_team_and_writes_the_files(
    demo_db: Path, tmp_path: Path
) -> None:
    seen: list[tuple[float, str]] = []
    request = VisitRequest(("T001", "T002"), time_limit_s=1.0)
    with community_session(demo_db) as (session, community):
        plans, written = plan_community_visits(
            session, community, request, tmp_path, progress=lambda f, m: seen.append((f, m))
        )
    assert [p.team_id for p in plans] == ["T001", "T002"]
    assert seen == [(0.0, "team T001"), (0.5, "team T002"), (0.99, "writing files")]
    assert {p.name for p in written} >= {"visits.csv", "dropped.csv"}
