"""The community overview: figures, the map, and searchable lists a page at a time."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.web.conftest import login, make_app, make_link
from tests.web.support import community_session
from web.community.overview import PAGE_SIZE
from web.storage import frames
from web.storage.engine import open_engine, session_factory

GOOD = Path(__file__).resolve().parents[2] / "data" / "good"
ROW = re.compile(r"<tr[ >]")
HREF = re.compile(r'<a href="([^"]+)" id="(\w+)-(first|prev|next|last)"')


def _table(html: str, table_id: str) -> str:
    found = re.search(rf'<table class="grid" id="{table_id}">(.*?)</table>', html, re.S)
    assert found, table_id
    return found.group(1)


def _body_rows(html: str, table_id: str) -> list[str]:
    body = _table(html, table_id).split("<tbody>")[1]
    return [r for r in re.findall(r"<tr.*?</tr>", body, re.S) if 'class="empty"' not in r]


def _links(html: str) -> dict[str, str]:
    """The pager links of a page: "buildings-next" → its URL."""
    return {f"{name}-{kind}": unescape(url) for url, name, kind in HREF.findall(html)}


def _buildings(demo_db: Path) -> tuple[object, object]:
    with community_session(demo_db) as (session, community):
        return frames.load_buildings(session, community), frames.load_households(session, community)


def test_the_page_holds_one_page_of_each_list(client: FlaskClient, demo_db: Path) -> None:
    html = client.get("/communities/1").get_data(as_text=True)
    # 483 buildings and 100 teams in the demo: a page of each, not all of them
    assert len(_body_rows(html, "teams")) == PAGE_SIZE
    assert len(_body_rows(html, "buildings")) == PAGE_SIZE
    # the whole page: two header rows and two pages of rows, whatever the community's size
    assert len(ROW.findall(html)) == 2 * PAGE_SIZE + 2
    assert "第 1–25 条，共 483 条" in html and "第 1 / 20 页" in html
    assert "第 1–25 条，共 100 条" in html and "第 1 / 4 页" in html


def test_pagination_links_walk_the_lists(client: FlaskClient) -> None:
    first = client.get("/communities/1").get_data(as_text=True)
    links = _links(first)
    assert "buildings-prev" not in links and "teams-prev" not in links
    second = client.get(links["buildings-next"]).get_data(as_text=True)
    page1, page2 = _body_rows(first, "buildings"), _body_rows(second, "buildings")
    assert len(page2) == PAGE_SIZE and not set(page1) & set(page2)
    assert "第 26–50 条，共 483 条" in second
    # moving the buildings keeps the teams where they were, and back again
    team_rows = _body_rows(first, "teams")
    assert len(team_rows) == PAGE_SIZE and _body_rows(second, "teams") == team_rows
    back = client.get(_links(second)["buildings-prev"]).get_data(as_text=True)
    assert _body_rows(back, "buildings") == page1
    last = client.get(links["buildings-last"]).get_data(as_text=True)
    assert len(_body_rows(last, "buildings")) == 483 - 19 * PAGE_SIZE
    assert "buildings-next" not in _links(last)
    teams = client.get(links["teams-last"]).get_data(as_text=True)
    assert [re.search(r"<td>(T\d+)</td>", r).group(1) for r in _body_rows(teams, "teams")][  # type: ignore[union-attr]
        -1
    ] == "T100"
    # numbers out of range land on the last or first page; junk is the first page
    assert _body_rows(
        client.get("/communities/1?page=999").get_data(as_text=True), "buildings"
    ) == (_body_rows(last, "buildings"))
    for junk in ("0", "-3", "abc", "9" * 40):
        shown = client.get(f"/communities/1?page={junk}")
        assert shown.status_code == 200, junk
        assert _body_rows(shown.get_data(as_text=True), "buildings") == page1, junk


def test_search_finds_a_building_by_id_and_by_name(client: FlaskClient, demo_db: Path) -> None:
    buildings, _households = _buildings(demo_db)
    named = buildings[buildings["name"] != ""]  # type: ignore[index]
    unique = named[~named["name"].duplicated(keep=False)]
    # a building further down the list: not on the first page without a search
    first = "".join(_body_rows(client.get("/communities/1").get_data(as_text=True), "buildings"))
    target = next(r for _i, r in unique.iterrows() if f">{r['building_id']}</a>" not in first)
    by_id = client.get("/communities/1", query_string={"q": target["building_id"]})
    rows = _body_rows(by_id.get_data(as_text=True), "buildings")
    assert any(f">{target['building_id']}</a>" in r for r in rows)
    by_name = client.get("/communities/1", query_string={"q": target["name"].lower()})
    html = by_name.get_data(as_text=True)
    rows = _body_rows(html, "buildings")
    assert any(f">{target['building_id']}</a>" in r for r in rows)
    needle = target["name"].casefold()
    matches = buildings["name"].str.casefold().str.contains(needle, regex=False)  # type: ignore[index]
    matches |= buildings["building_id"].str.casefold().str.contains(needle, regex=False)  # type: ignore[index]
    assert len(rows) == min(int(matches.sum()), PAGE_SIZE)
    # the search stays in the box and in the pager links
    assert f'value="{target["name"].lower()}"' in unescape(html)
    nothing = client.get("/communities/1?q=no-such-building-xyz").get_data(as_text=True)
    assert _body_rows(nothing, "buildings") == [] and "没有匹配的楼栋" in nothing


def test_search_finds_a_team_and_keeps_the_query_in_page_links(client: FlaskClient) -> None:
    html = client.get("/communities/1?q=T042").get_data(as_text=True)
    rows = _body_rows(html, "teams")
    assert len(rows) == 1 and "<td>T042</td>" in rows[0]
    # "T0" matches 99 teams: four pages, each link keeps the search
    wide = client.get("/communities/1?q=t0").get_data(as_text=True)
    assert "第 1–25 条，共 99 条" in wide
    nxt = _links(wide)["teams-next"]
    assert "q=t0" in nxt and "team_page=2" in nxt
    page2 = client.get(nxt).get_data(as_text=True)
    second = _body_rows(page2, "teams")
    assert len(second) == 25 and all("<td>T0" in r for r in second)
    assert "第 26–50 条，共 99 条" in page2


def test_searches_are_cut_and_never_fail(client: FlaskClient) -> None:
    for text in ("x" * 5000, "<script>alert(1)</script>", "%", "'\"", "   "):
        response = client.get("/communities/1", query_string={"q": text})
        assert response.status_code == 200
        assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("lang", "members", "residents"), [("zh", "队员数", "人数"), ("en", "Members", "Residents")]
)
def test_the_team_column_counts_members(
    client: FlaskClient, lang: str, members: str, residents: str
) -> None:
    client.get(f"/lang/{lang}")
    html = client.get("/communities/1").get_data(as_text=True)
    team_header = re.findall(r"<th>(.*?)</th>", _table(html, "teams").split("</thead>")[0])
    assert team_header[1] == members
    assert residents not in team_header
    building_header = re.findall(r"<th>(.*?)</th>", _table(html, "buildings").split("</thead>")[0])
    assert building_header[6] == residents
    # the member count is what the column says: the demo's teams have three members
    first = _body_rows(html, "teams")
    assert len(first) == 25 and all('<td class="num">3</td>' in r for r in first)


def test_figures_and_the_plan_balance_match_the_plan_page(
    field_app: Flask, coord: tuple[FlaskClient, str], demo_copy: Path
) -> None:
    client, _ = coord
    _buildings_frame, households = _buildings(demo_copy)
    # two households visited (one of them twice), one not at home
    path = make_link(coord, "T003")
    phone = field_app.test_client()
    stops = phone.get(path + "/api/stops").get_json()["stops"]
    for key, stop, status in (
        ("ovw-key-1", stops[0], "visited"),
        ("ovw-key-2", stops[0], "visited"),
        ("ovw-key-3", stops[1], "visited"),
        ("ovw-key-4", stops[2], "not_home"),
    ):
        response = phone.post(
            path + "/api/visits", json={"key": key, "stop_id": stop["id"], "status": status}
        )
        assert response.status_code == 201
    html = client.get("/communities/1").get_data(as_text=True)
    assert re.search(r'id="fig-visits"><b>4</b>', html)
    assert re.search(r'id="fig-visited"><b>2</b>', html)
    residents = int(households["residents"].sum())  # type: ignore[index]
    assert f"<b>{residents}</b>" in html
    # the published plan and its balance, as the plan page shows them
    assert 'id="published"' in html and 'href="/communities/1/plans/1"' in html
    plan = client.get("/communities/1/plans/1").get_data(as_text=True)
    balance = re.search(r'<ul class="counts" id="balance">(.*?)</ul>', plan, re.S)
    assert balance
    ratios = re.findall(r"<b>(\d\.\d{3})</b>", balance.group(1))
    shown = re.search(r'<span id="plan-balance">(.*?)</span>', html, re.S)
    assert shown and re.findall(r"<b>(\d\.\d{3})</b>", shown.group(1)) == ratios


def test_the_overview_map_draws_the_plan_with_vendored_leaflet(client: FlaskClient) -> None:
    html = client.get("/communities/1").get_data(as_text=True)
    assert '<iframe id="map" class="overview" src="/communities/1/map"' in html
    page = client.get("/communities/1/map")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', body)
    styles = re.findall(r'<link[^>]+href="([^"]+)"', body)
    assert scripts and all(s.startswith("/static/vendor/") for s in scripts), scripts
    assert all(s.startswith("/static/") for s in styles), styles
    assert "/static/vendor/leaflet-1.9.3/leaflet.js" in scripts
    assert "rv-area" in body and "rv-building" in body  # the published plan's team areas


def test_without_a_plan_the_map_shows_the_buildings(empty_db: Path) -> None:
    client = make_app(empty_db).test_client()
    login(client, "coord")
    page = client.get("/communities/1").get_data(as_text=True)
    assert 'id="map"' not in page  # nothing to draw yet
    assert client.get("/communities/1/map").status_code == 404
    engine = open_engine(empty_db)
    with session_factory(engine)() as session:
        from web.imports.operations import ImportRequest, run_import

        run_import(session, "新社区", ImportRequest(buildings=GOOD / "buildings.geojson"))
        count = frames.counts(session, frames.find_community(session, "新社区"))["buildings"]  # type: ignore[arg-type]
    page = client.get("/communities/1").get_data(as_text=True)
    assert 'id="no-plan"' in page and 'id="map"' in page
    body = client.get("/communities/1/map").get_data(as_text=True)
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', body)
    assert scripts and all(s.startswith("/static/vendor/") for s in scripts), scripts
    assert "rv-building" in body and "rv-area" not in body
    assert body.count('"type": "Feature"') == count


def test_the_map_follows_community_roles(accounts_db: Path) -> None:
    client = make_app(accounts_db).test_client()
    login(client, "coord_b")
    assert client.get("/communities/1/map").status_code == 403
    viewer = make_app(accounts_db).test_client()
    login(viewer, "viewer")
    assert viewer.get("/communities/1/map").status_code == 200
    assert make_app(accounts_db).test_client().get("/communities/1/map").status_code == 302
