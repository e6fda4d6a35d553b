"""The community overview in a real browser (Chromium, offline): a screen or two tall, with
the published plan's team areas on its map, and a search that finds one building."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web.browser import ARGS, ARTIFACTS, CHROMIUM, LoopbackGuard, served
from tests.web.conftest import make_app
from tests.web.support import community_session
from web.demo import DEMO_PASSWORD, DEMO_USER
from web.storage import frames

playwright_api = pytest.importorskip("playwright.sync_api")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (make sysdeps)"),
]

# The page used to be 17,000 px tall (483 buildings and 100 teams); now the map, the
# figures and two pages of 25 rows: about 3,300 px at this width.
MAX_HEIGHT_PX = 4_500


def test_overview_is_short_and_maps_the_plan(demo_db: Path) -> None:
    with community_session(demo_db) as (session, community):
        buildings = frames.load_buildings(session, community)
    target = buildings[buildings["name"] != ""].iloc[-1]
    ARTIFACTS.mkdir(exist_ok=True)
    guard = LoopbackGuard()
    with served(make_app(demo_db)) as server, playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(locale="en-GB", viewport={"width": 1400, "height": 1000})
        context.route("**/*", guard)
        page = context.new_page()
        page.set_default_timeout(30_000)
        try:
            page.goto(server + "/login")
            page.fill("input[name=username]", DEMO_USER)
            page.fill("input[name=password]", DEMO_PASSWORD)
            page.click("#login button[type=submit]")
            page.wait_for_url("**/communities/1")
            # the map draws one area per team of the published plan
            frame = page.frame_locator("#map")
            frame.locator("path.rv-area").first.wait_for()
            assert frame.locator("path.rv-area").count() == 100
            height = page.evaluate("document.documentElement.scrollHeight")
            assert height <= MAX_HEIGHT_PX, height
            assert page.locator("#teams th").nth(1).inner_text() == "Members"
            page.screenshot(path=str(ARTIFACTS / "overview-01.png"), full_page=True)
            # the next page of buildings, then a search by name
            page.click("#buildings-next")
            page.wait_for_url("**page=2*")
            assert "26–50 of 483" in page.inner_text("#buildings-pager")
            page.fill("input[name=q]", str(target["name"]))
            page.click("#search button[type=submit]")
            page.wait_for_url("**q=*")
            assert str(target["building_id"]) in page.inner_text("#buildings tbody")
            page.screenshot(path=str(ARTIFACTS / "overview-02-search.png"), full_page=True)
        finally:
            browser.close()
    assert guard.leaving == [], guard.leaving
