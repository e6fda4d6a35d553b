"""Visit page: a coordinator plans one team's sessions as a job, sees the stops, downloads."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import pandas as pd
import pytest
from flask.testing import FlaskClient

from tests.web.conftest import login, make_app
from tests.web.support import community_session, wait_job
from web.cli import DEMO_COMMUNITY
from web.demo import DEMO_PASSWORD, DEMO_USER
from web.storage import frames
from web.visits.operations import VisitRequest

HEADER = "team_id,session,seq,household_id,building_id,floor,unit,arrival,departure"


def _demo_ids(db: Path) -> tuple[int, str]:
    with community_session(db, DEMO_COMMUNITY) as (session, community):
        households = frames.load_households(session, community)
        phones = households.loc[households["phone"] != "", "phone"]
        ids = community.id, str(phones.iloc[0]) if len(phones) else ""
    return ids


def test_coordinator_plans_one_team_and_downloads_the_files(demo_copy: Path) -> None:
    community, phone = _demo_ids(demo_copy)
    client = make_app(demo_copy).test_client()
    token = login(client, DEMO_USER, DEMO_PASSWORD)
    page = client.get(f"/communities/{community}/visits").get_data(as_text=True)
    teams = re.findall(r'<option value="(T\d+)">', page)
    assert teams and 'id="nav-visits"' in page
    form = {"team": teams[0], "start": "09:00", "end": "12:00", "time_limit_s": "1"}
    began = time.monotonic()
    posted = client.post(f"/communities/{community}/visits", data={**form, "csrf_token": token})
    assert posted.status_code == 302 and time.monotonic() - began < 3  # returns at once
    shown = client.get(posted.headers["Location"]).get_data(as_text=True)
    found = re.search(r'data-job-id="(\d+)"', shown)
    assert found
    job_id = int(found.group(1))
    state = wait_job(client, job_id, 60)
    assert state["status"] == "done", state
    assert state["result"]["teams"] == [teams[0]] and state["result"]["stops"] > 0
    html = client.get(f"/communities/{community}/visits").get_data(as_text=True)
    assert html.count('<tr class="stop">') == state["result"]["stops"]
    assert html.count('<tr class="dropped">') == state["result"]["dropped"]
    assert f'data-team="{teams[0]}" data-session="1"' in html
    assert phone and phone not in html  # nothing personal on the page
    files = state["result"]["files"]
    assert files[:2] == ["visits.csv", "dropped.csv"] and any(f.endswith(".gpx") for f in files)
    base = f"/communities/{community}/visits/{job_id}"
    visits = client.get(f"{base}/visits.csv")
    assert visits.status_code == 200
    assert visits.get_data().startswith("\ufeff".encode())  # Excel reads UTF-8 after a BOM
    text = visits.get_data().decode("utf-8-sig")
    assert text.splitlines()[0] == HEADER
    frame = pd.read_csv(io.StringIO(text), dtype=str)
    assert set(frame["team_id"]) == {teams[0]} and len(frame) == state["result"]["stops"]
    assert client.get(f"{base}/dropped.csv").status_code == 200
    gpx = client.get(f"{base}/{files[-1]}")
    assert gpx.status_code == 200 and b"<gpx" in gpx.get_data()
    for bad in ("secret_key", "..%2Fdemo.db", "visits.txt"):
        assert client.get(f"{base}/{bad}").status_code == 404, bad


@pytest.fixture
def accounts(accounts_db: Path) -> tuple[FlaskClient, int]:
    community, _phone = _demo_ids(accounts_db)
    return make_app(accounts_db).test_client(), community


def test_viewer_reads_but_cannot_submit(accounts: tuple[FlaskClient, int]) -> None:
    client, community = accounts
    token = login(client, "viewer")
    page = client.get(f"/communities/{community}/visits")
    assert page.status_code == 200 and 'id="visit-form"' not in page.get_data(as_text=True)
    posted = client.post(f"/communities/{community}/visits", data={"csrf_token": token})
    assert posted.status_code == 403


def test_coordinator_of_another_community_is_refused(accounts: tuple[FlaskClient, int]) -> None:
    client, community = accounts
    token = login(client, "coord_b")
    assert client.get(f"/communities/{community}/visits").status_code == 403
    posted = client.post(f"/communities/{community}/visits", data={"csrf_token": token})
    assert posted.status_code == 403
    assert client.get(f"/communities/{community}/visits/1/visits.csv").status_code == 403


def test_post_without_csrf_is_refused(accounts: tuple[FlaskClient, int]) -> None:
    client, community = accounts
    login(client, "admin")
    posted = client.post(f"/communities/{community}/visits", data={"team": "", "start": "09:00"})
    assert posted.status_code == 400


@pytest.mark.parametrize(
    "values",
    [{"start": "9am"}, {"start": "12:00", "end": "09:00"}, {"time_limit_s": "0"}, {"end": "24:00"}],
)
def test_bad_requests_are_refused(values: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        VisitRequest.parse(values)


def test_request_defaults_are_every_team_in_the_morning() -> None:
    request = VisitRequest.parse({"team": " "})
    assert request == VisitRequest((), "09:00", "12:00", 3.0)
