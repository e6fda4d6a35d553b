"""Team route sheets: the team's doors only, no contacts, the QR code of its link, refusals."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import qrcode
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from tests.web.conftest import copy_db, login, make_app
from tests.web.pdf.test_pdf import poppler
from web.db import sessions
from web.demo import DEMO_PASSWORD, DEMO_USER
from web.field.routes import stops_of
from web.pdf.team_sheet import QR_ERROR, team_sheet_pdf
from web.pdf.text import Lang
from web.plans import latest_plan
from web.storage.models import Community, Household

NEW_LINK = re.compile(
    r'id="new-link-url" readonly value="([^"]+)".*?'
    r'<form method="post" action="([^"]+)" id="new-link-sheet">.*?'
    r'name="token" value="([^"]+)"',
    re.S,
)


def pdf_text(pdf: Path) -> str:
    """The PDF's text with runs of white space made single spaces."""
    return re.sub(r"\s+", " ", poppler("pdftotext", str(pdf), "-"))


def qr_in(pdf: Path, tmp_path: Path, side: int) -> np.ndarray:
    """The ``side`` × ``side`` modules (True = dark) of the PDF's one image, read at their
    centres (the image is drawn with whole pixels per module)."""
    stem = tmp_path / f"{pdf.stem}-img"
    poppler("pdfimages", "-png", str(pdf), str(stem))
    (image,) = sorted(tmp_path.glob(f"{stem.name}-*.png"))
    pixels = np.asarray(Image.open(image).convert("L"))
    centres = ((np.arange(side) + 0.5) * pixels.shape[0] / side).astype(int)
    modules: np.ndarray = pixels[np.ix_(centres, centres)] < 128
    return modules


def qr_modules(text: str) -> np.ndarray:
    """The QR matrix of ``text`` with a border of one module, as the sheets draw it."""
    code = qrcode.QRCode(error_correction=QR_ERROR, border=1)
    code.add_data(text)
    code.make(fit=True)
    return np.array(code.get_matrix(), dtype=bool)


@pytest.fixture
def sheet_app(demo_copy: Path) -> Iterator[Flask]:
    """The demo app (a private copy) with the solver-free sweep routes for speed."""
    app = make_app(demo_copy)
    app.config["FIELD_ROUTE_SOLVER"] = "sweep"
    yield app


@pytest.fixture
def coord(sheet_app: Flask) -> tuple[FlaskClient, str]:
    """The demo coordinator's client and CSRF token."""
    client = sheet_app.test_client()
    return client, login(client, DEMO_USER, DEMO_PASSWORD)


def new_link(coord: tuple[FlaskClient, str], team: str) -> tuple[str, str, str]:
    """A new link's (URL, sheet form action, token) as its creation page shows them once."""
    client, csrf = coord
    response = client.post(
        "/communities/1/field/links", data={"team_id": team, "days": "30", "csrf_token": csrf}
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    match = NEW_LINK.search(response.get_data(as_text=True))
    assert match, "the new link panel has no route sheet form"
    url, action, token = match.groups()
    assert url.endswith(f"/t/{token}") and token not in action
    return url, action, token


def sheet(coord: tuple[FlaskClient, str], action: str, token: str, tmp_path: Path) -> Path:
    """POST the sheet form; the PDF saved to a file."""
    client, csrf = coord
    response = client.post(action, data={"token": token, "csrf_token": csrf})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Cache-Control"] == "no-store"
    path = tmp_path / f"sheet-{len(list(tmp_path.iterdir()))}.pdf"
    path.write_bytes(response.data)
    return path


def stored_stops(app: Flask, team: str) -> Sequence[Any]:
    """The team's stored stops of the published plan (plain rows, no session needed)."""
    with sessions(app)() as session:
        community = session.get(Community, 1)
        assert community is not None
        plan = latest_plan(session, community, published=True)
        assert plan is not None
        found = stops_of(session, plan.id, team)
    return found


def headings(stops: Sequence[Any]) -> set[str]:
    """The sheet's building-and-floor headings, spelt here as the sheet should print them."""
    return {
        f"{s.label} {s.floor}层" if s.floor > 0 else f"{s.label} 地下{-s.floor}层" for s in stops
    }


def test_sheet_holds_the_teams_doors_its_link_and_embedded_fonts(
    sheet_app: Flask, coord: tuple[FlaskClient, str], tmp_path: Path
) -> None:
    url_a, action_a, token_a = new_link(coord, "T001")
    url_b, _, _ = new_link(coord, "T002")
    text = pdf_text(sheet(coord, action_a, token_a, tmp_path))
    assert sheet_app.test_client().get(url_b + "/api/stops").status_code == 200  # B's route
    mine, theirs = stored_stops(sheet_app, "T001"), stored_stops(sheet_app, "T002")
    assert mine and theirs
    assert "入户路线单" in text and "队伍 T001" in text and f"{len(mine)} 户" in text
    assert url_a in text and url_b not in text
    assert all(h in text for h in headings(mine))
    only_theirs = headings(theirs) - headings(mine)
    assert only_theirs and not any(h in text for h in only_theirs)
    # every door in walking order: the number column counts up to the team's stops
    numbers = [int(n) for n in re.findall(r"(?<![\d.])(\d{1,3}) \d{3,4}(?=\s)", text)]
    assert numbers == list(range(1, len(mine) + 1))


def test_sheet_qr_code_is_the_links_url(
    sheet_app: Flask, coord: tuple[FlaskClient, str], tmp_path: Path
) -> None:
    url_a, action_a, token_a = new_link(coord, "T003")
    url_b, _, _ = new_link(coord, "T004")
    pdf = sheet(coord, action_a, token_a, tmp_path)
    fonts = poppler("pdffonts", str(pdf)).splitlines()[2:]
    assert fonts and all(row.split()[-5] == "yes" for row in fonts)  # "emb"
    expected = qr_modules(url_a)
    printed = qr_in(pdf, tmp_path, len(expected))
    assert np.array_equal(printed, expected)
    assert not np.array_equal(printed, qr_modules(url_b))


def test_sheet_shows_no_phone_or_request_even_when_phones_may(
    sheet_app: Flask, coord: tuple[FlaskClient, str], tmp_path: Path
) -> None:
    client, csrf = coord
    settings = {"show_phone": "1", "show_requests": "1", "csrf_token": csrf}
    assert client.post("/communities/1/field/settings", data=settings).status_code == 302
    url, action, token = new_link(coord, "T005")
    phone = sheet_app.test_client()
    assert phone.get(url + "/api/stops").status_code == 200  # the route is stored
    mine = {s.household_id for s in stored_stops(sheet_app, "T005")}
    with sessions(sheet_app)() as session:
        for household in session.query(Household).filter(Household.household_id.in_(mine)):
            household.requests = f"需要代购药品 {household.household_id}"
        session.commit()
    seen = phone.get(url + "/api/stops").get_json()["stops"]
    phones = {s["phone"] for s in seen} - {""}
    requests = {s["requests"] for s in seen} - {""}
    assert phones and len(requests) == len(mine)  # the phone page does show them
    text = pdf_text(sheet(coord, action, token, tmp_path))
    assert not any(p in text for p in phones) and "需要代购药品" not in text
    assert not re.search(r"1\d{10}", text)  # no mobile number at all


def test_wrong_token_revoked_link_missing_csrf_and_viewer_are_refused(
    sheet_app: Flask, coord: tuple[FlaskClient, str]
) -> None:
    client, csrf = coord
    _, action_a, token_a = new_link(coord, "T006")
    _, action_b, token_b = new_link(coord, "T007")
    assert client.post(action_a, data={"token": token_b, "csrf_token": csrf}).status_code == 403
    assert client.post(action_a, data={"token": "", "csrf_token": csrf}).status_code == 403
    assert client.post(action_a, data={"token": token_a}).status_code == 400  # no CSRF token
    made = client.post("/communities/1/field/links", data={"team_id": "T006", "days": "30"})
    assert made.status_code == 400  # nor may a link be made without one
    assert client.get(action_a).status_code == 405  # never by URL
    missing = re.sub(r"/links/\d+/", "/links/999999/", action_a)
    assert client.post(missing, data={"token": token_a, "csrf_token": csrf}).status_code == 404
    revoke = action_b.replace("/sheet", "/revoke")
    assert client.post(revoke, data={"csrf_token": csrf}).status_code == 302
    assert client.post(action_b, data={"token": token_b, "csrf_token": csrf}).status_code == 404
    anonymous = client.application.test_client()
    # refused before the login check: the app-wide CSRF check sees no token
    assert anonymous.post(action_a, data={"token": token_a}).status_code == 400


def test_a_viewer_cannot_print_a_sheet(accounts_db: Path, tmp_path: Path) -> None:
    app = make_app(copy_db(accounts_db, tmp_path / "accounts.db"))
    app.config["FIELD_ROUTE_SOLVER"] = "sweep"
    coordinator = app.test_client()
    _, action, token = new_link((coordinator, login(coordinator, DEMO_USER, DEMO_PASSWORD)), "T008")
    viewer = app.test_client()
    csrf = login(viewer, "viewer")
    assert viewer.post(action, data={"token": token, "csrf_token": csrf}).status_code == 403


@dataclass(frozen=True)
class Door:
    """A stop as the visit planner stores it: two sessions, times of arrival."""

    session: int
    building_id: str
    label: str
    floor: int
    unit: str
    arrival: str


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("zh", ("3 户 · 1 栋楼 · 分 2 次走完", "第1次", "第2次", "3座 24层", "3座 地下1层")),
        ("en", ("3 household(s) · 1 building(s) · 2 sessions", "Session 1", "Session 2",
                "3座 floor 24", "3座 basement 1")),
    ],
)  # fmt: skip
def test_sessions_arrivals_and_basements(
    lang: Lang, words: tuple[str, ...], tmp_path: Path
) -> None:
    doors = [
        Door(1, "b3", "3座", 24, "2401", "09:05:30"),
        Door(1, "b3", "3座", 24, "2402", "09:09:00"),
        Door(2, "b3", "3座", -1, "B101", "14:30:00"),
    ]
    url = "https://example.org/t/abc"
    path = tmp_path / f"{lang}.pdf"
    path.write_bytes(team_sheet_pdf(doors, team="T9", url=url, lang=lang))
    text = pdf_text(path)
    assert all(w in text for w in words), text
    assert "09:05" in text and "14:30" in text and "09:05:30" not in text
    assert url in text and "B101" in text
