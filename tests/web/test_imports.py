"""The import page: every row problem in a table, nothing half-imported; good files stored."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient

from tests.web.conftest import login, make_app
from tests.web.test_cli import _digest
from web import store
from web.demo import DEMO_PASSWORD, DEMO_USER

TEST_DATA = Path(__file__).resolve().parent.parent / "data"
GOOD, BAD = TEST_DATA / "good", TEST_DATA / "bad"


def _client(db: Path) -> tuple[FlaskClient, str]:
    client = make_app(db).test_client()
    return client, login(client, DEMO_USER, DEMO_PASSWORD)


def test_one_bad_row_stores_nothing_and_the_page_lists_the_problem(demo_copy: Path) -> None:
    client, token = _client(demo_copy)
    before = _digest(demo_copy)
    bad = BAD / "volunteers_duplicate_id.csv"
    with bad.open("rb") as handle:
        response = client.post(
            "/communities/1/import",
            data={"csrf_token": token, "volunteers": (handle, "志愿者.csv")},
            content_type="multipart/form-data",
        )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="problems"' in html
    rows = html.split('id="problems"')[1].split("</table>")[0].count("<tr><td>")
    assert rows >= 1
    assert "志愿者.csv" in html  # named as uploaded, not by its temporary path
    assert "/tmp" not in html and "redvest-upload" not in html
    assert _digest(demo_copy) == before


def test_bad_file_among_good_ones_stores_none_of_them(demo_copy: Path) -> None:
    client, token = _client(demo_copy)
    before = _digest(demo_copy)
    with (
        (GOOD / "buildings.geojson").open("rb") as buildings,
        (BAD / "households_bad_values.csv").open("rb") as households,
    ):
        response = client.post(
            "/communities/1/import",
            data={
                "csrf_token": token,
                "buildings": (buildings, "buildings.geojson"),
                "households": (households, "households.csv"),
            },
            content_type="multipart/form-data",
        )
    assert response.status_code == 422
    assert "households.csv" in response.get_data(as_text=True)
    assert _digest(demo_copy) == before


def test_good_files_are_stored(empty_db: Path) -> None:
    client = make_app(empty_db).test_client()
    token = login(client, "coord")
    files = {
        "buildings": GOOD / "buildings.geojson",
        "households": GOOD / "households_zh_utf8bom.csv",
        "volunteers": GOOD / "volunteers.csv",
    }
    handles = {kind: path.open("rb") for kind, path in files.items()}
    try:
        response = client.post(
            "/communities/1/import",
            data={"csrf_token": token}
            | {kind: (h, files[kind].name) for kind, h in handles.items()},
            content_type="multipart/form-data",
        )
    finally:
        for handle in handles.values():
            handle.close()
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    engine = store.open_engine(empty_db)
    with store.session_factory(engine)() as session:
        community = store.find_community(session, "新社区")
        assert community is not None
        counts = store.counts(session, community)
    assert counts["buildings"] > 0 and counts["households"] > 0 and counts["volunteers"] > 0
    assert f"<b>{counts['households']}</b>" in page


def test_no_file_is_a_message_not_an_error(demo_copy: Path) -> None:
    client, token = _client(demo_copy)
    response = client.post(
        "/communities/1/import", data={"csrf_token": token}, follow_redirects=True
    )
    assert response.status_code == 200
    assert "nothing to import" in response.get_data(as_text=True)
