"""Security headers: a nonce CSP without inline handlers, framing, sniffing, referrer,
no-store on personal pages and downloads, HSTS and Secure cookies only over HTTPS."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.security.conftest import Hostile, hostile_copy
from tests.web.conftest import CSRF, PASSWORD, login, make_app, make_link
from web import create_app
from web.demo import DEMO_PASSWORD, DEMO_USER
from web.headers import content_security_policy, tile_sources
from web.storage.engine import database_url
from web.tiles import tiles

# Values for the URL rules' arguments: the demo's community, its published plan, a building.
ARGUMENTS = {"community_id": 1, "plan_id": 1, "building_id": "w4253124"}


def coordinator_urls(app: Flask) -> list[str]:
    """Every GET URL of the app whose arguments are all in ``ARGUMENTS`` (so each page a
    blueprint adds is checked without being listed here)."""
    out = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static":
            continue
        if set(rule.arguments) <= set(ARGUMENTS):
            built = rule.build({k: ARGUMENTS[k] for k in rule.arguments}, append_unknown=False)
            assert built is not None, rule
            out.append(built[1])
    return sorted(set(out))


class Tags(HTMLParser):
    """The page's <script> tags (their attributes) and every on* attribute anywhere."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts.append(dict(attrs))
        self.handlers += [f"<{tag} {k}>" for k, _ in attrs if k.startswith("on")]


def policy(response: TestResponse) -> dict[str, list[str]]:
    """The response's Content-Security-Policy as directive → sources."""
    text = response.headers["Content-Security-Policy"]
    parts = [p.split() for p in text.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


def nonce_of(response: TestResponse) -> str:
    (source,) = [s for s in policy(response)["script-src"] if s.startswith("'nonce-")]
    return source.removeprefix("'nonce-").removesuffix("'")


def check_page(response: TestResponse) -> Tags:
    """The headers every page carries, and its scripts: external from /static/ or inline
    with this response's nonce; no inline event handler."""
    assert response.status_code == 200, response.request.path
    csp = policy(response)
    assert csp["script-src"][0] == "'self'" and len(csp["script-src"]) == 2
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    tags = Tags()
    tags.feed(response.get_data(as_text=True))
    nonce = nonce_of(response)
    for script in tags.scripts:
        src = script.get("src")
        assert (src or "").startswith("/static/") or script.get("nonce") == nonce, script
    assert tags.handlers == [], (response.request.path, tags.handlers)
    return tags


def test_coordinator_pages_carry_the_policy_and_no_store(app: Flask, client: FlaskClient) -> None:
    urls = coordinator_urls(app)
    assert {"/communities/1", "/communities/1/plans/1/map", "/communities/1/field"} <= set(urls)
    nonces = set()
    for url in urls:
        response = client.get(url)
        assert response.headers["X-Content-Type-Options"] == "nosniff", url
        assert "Strict-Transport-Security" not in response.headers  # plain HTTP
        if response.status_code in (301, 302):
            continue
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url
        nonces.add(nonce_of(response))
        if response.mimetype == "text/event-stream":
            response.close()  # the field page's record stream: headers are enough
            continue
        if response.mimetype != "text/html":
            continue
        tags = check_page(response)
        # the field page shows a new team link (a credential) once: it sends no referrer
        referrer = "no-referrer" if url.endswith("/field") else "same-origin"
        assert response.headers["Referrer-Policy"] == referrer, url
        if url.endswith("/map"):  # folium's own inline scripts all carry the nonce
            inline = [s for s in tags.scripts if "src" not in s]
            assert len(inline) >= 2 and all(s["nonce"] == nonce_of(response) for s in inline)
    assert len(nonces) >= 10  # one per response


def test_login_page_and_errors_carry_the_policy(app: Flask) -> None:
    anonymous = app.test_client()
    check_page(anonymous.get("/login"))
    missing = anonymous.get("/r/nosuchkeynosuchkeynosuchkey/R01")
    assert missing.status_code == 404
    assert "Content-Security-Policy" in missing.headers
    assert missing.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_api_answers_and_downloads_are_not_stored(client: FlaskClient) -> None:
    for path in (
        "/api/v1/communities/1/visits",
        "/api/v1/communities/1/plans/1",
        "/communities/1/plans/1/territories.csv",
        "/communities/1/plans/1/territories.geojson",
        "/communities/1/plans/1/territories.gpx",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
        assert response.headers["X-Content-Type-Options"] == "nosniff", path


def test_static_files_stay_cacheable(client: FlaskClient) -> None:
    response = client.get("/static/redvest.js")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_team_pages_are_not_stored_and_send_no_referrer(
    field_app: Flask, coord: tuple[FlaskClient, str]
) -> None:
    path = make_link(coord, "T001")
    phone = field_app.test_client()
    for url in (path, path + "/map"):
        response = phone.get(url)
        tags = check_page(response)
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Referrer-Policy"] == "no-referrer"
    assert [s.get("nonce") for s in tags.scripts if "src" not in s]  # the map's own scripts
    for url in (path + "/api/stops", path + "/route.gpx", "/t/sw.js"):
        response = phone.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url
    # the page that shows a new link's token once
    client, csrf = coord
    shown = client.post("/communities/1/field/links", data={"team_id": "T002", "csrf_token": csrf})
    check_page(shown)
    assert shown.headers["Cache-Control"] == "no-store"


def test_public_patrol_pages_keep_their_cache_and_policy(
    hostile_db: Hostile, tmp_path: Path
) -> None:
    phone = make_app(hostile_copy(hostile_db, tmp_path)).test_client()
    for url in (hostile_db.patrol, hostile_db.patrol + "/map"):
        response = phone.get(url)
        check_page(response)
        assert response.headers["Cache-Control"] == "private, max-age=3600"
        assert response.headers["Referrer-Policy"] == "no-referrer"


def _session_cookie(response: TestResponse) -> str:
    (cookie,) = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    return cookie


def _log_in(client: FlaskClient, base: str, **headers: str) -> tuple[TestResponse, TestResponse]:
    """The log-in page and the log-in POST, as a browser at ``base`` sends them."""
    page = client.get("/login", base_url=base, headers=headers)
    token = CSRF.search(page.get_data(as_text=True))
    assert token
    posted = client.post(
        "/login",
        base_url=base,
        headers={"Referer": base + "/login", **headers},
        data={"username": DEMO_USER, "password": DEMO_PASSWORD, "csrf_token": token.group(1)},
    )
    assert posted.status_code == 302
    return page, posted


def test_hsts_and_secure_cookies_only_over_https(app: Flask) -> None:
    for response in _log_in(app.test_client(), "http://redvest.example"):
        assert "Strict-Transport-Security" not in response.headers
        assert "secure" not in _session_cookie(response).lower()
    for response in _log_in(app.test_client(), "https://redvest.example"):
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
        cookie = _session_cookie(response)
        assert "; Secure" in cookie and "; HttpOnly" in cookie and "SameSite=Lax" in cookie


def _app_behind(db: Path, proxies: int) -> Flask:
    """The test app (as ``make_app``) with ``PROXY_FIX``, which the factory applies."""
    return create_app(
        {
            "DATABASE_URL": database_url(db),
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "MAP_TILES": "none",
            "PROXY_FIX": proxies,
        }
    )


@pytest.mark.parametrize("proxies", [0, 1])
def test_forwarded_https_is_trusted_only_behind_a_configured_proxy(
    demo_db: Path, proxies: int
) -> None:
    client = _app_behind(demo_db, proxies).test_client()
    # what a TLS proxy for https://redvest.example passes on (the browser's Referer too)
    forwarded = {
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "redvest.example",
        "Referer": "https://redvest.example/login",
    }
    for response in _log_in(client, "http://127.0.0.1:8000", **forwarded):
        assert ("Strict-Transport-Security" in response.headers) == bool(proxies)
        assert ("; Secure" in _session_cookie(response)) == bool(proxies)


def test_images_may_come_only_from_the_configured_tile_hosts() -> None:
    assert tile_sources(tiles("osm")) == ("https://tile.openstreetmap.org",)
    assert tile_sources(tiles("tianditu", "k")) == ("https://*.tianditu.gov.cn",)
    assert tile_sources(tiles("amap")) == ("https://*.is.autonavi.com",)
    assert tile_sources(tiles("none")) == ()
    csp = content_security_policy("n" * 24, tiles("osm"))
    (img,) = [d for d in csp.split(";") if d.strip().startswith("img-src")]
    assert img.split() == ["img-src", "'self'", "data:", "https://tile.openstreetmap.org"]


def test_viewer_pages_carry_the_policy(accounts_db: Path) -> None:
    viewer = make_app(accounts_db).test_client()
    login(viewer, "viewer", PASSWORD)
    for path in ("/communities/1", "/communities/1/plans/1", "/communities/1/field"):
        response = viewer.get(path)
        check_page(response)
        assert response.headers["Cache-Control"] == "no-store"
