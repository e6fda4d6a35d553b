"""PatrolRequest: the command line, the patrol page and the API refuse alike; job problems."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.web.conftest import PASSWORD, csrf_token, login, make_app
from tests.web.support import assert_page_and_api_refuse, wait_job
from tests.web.uploads import table_rows
from web.cli import main
from web.patrols.operations import PatrolRequest

# (command-line flags, the same values as the form sends them, the one message)
REFUSED = [
    (["--weeks", "0"], {"weeks": "0"}, "weeks must be a whole number in 1..53, got 0"),
    (["--weeks", "54"], {"weeks": "54"}, "weeks must be a whole number in 1..53, got 54"),
    (
        ["--slots-per-day", "13"],
        {"slots_per_day": "13"},
        "patrols per day must be a whole number in 1..12, got 13",
    ),
    (
        ["--time-limit", "0"],
        {"time_limit_s": "0"},
        "time limit must be seconds in (0, 600], got 0",
    ),
    (
        ["--time-limit", "601"],
        {"time_limit_s": "601"},
        "time limit must be seconds in (0, 600], got 601",
    ),
    (["--routes", "0"], {"routes": "0"}, "routes must be a whole number in 1..200, got 0"),
    (
        ["--slot-minutes", "5"],
        {"slot_minutes": "5"},
        "slot minutes must be a whole number in 10..720, got 5",
    ),
    (
        ["--slots-per-day", "3", "--slot-minutes", "400"],
        {"slots_per_day": "3", "slot_minutes": "400"},
        "a 400-minute slot from 18:30 runs past midnight; use a shorter slot or fewer slots a day",
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
    args = ["plan-patrols", "--db", str(demo_db), "--out", str(out), "--routes", "6", *flags]
    assert main(args) == 1
    assert capsys.readouterr().err.strip() == f"redvest plan-patrols: {message}"

    # the API gets JSON numbers, not text: the same message all the same
    numbers = {name: int(value) for name, value in form.items()}
    pages = ("/communities/1/patrols", "/api/v1/communities/1/patrols")
    assert_page_and_api_refuse(client, *pages, form, numbers, message)
    assert not out.exists()


def test_the_api_refuses_fields_it_does_not_know(client: FlaskClient) -> None:
    token = csrf_token(client, "/")
    answer = client.post(
        "/api/v1/communities/1/patrols",
        json={"weeks": 2, "kind": "building"},
        headers={"X-CSRFToken": token},
    )
    assert answer.status_code == 400
    assert answer.get_json() == {"error": "kind: not a field of this request"}


def test_a_request_survives_the_job_parameters() -> None:
    request = PatrolRequest(
        kind="checkpoints", checkpoints=Path("点位.csv"), slot_minutes=60, weeks=2, seed=7
    )
    assert PatrolRequest.from_params(request.to_params()) == request


def test_a_job_without_a_network_fails_with_its_problem_as_a_record(empty_db: Path) -> None:
    client = make_app(empty_db).test_client()
    token = login(client, "coord", PASSWORD)
    answer = client.post(
        "/api/v1/communities/1/patrols", json={"routes": 2}, headers={"X-CSRFToken": token}
    )
    assert answer.status_code == 202
    state = wait_job(client, answer.get_json()["id"])
    message = "no walking network: import an OSM extract or a path layer first"
    assert state["status"] == "failed" and state["result"] == {}
    assert state["problems"] == [
        {"file": "database", "row": None, "field": None, "message": message}
    ]
    page = client.get("/communities/1/patrols").get_data(as_text=True)
    assert table_rows(page) == [["database", "", "", message]]
