"""The coordinator's day in a real browser (Debian's Chromium through Playwright), offline.

Log in → import the demo files → form teams → generate → one coloured area per team
on the map → move a band → re-balance → publish → plan patrols → download the rota PDF.
Every request that would leave 127.0.0.1 is aborted and counted; the count must stay
zero. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.web.browser import ARGS, ARTIFACTS, CHROMIUM, ROOT, LoopbackGuard, served
from tests.web.conftest import PASSWORD, make_app

playwright_api = pytest.importorskip("playwright.sync_api")

if TYPE_CHECKING:
    from playwright.sync_api import Page

DATA = ROOT / "data"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (make sysdeps)"),
]


@pytest.fixture
def server(empty_db: Path) -> Iterator[str]:
    """The real app over a temporary SQLite database, served from a thread on 127.0.0.1."""
    app = make_app(empty_db)
    app.config["PLAN_TIME_LIMIT_S"] = 2.0
    with served(app) as url:
        yield url


def test_coordinator_flow_offline(server: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    guard = LoopbackGuard()
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
        context.route("**/*", guard)
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.on("dialog", lambda dialog: dialog.accept())
        try:
            _flow(page, server)
        finally:
            page.screenshot(path=str(ARTIFACTS / "browser-last.png"), full_page=True)
            browser.close()
    assert guard.leaving == [], guard.leaving


def _flow(page: Page, server: str) -> None:
    # log in
    page.goto(server + "/")
    page.fill("input[name=username]", "coord")
    page.fill("input[name=password]", PASSWORD)
    page.click("#login button[type=submit]")
    page.wait_for_url("**/communities/*")
    page.screenshot(path=str(ARTIFACTS / "01-empty-community.png"))

    # import the demo files
    page.click("#nav-import")
    page.set_input_files("#file-osm", str(DATA / "osm" / "helsinki.osm.pbf"))
    page.set_input_files("#file-households", str(DATA / "demo" / "households.csv"))
    page.set_input_files("#file-volunteers", str(DATA / "demo" / "volunteers.csv"))
    page.click("#import-submit")
    # The import runs as a job: the page shows its progress, then the result.
    page.wait_for_selector("#import-result", timeout=120_000)
    page.click("#import-overview")
    page.wait_for_selector("#buildings tbody tr")
    counts = page.inner_text("ul.counts")
    assert "4524" in counts and "300" in counts
    page.screenshot(path=str(ARTIFACTS / "02-imported.png"))

    # form teams of three
    page.click("#nav-teams")
    page.click("#form-teams-button")
    page.wait_for_selector("p.flash")
    assert page.locator("tr.team-row").count() == 100
    page.screenshot(path=str(ARTIFACTS / "03-teams.png"))

    # generate: the request returns at once, the bar moves, the plan opens
    page.click("#nav-plans")
    page.fill("input[name=time_limit_s]", "2")
    page.click("#generate-first")
    page.wait_for_selector("#job-progress")
    page.screenshot(path=str(ARTIFACTS / "04-progress.png"))
    page.wait_for_selector("#plan", timeout=60_000)
    areas = _areas_on_map(page)
    teams_with_work = page.locator("#workload tbody tr").evaluate_all(
        "rows => rows.filter(r => Number(r.cells[1].textContent) > 0).length"
    )
    assert areas == teams_with_work > 0
    page.screenshot(path=str(ARTIFACTS / "05-plan-map.png"), full_page=True)
    first_plan = page.get_attribute("#plan", "data-plan-id")

    # move a band to another team
    row = page.locator("tr.band").first
    team = row.get_attribute("data-team")
    target = "T001" if team != "T001" else "T002"
    row.locator("input[name=to_team]").fill(target)
    row.locator("button").click()
    page.wait_for_selector("#changes")
    assert page.get_attribute("#plan", "data-plan-id") != first_plan
    assert target in page.inner_text("#changes")
    page.screenshot(path=str(ARTIFACTS / "06-moved.png"), full_page=True)
    moved_plan = page.get_attribute("#plan", "data-plan-id")

    # re-balance the rest around the pinned move
    page.fill("input[name=time_limit_s]", "2")
    page.click("#rebalance")
    page.wait_for_function(
        "id => document.querySelector('#plan') && "
        "document.querySelector('#plan').dataset.planId !== id "
        "&& document.querySelector('#job').dataset.status === 'done'",
        arg=moved_plan,
        timeout=60_000,
    )
    assert _areas_on_map(page) > 0
    page.screenshot(path=str(ARTIFACTS / "07-rebalanced.png"), full_page=True)

    # publish
    page.click("#publish")
    page.wait_for_selector("#plan-state.ok")
    page.screenshot(path=str(ARTIFACTS / "08-published.png"))

    # downloads answer with files
    with page.expect_download() as download:
        page.click("#dl-geojson")
    assert download.value.suggested_filename.endswith("territories.geojson")

    # patrols: routes and rota as a job, then the rota PDF
    page.click("#nav-patrols")
    page.fill("input[name=routes]", "4")
    page.fill("input[name=weeks]", "1")
    page.fill("input[name=time_limit_s]", "1")
    page.click("#patrol-submit")
    page.wait_for_selector("#dl-rota", timeout=90_000)
    page.screenshot(path=str(ARTIFACTS / "09-patrols.png"), full_page=True)
    with page.expect_download() as download:
        page.click("#dl-rota")
    pdf = Path(download.value.path())
    assert download.value.suggested_filename == "rota.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")


def _areas_on_map(page: Page) -> int:
    frame = page.frame_locator("#map")
    frame.locator("path.rv-area").first.wait_for()
    count: int = frame.locator("path.rv-area").count()
    return count
