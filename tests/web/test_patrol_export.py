"""export_patrols on the demo database: the files the CLI writes and what they hold."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from routing.errors import InputError
from web import store
from web.patrol_export import export_patrols, read_area


def stored(db: Path) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, list[str]]:
    engine = store.open_engine(db)
    with store.session_factory(engine)() as session:
        community = store.find_community(session, None)
        assert community is not None
        edges = store.load_network_edges(session, community)
        assert edges is not None
        buildings = store.load_buildings(session, community)
        teams = store.load_team_ids(session, community)
    engine.dispose()
    return edges, buildings, teams


@pytest.mark.slow
def test_export_writes_routes_rota_and_pdfs(demo_db: Path, tmp_path: Path) -> None:
    edges, buildings, teams = stored(demo_db)
    out = tmp_path / "patrols"
    done = export_patrols(
        edges, buildings, teams, out, routes=3, weeks=1, time_limit_s=2,
        start_date=dt.date(2026, 3, 2), max_checkpoints=5,
    )  # fmt: skip
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        ["patrol_routes.geojson", "rota.csv", "rota.pdf"]
        + [f"route_{r}.pdf" for r in ("R01", "R02", "R03")]
    )
    routes = gpd.read_file(out / "patrol_routes.geojson")
    assert routes.crs.to_epsg() == 4326
    assert list(routes["route_id"]) == ["R01", "R02", "R03"]
    assert set(routes["team_id"]) <= set(teams) and routes["length_m"].min() > 0
    assert set(routes.geom_type) == {"LineString"}
    rota = pd.read_csv(out / "rota.csv", dtype=str)
    assert list(rota.columns) == ["date", "slot", "route_id", "team_id"]
    assert len(rota) == 7 * 2 * 3
    for route, team in zip(routes["route_id"], routes["team_id"], strict=True):
        walked = rota.loc[rota["route_id"] == route, "team_id"]
        assert (walked == team).sum() == walked.value_counts().max()
    assert all(len(r.checkpoints) <= 5 for r in done.plan.routes)


def test_no_teams_is_an_input_error(demo_db: Path, tmp_path: Path) -> None:
    edges, buildings, _ = stored(demo_db)
    with pytest.raises(InputError, match="no teams"):
        export_patrols(edges, buildings, [], tmp_path, routes=2)


def test_area_file_without_polygon_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "area.geojson"
    gpd.GeoDataFrame(geometry=gpd.points_from_xy([24.94], [60.17]), crs=4326).to_file(path)
    with pytest.raises(InputError, match="no polygon"):
        read_area(path)


def test_area_file_is_read_as_one_wgs84_polygon(tmp_path: Path) -> None:
    path = tmp_path / "area.geojson"
    squares = gpd.GeoSeries.from_xy([385_000, 385_400], [6_672_000, 6_672_000], crs=32635).buffer(
        100, cap_style="square"
    )
    squares.to_frame("geometry").to_file(path)
    area = read_area(path)
    assert area.geom_type == "MultiPolygon"
    west, south, east, north = area.bounds
    assert 24 < west < east < 26 and 60 < south < north < 61
