"""Stored XSS, replayed in Chromium: hostile ids and names stay text on every page and map.

The finding's payloads sit in team ids, building ids, building names (so stop labels), a
patrol route's checkpoint names and the community's name (``hostile_db``). Each page and
map that shows them is opened, its tooltips and popups opened the way the pages open
them, and no dialog may fire while every payload reads back literally. The first tests
switch the Content-Security-Policy off (``bypass_csp``), so the encoding alone must hold;
the last opens the same pages under the policy and counts its violations: none, while
the maps still draw (folium's inline scripts carry the nonce) and the pages still work.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pytest

from tests.security.conftest import PAYLOADS, Hostile, hostile_copy
from tests.web.browser import ARGS, ARTIFACTS, CHROMIUM, LoopbackGuard, served
from tests.web.conftest import login, make_app, make_link
from web.demo import DEMO_PASSWORD, DEMO_USER

playwright_api = pytest.importorskip("playwright.sync_api")

if TYPE_CHECKING:
    from playwright.sync_api import (
        Browser,
        BrowserContext,
        Dialog,
        Frame,
        FrameLocator,
        Page,
        ViewportSize,
    )

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (make sysdeps)"),
]

PHONE: ViewportSize = {"width": 390, "height": 844}
DESK: ViewportSize = {"width": 1280, "height": 900}
# What an injected payload would leave in the document, had it become markup.
INJECTED = "img[onerror], svg[onload], img[src='x']"
# The folium GeoJSON layers of a map page (folium keeps each in a global variable).
GEOJSON_LAYERS = "Object.values(window).filter(v => v instanceof L.GeoJSON)"
# Reports every CSP violation, in every frame, on the console.
REPORT_VIOLATIONS = """
document.addEventListener('securitypolicyviolation', function (e) {
  console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sample);
});
"""


@dataclass(frozen=True)
class Site:
    """The hostile demo served on 127.0.0.1, with a team link of the hostile team."""

    url: str
    link: str  # /t/<token> of hostile.team
    hostile: Hostile


@dataclass
class Watch:
    """What a browser context saw: dialogs (each one a script that ran) and CSP reports."""

    dialogs: list[str]
    violations: list[str]
    guard: LoopbackGuard


@pytest.fixture(scope="module")
def site(hostile_db: Hostile, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The hostile demo (private copy) after a visit job of the hostile team, served."""
    app = make_app(hostile_copy(hostile_db, tmp_path_factory.mktemp("xss")))
    coordinator = app.test_client()
    csrf = login(coordinator, DEMO_USER, DEMO_PASSWORD)
    link = make_link((coordinator, csrf), hostile_db.team)
    _plan_visits(coordinator, csrf, hostile_db.team)
    with served(app) as url:
        yield Site(url, link, hostile_db)


def _plan_visits(client: Any, csrf: str, team: str) -> None:
    form = {"team": team, "start": "09:00", "end": "12:00", "time_limit_s": "1"}
    assert (
        client.post("/communities/1/visits", data={**form, "csrf_token": csrf}).status_code == 302
    )
    page = client.get("/communities/1/visits").get_data(as_text=True)
    job = re.search(r'data-job-id="(\d+)"', page)
    assert job
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        state = client.get(f"/api/v1/jobs/{job.group(1)}").get_json()
        if state["finished"]:
            assert state["status"] == "done", state
            return
        time.sleep(0.3)
    raise AssertionError("the visit job did not finish in 120 s")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium for the module."""
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


def _context(browser: Browser, *, csp: bool, phone: bool = False) -> tuple[BrowserContext, Watch]:
    size = PHONE if phone else DESK
    context = browser.new_context(
        locale="zh-CN", viewport=size, has_touch=phone, is_mobile=phone, bypass_csp=not csp
    )
    watch = Watch([], [], LoopbackGuard())
    context.route("**/*", watch.guard)
    context.add_init_script(REPORT_VIOLATIONS)

    def on_dialog(dialog: Dialog) -> None:
        watch.dialogs.append(dialog.message)
        dialog.dismiss()

    def on_page(page: Page) -> None:
        page.set_default_timeout(20_000)
        page.on("dialog", on_dialog)
        page.on(
            "console",
            lambda m: (
                watch.violations.append(m.text)
                if "Content Security Policy" in m.text or m.text.startswith("CSP violation")
                else None
            ),
        )

    context.on("page", on_page)
    return context, watch


def _inert(frame: Page | Frame) -> None:
    assert frame.locator(INJECTED).count() == 0, frame.url


def _tooltips(frame: Page | Frame | FrameLocator) -> list[str]:
    return [t.strip() for t in frame.locator(".leaflet-tooltip").all_inner_texts()]


def _log_in(page: Page, url: str) -> None:
    page.goto(url + "/login")
    page.fill("input[name=username]", DEMO_USER)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("#login button[type=submit]")
    page.wait_for_url("**/communities/*")


def test_team_phone_page_and_map(browser: Browser, site: Site) -> None:
    hostile = site.hostile
    context, watch = _context(browser, csp=False, phone=True)
    page = context.new_page()
    try:
        page.goto(site.url + site.link)
        assert page.inner_text("#team") == hostile.team
        assert hostile.community in page.inner_text("header")
        headings = page.locator("#stops li.group h3").all_inner_texts()
        for name in hostile.names:
            assert any(h.startswith(name + " ") for h in headings), (name, headings)
        frame = page.frame_locator("#map")
        frame.locator(".rv-num").first.wait_for()
        # open a stop of each hostile building: the page posts the building's id to the
        # map, which looks its marker up and opens its tooltip
        buildings = page.locator("li.stop").evaluate_all(
            "items => items.map(li => li.dataset.building)"
        )
        for building, name in zip(hostile.buildings, hostile.names, strict=True):
            page.locator("li.stop").nth(buildings.index(building)).locator("button.open").tap()
            frame.locator(".leaflet-tooltip", has_text=name).wait_for()
            assert name in _tooltips(frame)
            page.tap("#visit-cancel")
        _inert(page)
        # the map as a page of its own: every marker's tooltip, by building id
        page.goto(site.url + site.link + "/map")
        page.locator(".rv-num").first.wait_for()
        opened = page.evaluate(
            "ids => ids.filter(id => window.rvStops.has(id)).map(id => "
            "(window.rvStops.get(id).openTooltip(), id))",
            list(hostile.buildings),
        )
        assert opened == list(hostile.buildings)
        assert set(hostile.names) <= set(_tooltips(page))
        _inert(page)
        page.screenshot(path=str(ARTIFACTS / "xss-phone-map.png"))
    finally:
        context.close()
    assert watch.dialogs == []
    assert watch.guard.leaving == []


def test_public_patrol_page_and_map(browser: Browser, site: Site) -> None:
    hostile = site.hostile
    context, watch = _context(browser, csp=False, phone=True)
    page = context.new_page()
    try:
        page.goto(site.url + hostile.patrol)
        assert page.locator("#checkpoints .name").all_inner_texts() == list(hostile.checkpoints)
        assert hostile.team in page.inner_text("#teams")
        assert "N" + PAYLOADS[4] in page.inner_text("header")
        page.frame_locator("#map").locator(".rv-num").first.wait_for()
        _inert(page)
        page.goto(site.url + hostile.patrol + "/map")
        page.locator(".rv-num").first.wait_for()
        page.evaluate(
            "() => Object.keys(window).filter(k => k.startsWith('marker_'))"
            ".forEach(k => window[k].openTooltip())"
        )
        assert set(hostile.checkpoints) <= set(_tooltips(page))
        _inert(page)
    finally:
        context.close()
    assert watch.dialogs == []


def _plan_map(frame: Frame, hostile: Hostile) -> None:
    """Hover every hostile team's area and click every hostile building (Leaflet events,
    so folium's own tooltip and popup code builds their HTML)."""
    frame.locator("path.rv-area").first.wait_for()
    labels = frame.evaluate(
        """teams => {
          const shown = [];
          GROUPS.forEach(g => g.eachLayer(l => {
            if (teams.includes(l.feature.properties.team_id)) {
              l.fire('mouseover', {latlng: l.getBounds().getCenter()}, true);
              shown.push(document.querySelector('.leaflet-tooltip:last-child').textContent.trim());
            }
          }));
          return shown;
        }""".replace("GROUPS", GEOJSON_LAYERS),
        list(hostile.teams),
    )
    assert sorted(label.split(" · ")[0] for label in labels) == sorted(hostile.teams)
    for building, name in zip(hostile.buildings, hostile.names, strict=True):
        popup = frame.evaluate(
            """building => {
              let text = null;
              GROUPS.forEach(g => g.eachLayer(l => {
                if (l.feature.properties.building_id === building) {
                  l.fire('click', {latlng: l.getBounds().getCenter()}, true);
                  text = document.querySelector('.leaflet-popup-content').innerText;
                }
              }));
              return text;
            }""".replace("GROUPS", GEOJSON_LAYERS),
            building,
        )
        assert popup is not None and name in popup and building in popup, (building, popup)
        assert any(team in popup for team in hostile.teams), popup
    _inert(frame)


def test_coordinator_pages_and_plan_map(browser: Browser, site: Site) -> None:
    hostile = site.hostile
    context, watch = _context(browser, csp=False)
    page = context.new_page()
    try:
        _log_in(page, site.url)
        page.goto(site.url + "/communities/1")
        assert hostile.community in page.inner_text("nav.tabs")
        overview_map = page.frame(url=re.compile(r".*/communities/1/map$"))
        if overview_map is not None:  # the overview's map shows the published plan
            _plan_map(overview_map, hostile)
        _inert(page)
        # each value found by the overview's search (a long list shows a page at a time)
        for team in hostile.teams:
            page.goto(site.url + "/communities/1?q=" + quote(team))
            assert team in page.locator("#teams tbody tr td:first-child").all_inner_texts()
            _inert(page)
        for building, name in zip(hostile.buildings, hostile.names, strict=True):
            page.goto(site.url + "/communities/1?q=" + quote(building))
            rows = page.locator("#buildings tbody tr").all_inner_texts()
            assert any(r.startswith(building + "\t" + name) for r in rows), building
            _inert(page)
        # a building's own page (ids without "/" have one): by its link in the list
        page.goto(site.url + "/communities/1?q=" + quote(hostile.buildings[2]))
        page.get_by_role("link", name=hostile.buildings[2], exact=True).click()
        assert page.inner_text("h1") == f"{hostile.names[2]} {hostile.buildings[2]}"
        _inert(page)

        page.goto(site.url + "/communities/1/teams")
        assert set(hostile.teams) <= set(
            page.locator("tr.team-row td:first-child").all_inner_texts()
        )
        values = page.locator("tr.team-row input[name=team_id]").evaluate_all(
            "inputs => inputs.map(i => i.value)"
        )
        assert set(hostile.teams) <= set(values)
        _inert(page)

        page.goto(site.url + "/communities/1/field")
        assert set(hostile.teams) <= set(page.locator("#link-team option").all_inner_texts())
        assert hostile.team in page.locator("tr.link-row td:first-child").all_inner_texts()
        _inert(page)

        page.goto(site.url + "/communities/1/visits")
        assert set(hostile.teams) <= set(page.locator("#visit-team option").all_inner_texts())
        sessions = page.locator("section.visit-session")
        assert sessions.count() >= 1
        assert sessions.first.get_attribute("data-team") == hostile.team
        assert hostile.team in sessions.first.locator("h2").inner_text()
        shown = set(sessions.locator("tr.stop td:nth-child(2)").all_inner_texts())
        assert set(hostile.names) <= shown
        _inert(page)

        page.goto(site.url + "/communities/1/plans/1")
        assert set(hostile.teams) <= set(
            page.locator("datalist#team-list option").evaluate_all(
                "options => options.map(o => o.value)"
            )
        )
        text = page.inner_text("main")
        assert all(t in text for t in (*hostile.teams, *hostile.names))
        _inert(page)
        frame = page.frame(url=re.compile(r".*/plans/1/map$"))
        assert frame is not None
        _plan_map(frame, hostile)
        page.screenshot(path=str(ARTIFACTS / "xss-plan.png"))
    finally:
        context.close()
    assert watch.dialogs == []
    assert watch.guard.leaving == []


def test_pages_and_maps_work_under_the_csp(browser: Browser, site: Site) -> None:
    hostile = site.hostile
    phone, on_phone = _context(browser, csp=True, phone=True)
    desk, on_desk = _context(browser, csp=True)
    try:
        page = phone.new_page()
        page.goto(site.url + site.link)
        frame = page.frame_locator("#map")
        frame.locator(".rv-num").first.wait_for()  # folium's inline script ran
        assert frame.locator("#locate").count() == 1  # and the deferred one
        frame.locator(".rv-stop").first.hover()
        frame.locator(".leaflet-tooltip").first.wait_for()
        page.locator("li.stop button.open").first.tap()  # field.js
        assert page.is_visible("#visit")
        page.goto(site.url + hostile.patrol)
        page.frame_locator("#map").locator(".rv-num").first.wait_for()

        page = desk.new_page()
        _log_in(page, site.url)
        page.goto(site.url + "/communities/1/plans/1")
        frame_page = page.frame(url=re.compile(r".*/plans/1/map$"))
        assert frame_page is not None
        _plan_map(frame_page, hostile)
        page.goto(site.url + "/communities/1/field")
        # field-manage.js: the record stream is open
        page.wait_for_function(
            "() => document.getElementById('visits-state').textContent === '实时'"
        )
        page.select_option("#link-team", index=1)
        page.click("#make-link-submit")
        page.click("#new-link-url")  # selects itself (redvest.js, no inline handler)
        assert page.evaluate(
            "() => { const i = document.getElementById('new-link-url');"
            " return i.selectionStart === 0 && i.selectionEnd === i.value.length; }"
        )
        page.goto(site.url + "/communities/1/teams")
        page.click("#form-teams-button")  # asks first (data-confirm); dismissed: nothing sent
        assert len(on_desk.dialogs) == 1 and "替换" in on_desk.dialogs[0]
        assert page.locator("p.flash").count() == 0
    finally:
        phone.close()
        desk.close()
    assert on_phone.violations == [] and on_desk.violations == []
    assert on_phone.dialogs == []
    assert on_phone.guard.leaving == [] and on_desk.guard.leaving == []
