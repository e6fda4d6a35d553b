"""The import page: a background job; every row problem in a table, nothing half-imported."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient

from tests.web.conftest import login, make_app
from tests.web.support import community_session, data_digest
from tests.web.uploads import Upload, import_files, post_import, table_rows
from web.demo import DEMO_PASSWORD, DEMO_USER
from web.storage import frames

TEST_DATA = Path(__file__).resolve().parents[2] / "data"
GOOD, BAD = TEST_DATA / "good", TEST_DATA / "bad"


def _client(db: Path) -> tuple[FlaskClient, str]:
    client = make_app(db).test_client()
    return client, login(client, DEMO_USER, DEMO_PASSWORD)


def test_one_bad_row_stores_nothing_and_the_page_lists_the_problem(demo_copy: Path) -> None:
    client, token = _client(demo_copy)
    before = data_digest(demo_copy, jobs=False)
    bad = BAD / "volunteers_duplicate_id.csv"
    state, page = import_files(client, token, {"volunteers": (bad, "志愿者.csv")})
    # A failed job that keeps its problems as records: file, row, field, message.
    assert state["status"] == "failed" and state["result"] == {}
    assert {"file": "志愿者.csv", "row": 4, "field": "编号"}.items() <= state["problems"][0].items()
    assert "志愿者.csv" in state["error"]
    rows = table_rows(page)
    assert [
        "志愿者.csv",
        "4",
        "编号",
        "duplicate volunteer id &#39;V1&#39; (first in row 2)",
    ] in rows
    assert "/tmp" not in page and "redvest-upload" not in page and "instance" not in page
    assert data_digest(demo_copy, jobs=False) == before


def test_bad_file_among_good_ones_stores_none_of_them(demo_copy: Path) -> None:
    client, token = _client(demo_copy)
    before = data_digest(demo_copy, jobs=False)
    state, page = import_files(
        client,
        token,
        {
            "buildings": (GOOD / "buildings.geojson", "buildings.geojson"),
            "households": (BAD / "households_bad_values.csv", "households.csv"),
        },
    )
    assert state["status"] == "failed"
    assert "households.csv" in {row[0] for row in table_rows(page)}
    assert data_digest(demo_copy, jobs=False) == before


def test_good_files_are_stored_by_the_job(empty_db: Path) -> None:
    client = make_app(empty_db).test_client()
    token = login(client, "coord")
    files: dict[str, Upload] = {
        "buildings": (GOOD / "buildings.geojson", "buildings.geojson"),
        "households": (GOOD / "households_zh_utf8bom.csv", "households.csv"),
        "volunteers": (GOOD / "volunteers.csv", "volunteers.csv"),
    }
    state, page = import_files(client, token, files)
    assert state["status"] == "done" and state["result"]["stored"] is True
    with community_session(empty_db, "新社区") as (session, community):
        counts = frames.counts(session, community)
    assert counts["buildings"] > 0 and counts["households"] > 0 and counts["volunteers"] > 0
    assert state["result"]["counts"]["households"] == counts["households"]
    assert f"households <b>{counts['households']}</b>" in page
    instance = Path(client.application.instance_path) / "imports"
    assert not instance.exists() or not any(instance.iterdir())  # the job removed its files


def test_repaired_footprint_is_a_note_on_the_page(empty_db: Path) -> None:
    client = make_app(empty_db).test_client()
    token = login(client, "coord")
    bowtie = GOOD / "buildings_selfintersecting.geojson"
    state, page = import_files(client, token, {"buildings": (bowtie, "楼栋.geojson")})
    assert state["result"]["stored"] is True and state["result"]["counts"]["buildings"] == 2
    (note,) = state["result"]["notes"]
    assert (note["file"], note["row"], note["field"]) == ("楼栋.geojson", 2, "geometry")
    assert "building &#39;SZ-BOW&#39;" in page and 'id="notes"' in page


def test_no_file_is_a_message_not_an_error(demo_copy: Path) -> None:
    client, token = _client(demo_copy)
    response = client.post(
        "/communities/1/import", data={"csrf_token": token}, follow_redirects=True
    )
    assert response.status_code == 200
    assert "nothing to import" in response.get_data(as_text=True)


def test_a_file_over_its_limit_is_refused_at_once(demo_copy: Path) -> None:
    client, token = _client(demo_copy)
    big = b"volunteer_id,name\n" + b"V1,x\n" * (1024 * 1024)  # 5 MiB: the roster limit is 4
    response = post_import(client, token, {"volunteers": (big, "roster.csv")})
    assert response.status_code == 422
    assert table_rows(response.get_data(as_text=True)) == [
        ["roster.csv", "", "", "file too large: 5.0 MiB, the limit for volunteers is 4.0 MiB"]
    ]


def test_only_the_upload_takes_a_large_body(demo_copy: Path) -> None:
    client, token = _client(demo_copy)
    blob = b"x" * (2 * 1024 * 1024)
    response = client.post("/login", data={"username": blob.decode(), "csrf_token": token})
    assert response.status_code == 413
    roster = b"volunteer_id,name\n" + b"V1,x\n" * (400 * 1024)  # 2 MiB: within its limit
    response = post_import(client, token, {"volunteers": (roster, "roster.csv")})
    assert response.status_code == 302
