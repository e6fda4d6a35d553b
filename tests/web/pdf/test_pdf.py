"""Printable patrol PDFs: text extracted by poppler, fonts embedded, pages not blank, a map."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from PIL import Image

from routing.network import WalkingNetwork
from routing.patrols import PatrolOptions, PatrolPlan, RotaOptions, plan_patrol_routes
from routing.patrols.checkpoints import attach_checkpoints
from routing.patrols.rota import Rota, solve_rota
from routing.schema import WGS84
from routing.sources import OsmExtract
from web.pdf import fonts
from web.pdf.fonts import FontMissingError, find_cjk_font
from web.pdf.rota_pdf import rota_pdf
from web.pdf.route_sheet import MAP_BOX, SheetOptions, route_sheet_pdf, route_url

MONDAY = dt.date(2026, 3, 2)
DPI = 50


def poppler(tool: str, *args: str) -> str:
    """Run a poppler-utils tool; fail (not skip) when it is missing."""
    if shutil.which(tool) is None:
        pytest.fail(f"{tool} not found: install the Debian package poppler-utils (make test does)")
    done = subprocess.run([tool, *args], capture_output=True, text=True, check=True)
    return done.stdout


def font_table(pdf: Path) -> list[list[str]]:
    """Rows of ``pdffonts`` after its two header lines."""
    lines = poppler("pdffonts", str(pdf)).splitlines()[2:]
    return [line.split() for line in lines if line.strip()]


def first_page(pdf: Path, tmp_path: Path) -> np.ndarray:
    """Page 1 rendered at 50 dpi as an RGB array."""
    stem = tmp_path / pdf.stem
    poppler(
        "pdftoppm", "-r", str(DPI), "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)
    )
    return np.asarray(Image.open(f"{stem}.png").convert("RGB"), dtype=np.int16)


@pytest.fixture(scope="module")
def font() -> fonts.CjkFont:
    try:
        return find_cjk_font()
    except FontMissingError as error:
        pytest.fail(f"{error} (make test installs fonts-noto-cjk)")


@pytest.fixture(scope="module")
def rota() -> Rota:
    teams = [f"T{i:03d}" for i in range(1, 25)]
    return solve_rota(["R01", "R02", "R03"], teams, MONDAY, RotaOptions(weeks=2))


@pytest.fixture(scope="module")
def plan_and_net(
    helsinki_extract: OsmExtract, helsinki_network: WalkingNetwork
) -> tuple[PatrolPlan, WalkingNetwork]:
    """Three routes over the streets within 400 m of the centre, with building entrances."""
    whole = helsinki_network
    metric = whole.edges.geometry.to_crs(whole.crs)
    centre = shapely.box(*metric.total_bounds).centroid
    near = (metric.interpolate(0.5, normalized=True).distance(centre) <= 400).to_numpy()
    net = WalkingNetwork.from_edges(whole.edges.loc[near].reset_index(drop=True))
    plan = plan_patrol_routes(net, 3, options=PatrolOptions(time_limit_s=1))
    doors = net.snap_entrances(helsinki_extract.buildings)
    points = gpd.GeoDataFrame(
        {"checkpoint_id": doors["building_id"], "name": doors["name"].replace("", "楼栋")},
        geometry=gpd.points_from_xy(doors["entrance_lon"], doors["entrance_lat"]),
        crs=WGS84,
    )
    return attach_checkpoints(plan, net, points, max_per_route=12), net


def test_rota_pdf_in_chinese(rota: Rota, font: fonts.CjkFont, tmp_path: Path) -> None:
    pdf = rota_pdf(rota, tmp_path / "rota.pdf", lang="zh", title="演示社区", font=font)
    text = poppler("pdftotext", "-layout", str(pdf), "-")
    assert "社区巡查排班表" in text and "第 1 周" in text and "第 2 周" in text
    assert "周一 03-02" in text and "09:00-11:00" in text
    first_team = rota.assignments.iloc[0]["team_id"]
    assert first_team in text
    assert text.count("\f") == 2  # one page per week
    rows = font_table(pdf)
    assert rows and all(row[-5] == "yes" for row in rows), rows  # the "emb" column


def test_rota_pdf_in_english_is_not_blank(rota: Rota, font: fonts.CjkFont, tmp_path: Path) -> None:
    pdf = rota_pdf(rota, tmp_path / "rota_en.pdf", lang="en", font=font)
    assert "Patrol rota" in poppler("pdftotext", str(pdf), "-")
    page = first_page(pdf, tmp_path)
    assert page.std() > 20  # a table, not an empty page
    assert (page.min(axis=2) < 128).mean() > 0.01


def test_route_sheet_has_map_checkpoints_and_qr(
    plan_and_net: tuple[PatrolPlan, WalkingNetwork],
    helsinki_extract: OsmExtract,
    font: fonts.CjkFont,
    tmp_path: Path,
) -> None:
    plan, net = plan_and_net
    route = plan.routes[0]
    options = SheetOptions("http://127.0.0.1:5000", lang="zh", title="演示社区", font=font)
    pdf = route_sheet_pdf(
        plan, route.route_id, tmp_path / "route.pdf", options,
        team="T005", buildings=helsinki_extract.buildings.geometry, streets=net.edges.geometry,
    )  # fmt: skip
    text = poppler("pdftotext", str(pdf), "-")
    assert f"巡查路线 {route.route_id}" in text and "检查点" in text and "T005" in text
    names = plan.checkpoints[plan.checkpoints["route_id"] == route.route_id]["name"]
    assert len(names) and all(name in text.replace("\n", "") for name in names)
    assert all(row[-5] == "yes" for row in font_table(pdf))
    assert "image" in poppler("pdfimages", "-list", str(pdf))  # the QR code
    page = first_page(pdf, tmp_path)
    mm = DPI / 25.4
    box = page[
        int((MAP_BOX.y + 2) * mm) : int((MAP_BOX.y + MAP_BOX.h - 2) * mm),
        int((MAP_BOX.x + 2) * mm) : int((MAP_BOX.x + MAP_BOX.w - 2) * mm),
    ]
    drawn = (box.min(axis=2) < 235).mean()
    red = ((box[..., 0] > 150) & (box[..., 1] < 110) & (box[..., 2] < 110)).mean()
    assert drawn > 0.10, "the map area is nearly empty"
    assert red > 0.005, "the route (red) is missing from the map"


def test_route_sheet_in_english(
    plan_and_net: tuple[PatrolPlan, WalkingNetwork], font: fonts.CjkFont, tmp_path: Path
) -> None:
    plan, _ = plan_and_net
    pdf = route_sheet_pdf(plan, "R02", tmp_path / "r.pdf",
                          SheetOptions("https://x.org/app", lang="en", font=font))  # fmt: skip
    text = poppler("pdftotext", str(pdf), "-")
    assert "Patrol route R02" in text and "Checkpoints" in text


def test_route_url_has_only_the_route_id() -> None:
    assert route_url("https://example.org/redvest/", "R01") == "https://example.org/redvest/r/R01"
    with pytest.raises(ValueError, match="http"):
        route_url("example.org", "R01")


def test_missing_font_names_the_debian_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(fonts.FONT_ENV, raising=False)
    monkeypatch.setattr(fonts, "KNOWN_FONTS", ("/nonexistent/font.ttc",))
    find_cjk_font.cache_clear()
    try:
        with pytest.raises(FontMissingError, match="fonts-noto-cjk"):
            find_cjk_font()
        with pytest.raises(FontMissingError, match=fonts.FONT_ENV):
            find_cjk_font("/nonexistent/other.otf")
    finally:
        find_cjk_font.cache_clear()


def test_env_var_selects_the_font(font: fonts.CjkFont, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(fonts.FONT_ENV, str(font.path))
    find_cjk_font.cache_clear()
    try:
        chosen = find_cjk_font()
        assert chosen == font
    finally:
        find_cjk_font.cache_clear()


def test_street_sheet_carries_the_kinds_checklist(
    plan_and_net: tuple[PatrolPlan, WalkingNetwork], font: fonts.CjkFont, tmp_path: Path
) -> None:
    plan, _ = plan_and_net
    pdf = route_sheet_pdf(plan, "R01", tmp_path / "s.pdf", SheetOptions("http://x.org", font=font))
    text = poppler("pdftotext", str(pdf), "-")
    assert "街道巡查" in text
    for item in plan.kind.checklist:  # 路面垃圾, 乱堆乱放 … one column each
        assert item in text


@pytest.fixture(scope="module")
def towers_plan(helsinki_extract: OsmExtract, helsinki_network: WalkingNetwork) -> PatrolPlan:
    """Building patrols of the 3 tallest towers in 45-minute slots."""
    from routing.patrols import plan_building_routes

    net = helsinki_network
    ids = helsinki_extract.buildings.sort_values(["levels", "building_id"])["building_id"].tail(3)
    return plan_building_routes(
        net, helsinki_extract.buildings, ids.tolist(), slot_s=2700.0,
        options=PatrolOptions(time_limit_s=2, max_solutions=100),
    )  # fmt: skip


def test_building_sheet_lists_every_floor_with_its_checklist(
    towers_plan: PatrolPlan, font: fonts.CjkFont, tmp_path: Path
) -> None:
    route = towers_plan.routes[0]
    pdf = route_sheet_pdf(towers_plan, route.route_id, tmp_path / "b.pdf",
                          SheetOptions("http://x.org", font=font, title="演示社区"))  # fmt: skip
    text = poppler("pdftotext", "-layout", str(pdf), "-")
    assert f"巡查路线 {route.route_id}" in text and "楼栋巡查" in text
    assert "逐层检查表（走楼梯，不乘电梯）" in text and "走楼梯" in text
    for item in ("楼道照明", "消防门", "安全出口堵塞", "杂物堆放"):
        assert item in text
    floors = towers_plan.checkpoints.set_index("checkpoint_id").loc[list(route.checkpoints)]
    packed = text.replace(" ", "")  # poppler may drop the space in "1 层"
    for floor in floors["floor"]:
        assert (f"{floor}层" if floor > 0 else f"地下{-floor}层") in packed
    assert "不超过 45 分钟" in text


def test_checkpoint_sheet_shows_hours_and_due_times(
    plan_and_net: tuple[PatrolPlan, WalkingNetwork], font: fonts.CjkFont, tmp_path: Path
) -> None:
    from routing.patrols import default_kind, plan_checkpoint_routes

    _, net = plan_and_net
    middle = net.edges.geometry.to_crs(net.crs).interpolate(0.5, normalized=True)
    spots = gpd.GeoDataFrame(
        {
            "name": ["菜市场摊位", "积水点", "宣传栏"],
            "hours": ["09:30-10:00", "", ""],
            "opens_s": [9.5 * 3600, np.nan, np.nan],
            "closes_s": [10 * 3600, np.nan, np.nan],
        },
        geometry=middle.iloc[[10, 200, 400]].to_crs(WGS84).to_numpy(),
        crs=WGS84,
    )
    plan = plan_checkpoint_routes(
        net, spots, slot_s=3600.0, routes=1, kind=default_kind("checkpoints", "en"),
        options=PatrolOptions(time_limit_s=1, max_solutions=50),
    )  # fmt: skip
    pdf = route_sheet_pdf(plan, "R01", tmp_path / "c.pdf",
                          SheetOptions("http://x.org", lang="en", font=font),
                          slot_label="09:00-10:00")  # fmt: skip
    text = poppler("pdftotext", "-layout", str(pdf), "-")
    assert "Checkpoint patrol" in text and "Patrol slot: 09:00-10:00" in text
    assert "09:30-10:00" in text and "Hours" in text and "Litter" in text
    assert "Water" in text and "removed" in text  # a heading on two lines
    due = plan.checkpoints.set_index("name").loc["菜市场摊位", "arrival_s"] + 9 * 3600
    assert f"{int(due // 3600):02d}:{round(due % 3600 / 60):02d}" in text


def test_rota_pdf_names_the_kind_of_each_slot(font: fonts.CjkFont, tmp_path: Path) -> None:
    from routing.patrols import RouteDemand

    demands = {
        "R01": RouteDemand("street"),
        "B01": RouteDemand("building", per_week=1, slots=(1,)),
    }
    rota = solve_rota(["R01", "B01"], [f"T{i:03d}" for i in range(1, 13)], MONDAY,
                      RotaOptions(weeks=1), demands=demands)  # fmt: skip
    text = poppler("pdftotext", "-layout", str(rota_pdf(rota, tmp_path / "r.pdf", font=font)), "-")
    assert "09:00-11:00 R01 · 街道巡查" in text and "15:00-17:00 B01 · 楼栋巡查" in text
    assert "09:00-11:00 B01" not in text  # a building route walked in the afternoon only
