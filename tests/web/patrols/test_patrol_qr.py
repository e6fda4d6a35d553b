"""A patrol route sheet's QR code opens the route's phone page: map and checkpoints, no log-in."""

from __future__ import annotations

import html
import json
import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pytest
import qrcode
from flask import Flask
from PIL import Image

from tests.web.conftest import copy_db, login, make_app
from tests.web.pdf.test_pdf import poppler
from web.demo import DEMO_PASSWORD, DEMO_USER
from web.patrols.pages import PAGES_FILE, is_key, load_page, new_key
from web.pdf.route_sheet import route_url

SHEET_URL = re.compile(r"https?://\S+/r/\S+/R\d\d")
NAME = re.compile(r'<span class="name">([^<]*)</span>')


def printed_qr(pdf: Path, tmp_path: Path, text: str) -> tuple[np.ndarray, np.ndarray]:
    """The modules of the PDF's one image (read at module centres) and those of ``text``
    (qrcode's defaults, as route_sheet draws it: medium error correction, border 1)."""
    code = qrcode.QRCode(border=1)
    code.add_data(text)
    code.make(fit=True)
    expected = np.array(code.get_matrix(), dtype=bool)
    stem = tmp_path / f"{pdf.stem}-img"
    poppler("pdfimages", "-png", str(pdf), str(stem))
    (image,) = sorted(tmp_path.glob(f"{stem.name}-*.png"))
    pixels = np.asarray(Image.open(image).convert("L"))
    centres = ((np.arange(len(expected)) + 0.5) * pixels.shape[0] / len(expected)).astype(int)
    return pixels[np.ix_(centres, centres)] < 128, expected


@pytest.fixture(scope="module")
def patrol_job(
    demo_db: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Flask, dict[str, Any]]:
    """The demo app after one patrol job from its page (2 routes, 1 week): app, job state."""
    app = make_app(copy_db(demo_db, tmp_path_factory.mktemp("patrol-qr") / "demo.db"))
    client = app.test_client()
    csrf = login(client, DEMO_USER, DEMO_PASSWORD)
    form = {"routes": "2", "weeks": "1", "slots_per_day": "1", "time_limit_s": "2"}
    response = client.post("/communities/1/patrols", data={**form, "csrf_token": csrf})
    assert response.status_code == 302
    page = client.get("/communities/1/patrols").get_data(as_text=True)
    job = re.search(r'data-job-id="(\d+)"', page)
    assert job
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        state: dict[str, Any] = client.get(f"/api/v1/jobs/{job.group(1)}").get_json()
        if state["finished"]:
            assert state["status"] == "done", state
            return app, state
        time.sleep(0.5)
    raise AssertionError("the patrol job did not finish in 240 s")


def sheet(app: Flask, state: dict[str, Any], name: str, tmp_path: Path) -> Path:
    """Download one of the job's files as the coordinator does."""
    client = app.test_client()
    login(client, DEMO_USER, DEMO_PASSWORD)
    response = client.get(f"/communities/1/patrols/{state['id']}/{name}")
    assert response.status_code == 200
    path = tmp_path / name
    path.write_bytes(response.data)
    return path


@pytest.mark.slow
def test_each_route_sheets_qr_opens_its_phone_page_without_log_in(
    patrol_job: tuple[Flask, dict[str, Any]], tmp_path: Path
) -> None:
    app, state = patrol_job
    sheets = [f for f in state["result"]["files"] if f.startswith("route_")]
    assert sheets == ["route_R01.pdf", "route_R02.pdf"]
    phone = app.test_client()  # a volunteer's phone: no session, no log-in
    for name in sheets:
        route = name.removeprefix("route_").removesuffix(".pdf")
        pdf = sheet(app, state, name, tmp_path)
        text = re.sub(r"\s+", " ", poppler("pdftotext", str(pdf), "-"))
        found = SHEET_URL.search(text)
        assert found, f"{name} prints no phone page URL"
        url = found.group(0)
        assert url.endswith(f"/{route}")
        printed, expected = printed_qr(pdf, tmp_path, url)
        assert np.array_equal(printed, expected)
        key = urlsplit(url).path.split("/")[2]
        assert is_key(key)
        page = phone.get(urlsplit(url).path)
        assert page.status_code == 200
        body = page.get_data(as_text=True)
        assert f"巡查路线 {route}" in body
        assert page.headers["Referrer-Policy"] == "no-referrer"
        names = [html.unescape(n) for n in NAME.findall(body)]
        assert names, "the page lists no checkpoint"
        # the sheet's checklist, numbered in the same order
        assert all(f"{i} {n}" in text for i, n in enumerate(names, start=1)), names
        shown = phone.get(urlsplit(url).path + "/map")
        assert shown.status_code == 200
        scripts = re.findall(r'<script[^>]+src="([^"]+)"', shown.get_data(as_text=True))
        assert scripts and all(s.startswith("/static/vendor/") for s in scripts), scripts
        assert "#c62828" in shown.get_data(as_text=True)  # the route line


@pytest.mark.slow
def test_unknown_keys_and_routes_are_not_found(
    patrol_job: tuple[Flask, dict[str, Any]],
) -> None:
    app, state = patrol_job
    client = app.test_client()
    folder = Path(json.loads(_params(app, state["id"]))["folder"])
    key = folder.name
    assert (folder / PAGES_FILE).is_file()
    assert client.get(f"/r/{key}/R01").status_code == 200
    for path in (f"/r/{new_key()}/R01", f"/r/{key}/R09", "/r/R01", f"/r/{key[:-1]}/R01"):
        assert client.get(path).status_code == 404, path
        assert client.get(path + "/map").status_code == 404, path
    # the coordinator's patrol pages still need a log-in
    assert client.get("/communities/1/patrols").status_code == 302
    assert client.get(f"/communities/1/patrols/{state['id']}/rota.pdf").status_code == 302


def _params(app: Flask, job_id: int) -> str:
    from web.db import sessions
    from web.storage.models import JobRecord

    with sessions(app)() as session:
        row = session.get(JobRecord, job_id)
        assert row is not None
        return row.params


def test_route_url_keeps_the_old_form_and_adds_the_export_key() -> None:
    assert route_url("https://example.org/redvest/", "R01") == "https://example.org/redvest/r/R01"
    key = new_key()
    assert route_url("https://example.org/app", "R01", key) == (
        f"https://example.org/app/r/{key}/R01"
    )
    assert is_key(key) and len(key) >= 22 and new_key() != key


def test_malformed_keys_never_reach_the_file_system(tmp_path: Path) -> None:
    route = {"team": "", "length_m": 1, "time_s": 1, "deadhead_m": 0, "path": [],
             "checkpoints": [["门口", 24.9, 60.2]]}  # fmt: skip
    data = json.dumps({"title": "", "start": [24.9, 60.2], "routes": {"R01": route}})
    good = "A" * 22
    for folder in ("pages", good):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / PAGES_FILE).write_text(data, encoding="utf-8")
    page = load_page(tmp_path, good, "R01")
    assert page is not None and page.checkpoints[0].name == "门口"
    for key in ("..", "pages", "../pages", f"{good}/", "a" * 65, ""):
        assert not is_key(key)
        assert load_page(tmp_path, key, "R01") is None
