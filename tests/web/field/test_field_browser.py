"""A team on a phone in a real browser (Chromium, 390×844, touch), offline and back.

Open the link → map and list → record a visit with its fields → the coordinator's page
shows it; cut the network → a visit is queued, the page reloads from the service worker,
and the visit is sent on reconnecting; the coordinator's open page gets it pushed, without
a reload, record text staying text. No request may leave 127.0.0.1.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from flask import Flask

from tests.web.browser import ARGS, ARTIFACTS, CHROMIUM, LoopbackGuard, served
from tests.web.conftest import login, make_app, make_link
from tests.web.field.test_field_security import stops
from web.demo import DEMO_PASSWORD, DEMO_USER

playwright_api = pytest.importorskip("playwright.sync_api")

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

PHONE = {"width": 390, "height": 844}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (make sysdeps)"),
]


@pytest.fixture
def demo_served(demo_copy: Path) -> Iterator[tuple[Flask, str]]:
    """The demo app (private copy) served from a thread on 127.0.0.1."""
    app = make_app(demo_copy)
    app.config["FIELD_ROUTE_SOLVER"] = "sweep"
    with served(app) as url:
        yield app, url


def test_team_phone_records_visits_online_and_offline(
    demo_served: tuple[Flask, str],
) -> None:
    app, server = demo_served
    coordinator = app.test_client()
    path = make_link((coordinator, login(coordinator, DEMO_USER, DEMO_PASSWORD)), "T012")
    ARTIFACTS.mkdir(exist_ok=True)
    guard = LoopbackGuard()
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        phone = browser.new_context(locale="zh-CN", viewport=PHONE, has_touch=True, is_mobile=True)
        phone.route("**/*", guard)
        page = phone.new_page()
        page.set_default_timeout(20_000)
        page.on("dialog", lambda dialog: dialog.accept())
        try:
            _online(page, server + path)
            desk = _coordinator_sees(browser, server, guard, "独居老人")
            _offline(phone, page, server + path)
            # the coordinator's open page gets the re-sent record pushed, without a reload
            desk.wait_for_selector("tr.visit-row:has-text('不在家')")
            assert desk.evaluate("window.rvNotReloaded") is True
            assert desk.inner_text("#visits-new") == "1"
            first = desk.locator("tr.visit-row").first
            assert "不在家" in first.inner_text() and "T012" in first.inner_text()
            _pushed_text_stays_text(app, path, desk)
            desk.screenshot(path=str(ARTIFACTS / "field-05-coordinator-live.png"), full_page=True)
        finally:
            page.screenshot(path=str(ARTIFACTS / "field-last.png"), full_page=True)
            browser.close()
    records = coordinator.get("/api/v1/communities/1/visits").get_json()
    assert sorted(r["status"] for r in records) == ["not_home", "visited", "visited"]
    assert guard.leaving == [], guard.leaving


def _online(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("li.stop.next")
    frame = page.frame_locator("#map")
    frame.locator(".rv-num").first.wait_for()
    assert frame.locator("path.rv-path").count() >= 1
    assert frame.locator("#locate").count() == 1
    first = page.locator("li.stop").first
    assert "next" in (first.get_attribute("class") or "")
    assert "层" in page.locator("#stops h3").first.inner_text()
    page.screenshot(path=str(ARTIFACTS / "field-01-route.png"))
    first.locator("button.open").tap()
    page.check("input[name=status][value=visited]")
    page.select_option("select[name=tenure]", "rented")
    page.fill("input[name=residents]", "3")
    page.fill("input[name=since]", "2018-03")
    page.fill("input[name=vulnerable]", "独居老人")
    page.screenshot(path=str(ARTIFACTS / "field-02-form.png"))
    page.tap("#visit-save")
    page.wait_for_selector("li.stop.st-visited")
    page.wait_for_function("() => document.getElementById('queue-count').textContent === '0'")
    page.wait_for_function("() => document.getElementById('net').hidden")
    assert "next" in (page.locator("li.stop").nth(1).get_attribute("class") or "")
    # the service worker takes over, and a reload through it caches page, map and list
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_selector("li.stop.st-visited")
    page.frame_locator("#map").locator(".rv-num").first.wait_for()
    page.wait_for_load_state("networkidle")


def _coordinator_sees(browser: Browser, server: str, guard: LoopbackGuard, text: str) -> Page:
    desk = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    desk.route("**/*", guard)
    page = desk.new_page()
    page.goto(server + "/login")
    page.fill("input[name=username]", DEMO_USER)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("#login button[type=submit]")
    page.wait_for_url("**/communities/*")
    page.click("#nav-field")
    row = page.locator("tr.visit-row").first
    assert text in row.inner_text() and "T012" in row.inner_text()
    page.wait_for_function("() => document.getElementById('visits-state').textContent === '实时'")
    page.evaluate("window.rvNotReloaded = true")  # a reload would drop it
    page.screenshot(path=str(ARTIFACTS / "field-03-coordinator.png"), full_page=True)
    return page


def _pushed_text_stays_text(app: Flask, path: str, desk: Page) -> None:
    phone = app.test_client()
    stop = stops(phone, path)[2]["id"]
    markup = "<b id=rv-xss>独居</b>"
    response = phone.post(
        path + "/api/visits",
        json={"key": "browser-xss-01", "stop_id": stop, "status": "visited", "vulnerable": markup},
    )
    assert response.status_code == 201
    desk.wait_for_selector("tr.visit-row.fresh:has-text('<b id=rv-xss>')")
    assert desk.locator("#rv-xss").count() == 0
    assert desk.inner_text("#visits-new") == "2"
    assert desk.evaluate("window.rvNotReloaded") is True


def _offline(context: BrowserContext, page: Page, url: str) -> None:
    context.set_offline(True)
    second = page.locator("li.stop").nth(1)
    second.locator("button.open").tap()
    page.check("input[name=status][value=not_home]")
    page.tap("#visit-save")
    page.wait_for_function("() => document.getElementById('queue-count').textContent === '1'")
    assert page.is_visible("#net")
    # a reload with the network gone: the service worker serves the page and the map
    page.reload()
    page.wait_for_selector("li.stop.queued.st-not_home")
    assert page.locator("li.stop").count() > 2
    page.frame_locator("#map").locator(".rv-num").first.wait_for()
    page.screenshot(path=str(ARTIFACTS / "field-04-offline.png"))
    context.set_offline(False)
    page.wait_for_function("() => document.getElementById('queue-count').textContent === '0'")
    page.wait_for_selector("li.stop.st-not_home:not(.queued)")
