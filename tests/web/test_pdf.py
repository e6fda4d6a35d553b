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
from routing.sources import OsmExtract, read_osm
from web.pdf import fonts
from web.pdf.fonts import FontMissingError, find_cjk_font
from web.pdf.rota_pdf import rota_pdf
from web.pdf.route_sheet import MAP_BOX, route_sheet_pdf, route_url

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
def extract(helsinki_pbf: Path) -> OsmExtract:
    return read_osm(helsinki_pbf)


@pytest.fixture(scope="module")
def plan_and_net(extract: OsmExtract) -> tuple[PatrolPlan, WalkingNetwork]:
    """Three routes over the streets within 400 m of the centre, with building entrances."""
    whole = WalkingNetwork.from_edges(extract.walk_edges)
    metric = whole.edges.geometry.to_crs(whole.crs)
    centre = shapely.box(*metric.total_bounds).centroid
    near = (metric.interpolate(0.5, normalized=True).distance(centre) <= 400).to_numpy()
    net = WalkingNetwork.from_edges(whole.edges.loc[near].reset_index(drop=True))
    plan = plan_patrol_routes(net, 3, options=PatrolOptions(time_limit_s=1))
    doors = net.snap_entrances(extract.buildings)
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
    extract: OsmExtract,
    font: fonts.CjkFont,
    tmp_path: Path,
) -> None:
    plan, net = plan_and_net
    route = plan.routes[0]
    pdf = route_sheet_pdf(
        plan, route.route_id, tmp_path / "route.pdf", base_url="http://127.0.0.1:5000",
        team="T005", buildings=extract.buildings.geometry, streets=net.edges.geometry,
        lang="zh", title="演示社区", font=font,
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
    pdf = route_sheet_pdf(plan, "R02", tmp_path / "r.pdf", base_url="https://x.org/app",
                          lang="en", font=font)  # fmt: skip
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
