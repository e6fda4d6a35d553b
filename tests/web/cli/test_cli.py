"""The redvest command line: import counts, problem lines, matrix, demo."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest

from tests.web.support import community_session, data_digest
from web.cli import main
from web.plans import latest_plan
from web.storage import frames
from web.storage.engine import open_engine, session_factory

TEST_DATA = Path(__file__).resolve().parents[2] / "data"
GOOD = TEST_DATA / "good"
BAD = TEST_DATA / "bad"
LINE = re.compile(r"^[^:]+:\d*:[^:]*: .+$")


def test_import_good_files_prints_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "x.db"
    code = main(
        [
            "import",
            "--db",
            str(db),
            "--buildings",
            str(GOOD / "buildings.geojson"),
            "--households",
            str(GOOD / "households_zh_utf8bom.csv"),
            "--volunteers",
            str(GOOD / "volunteers.csv"),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    counts = dict(line.split(": ") for line in out.strip().splitlines())
    with community_session(db) as (session, community):
        stored = frames.counts(session, community)
    assert int(counts["buildings"]) == stored["buildings"] > 0
    assert int(counts["households"]) == stored["households"] > 0
    assert int(counts["volunteers"]) == stored["volunteers"] > 0


OPTION = {
    "households": "--households",
    "volunteers": "--volunteers",
    "buildings": "--buildings",
    "osm": "--osm",
    "paths": "--paths",
}


def _corpus() -> list[tuple[str, str]]:
    with (BAD / "expected.csv").open(encoding="utf-8") as handle:
        return sorted({(row["file"], row["kind"]) for row in csv.DictReader(handle)})


def test_every_bad_file_prints_problem_lines_and_stores_nothing(
    demo_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = _corpus()
    assert len(corpus) >= 15
    before = data_digest(demo_copy)
    for name, kind in corpus:
        code = main(
            [
                "import",
                "--db",
                str(demo_copy),
                "--community",
                "Kamppi 演示社区",
                OPTION[kind],
                str(BAD / name),
            ]
        )
        out = capsys.readouterr().out.strip().splitlines()
        assert code == 1, name
        assert out, name
        for line in out:
            assert LINE.match(line), line
            assert line.startswith(name + ":"), line
    assert data_digest(demo_copy) == before


def test_one_bad_file_among_good_ones_stores_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "x.db"
    bad = BAD / "volunteers_duplicate_id.csv"
    code = main(
        [
            "import",
            "--db",
            str(db),
            "--buildings",
            str(GOOD / "buildings.geojson"),
            "--households",
            str(GOOD / "households_zh_utf8bom.csv"),
            "--volunteers",
            str(bad),
        ]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert bad.name in out
    engine = open_engine(db)
    with session_factory(engine)() as session:
        assert frames.find_community(session, None) is None


def test_bbox_without_osm_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "import",
            "--db",
            str(tmp_path / "x.db"),
            "--households",
            "h.csv",
            "--bbox",
            "24.93,60.16,24.95,60.17",
        ]
    )
    assert code == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("redvest import: ") and "--osm" in lines[0]


def test_osm_import_with_bbox_clips(
    tmp_path: Path, helsinki_pbf: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    whole, part = tmp_path / "whole.db", tmp_path / "part.db"
    assert main(["import", "--db", str(whole), "--osm", str(helsinki_pbf)]) == 0
    assert (
        main(
            [
                "import",
                "--db",
                str(part),
                "--osm",
                str(helsinki_pbf),
                "--bbox",
                "24.935,60.164,24.944,60.170",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    numbers = [int(x) for x in re.findall(r"buildings: (\d+)", out)]
    assert len(numbers) == 2 and 0 < numbers[1] < numbers[0]


def test_matrix_reports_size_and_time(demo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["matrix", "--db", str(demo_copy)]) == 0
    out = capsys.readouterr().out
    match = re.search(r"matrix: (\d+) x (\d+) buildings \(network\) in ([\d.]+) s", out)
    assert match, out
    assert match.group(1) == match.group(2)
    assert int(match.group(1)) > 100


def test_matrix_falls_back_without_network(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "x.db"
    assert main(["import", "--db", str(db), "--buildings", str(GOOD / "buildings.geojson")]) == 0
    assert main(["matrix", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "(straight_line)" in out
    assert "note:" in out


def test_demo_counts(demo_db: Path) -> None:
    with community_session(demo_db) as (session, community):
        counts = frames.counts(session, community)
    assert counts["volunteers"] == 300
    assert counts["teams"] == 100
    assert counts["households"] > 1000
    assert counts["walk_edges"] > 1000


def test_demo_is_rebuilt_from_scratch(tmp_path: Path) -> None:
    db = tmp_path / "d.db"
    assert main(["demo", "--db", str(db), "--time-limit", "1"]) == 0
    first = data_digest(db)
    shutil.copy(db, tmp_path / "first.db")
    assert main(["demo", "--db", str(db), "--time-limit", "1"]) == 0
    assert data_digest(db) == first


def test_synthetic_community_imports_with_a_path_layer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from routing.synthetic import synthetic_community, write_synthetic

    community = synthetic_community(towers=6, volunteers=30)
    files = tmp_path / "files"
    write_synthetic(files, community)
    db = tmp_path / "s.db"
    code = main(
        [
            "import",
            "--db",
            str(db),
            "--buildings",
            str(files / "buildings.geojson"),
            "--paths",
            str(files / "paths.geojson"),
            "--households",
            str(files / "households.csv"),
            "--volunteers",
            str(files / "volunteers.csv"),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert f"households: {len(community.households)}" in out
    assert main(["matrix", "--db", str(db)]) == 0
    assert "matrix: 6 x 6 buildings (network)" in capsys.readouterr().out
    engine = open_engine(db)
    with session_factory(engine)() as session:
        stored = frames.find_community(session, None)
        assert stored is not None
        buildings = frames.load_buildings(session, stored)
    # every entrance was snapped and stored
    assert buildings["entrance_lon"].notna().all()


@pytest.mark.slow
def test_serve_answers_on_the_given_port(demo_copy: Path) -> None:
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "web.cli", "serve", "--db", str(demo_copy), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        # a wait for start-up, not a speed check: a loaded machine imports slowly
        deadline = time.monotonic() + 180
        while True:
            assert server.poll() is None, "the server exited before answering"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as page:
                    assert page.status == 200
                    assert "csrf-token" in page.read().decode()
                break
            except OSError:
                assert time.monotonic() < deadline, "server did not answer"
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_plan_territories_writes_the_contract_files(
    demo_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import geopandas as gpd
    import pandas as pd

    out = tmp_path / "out"
    args = ["plan-territories", "--db", str(demo_copy), "--out", str(out), "--time-limit", "2"]
    assert main([*args, "--fresh", "--teams", "20", "--seed", "3"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("包干到户: 20队")
    table = pd.read_csv(out / "territories.csv", dtype={"household_id": str, "team_id": str})
    assert list(table.columns) == ["household_id", "team_id", "building_id", "floor", "workload"]
    with community_session(demo_copy) as (session, community):
        households = frames.load_households(session, community)
    assert sorted(table["household_id"]) == sorted(households["household_id"])
    load = table.groupby("team_id")["workload"].sum()
    assert len(load) == 20
    assert load.max() / load.mean() <= 1.05 + 1e-9
    areas = gpd.read_file(out / "territories.geojson")
    assert sorted(areas["team_id"]) == sorted(load.index)
    # re-planning the unchanged register from the stored plan moves nobody
    assert main([*args, "--teams", "20", "--seed", "3"]) == 0
    assert "调整 0户" in capsys.readouterr().out
    again = pd.read_csv(out / "territories.csv", dtype={"household_id": str, "team_id": str})
    assert again.set_index("household_id")["team_id"].equals(
        table.set_index("household_id")["team_id"]
    )


def test_publishing_from_the_command_line_stores_every_team_route(
    demo_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sqlalchemy import func, select

    from web.storage.models import FieldPath, FieldStop

    args = ["plan-territories", "--db", str(demo_copy), "--out", str(tmp_path), "--publish"]
    assert main([*args, "--time-limit", "1", "--routes", "sweep"]) == 0
    printed = capsys.readouterr().out
    assert "stored 100 team routes (sweep)" in printed
    with community_session(demo_copy) as (session, community):
        plan = latest_plan(session, community, published=True)
        assert plan is not None and plan.id > 1
        paths = session.scalar(select(func.count()).where(FieldPath.plan_id == plan.id))
        stops = session.scalar(select(func.count()).where(FieldStop.plan_id == plan.id))
        households = len(frames.load_households(session, community))
    assert paths == 100 and stops == households


@pytest.mark.slow
def test_plan_patrols_writes_the_contract_files(
    demo_copy: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import geopandas as gpd
    import pandas as pd

    from tests.web.conftest import make_app

    out, exports = tmp_path / "patrols", tmp_path / "exports"
    monkeypatch.setenv("REDVEST_EXPORTS_DIR", str(exports))
    args = ["plan-patrols", "--db", str(demo_copy), "--out", str(out), "--routes", "2"]
    args += ["--base-url", "https://rv.example.org"]
    assert main([*args, "--weeks", "1", "--lang", "en", "--time-limit", "3"]) == 0
    printed = capsys.readouterr().out
    # the sheets' QR codes open route pages that the web app serves from its exports
    url = re.search(r"https://rv\.example\.org(/r/[A-Za-z0-9_\-]+)/<route id>", printed)
    assert url, printed
    app = make_app(demo_copy)
    app.config["EXPORTS_DIR"] = str(exports)
    page = app.test_client().get(url.group(1) + "/R01")
    assert page.status_code == 200 and "R01" in page.get_data(as_text=True)
    routes = gpd.read_file(out / "patrol_routes.geojson")
    assert sorted(routes["route_id"]) == ["R01", "R02"]
    assert {"route_id", "team_id", "length_m"} <= set(routes.columns)
    assert set(routes.geom_type) <= {"LineString", "MultiLineString"}
    rota = pd.read_csv(out / "rota.csv", dtype=str)
    assert list(rota.columns) == ["date", "slot", "route_id", "team_id"]
    assert set(rota["route_id"]) == {"R01", "R02"}
    for name in ("rota.pdf", "route_R01.pdf", "route_R02.pdf"):
        assert (out / name).read_bytes().startswith(b"%PDF")


def test_plan_patrols_without_teams_is_explained(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], helsinki_pbf: Path
) -> None:
    db = tmp_path / "x.db"
    assert main(["import", "--db", str(db), "--osm", str(helsinki_pbf),
                 "--bbox", "24.935,60.164,24.944,60.170"]) == 0  # fmt: skip
    capsys.readouterr()
    code = main(["plan-patrols", "--db", str(db), "--out", str(tmp_path / "o"), "--routes", "2"])
    assert code == 1
    assert "team" in capsys.readouterr().out.lower()


@pytest.mark.slow
def test_plan_patrols_in_120_minute_slots_fits_every_route(
    demo_copy: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import geopandas as gpd

    out = tmp_path / "patrols"
    monkeypatch.setenv("REDVEST_EXPORTS_DIR", str(tmp_path / "exports"))
    args = ["plan-patrols", "--db", str(demo_copy), "--out", str(out), "--slot-minutes", "120"]
    # 10 s, not 2: the rota shares the limit, and a loaded machine left it no time
    assert main([*args, "--weeks", "1", "--time-limit", "10"]) == 0
    routes = gpd.read_file(out / "patrol_routes.geojson")
    assert {"route_id", "team_id", "length_m", "duration_min", "kind"} <= set(routes.columns)
    assert len(routes) > 6 and routes["duration_min"].max() <= 120
    assert set(routes["kind"]) == {"street"}
    assert "slots of 120 min" in capsys.readouterr().out
    for route in routes["route_id"]:
        assert (out / f"route_{route}.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.slow
def test_plan_patrols_refuses_six_routes_in_120_minute_slots(
    demo_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "patrols"
    args = ["plan-patrols", "--db", str(demo_copy), "--out", str(out), "--routes", "6"]
    assert main([*args, "--slot-minutes", "120", "--time-limit", "2"]) == 1
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    found = re.fullmatch(
        r"redvest plan-patrols: 6 route\(s\) do not fit 120-minute slots: .*"
        r"at least (\d+) min, (\d+) min over; (\d+) routes fit",
        lines[0],
    )
    assert found, lines[0]
    least, over, fits = (int(x) for x in found.groups())
    assert least - over == 120 and fits > 6
    assert not out.exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--slot-minutes", "5"], "slot minutes must be a whole number in 10..720, got 5"),
        (["--routes", "0"], "routes must be a whole number in 1..200, got 0"),
        (
            ["--routes", "2", "--kind", "boat"],
            "kind must be one of street, checkpoints, building, got 'boat'",
        ),
        (["--kind", "building", "--slot-minutes", "60"], "building ids go with kind building"),
        (
            ["--routes", "2", "--checkpoints", "x.csv"],
            "a checkpoints file goes with kind checkpoints",
        ),
        ([], "street patrols need a number of routes, slot minutes, or both"),
        (["--routes", "2", "--weeks", "0"], "weeks must be a whole number in 1..53, got 0"),
        (["--routes", "2", "--weeks", "x"], "argument --weeks: invalid int value: 'x'"),
        (["--routes", "2", "--slots-per-day", "0"], "patrols per day must be a whole number"),
        (["--routes", "2", "--time-limit", "0"], "time limit must be seconds in (0, 600], got 0"),
        (["--routes", "2", "--seed", "-1"], "seed must be a whole number in 0..2147483647"),
        (["--slots-per-day", "3", "--slot-minutes", "400"], "runs past midnight"),
    ],
)
def test_plan_patrols_options_out_of_range_are_one_line(
    demo_db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    options: list[str],
    message: str,
) -> None:
    args = ["plan-patrols", "--db", str(demo_db), "--out", str(tmp_path / "o"), *options]
    assert main(args) == 1
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("redvest plan-patrols: "), captured.err
    assert message in lines[0] and "Traceback" not in captured.err + captured.out
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("command", "options", "message"),
    [
        ("plan-visits", ["--time-limit", "0"], "time limit must be seconds in (0, 600], got 0"),
        ("plan-visits", ["--session-start", "25:00"], "session start must be a time HH:MM"),
        (
            "plan-visits",
            ["--session-start", "12:00", "--session-end", "09:00"],
            "session end must be after session start, got 12:00-09:00",
        ),
        ("plan-visits", ["--max-solutions", "0"], "solutions must be a whole number in 1.."),
        ("plan-visits", ["--out"], "argument --out: expected one argument"),
        ("plan-territories", ["--tolerance", "2"], "tolerance must be in [0, 1)"),
        ("plan-territories", ["--teams", "0"], "expected a whole number >= 1, got '0'"),
        ("demo", ["--time-limit", "0"], "time_limit_s must be > 0, got 0"),
        ("form-teams", ["--size", "0"], "team size must be a whole number >= 1, got 0"),
        ("import", ["--bbox", "1,2,3"], "expected W,S,E,N as four numbers"),
        ("matrix", ["--community", "nowhere"], "no community 'nowhere' in this database"),
    ],
)
def test_every_commands_refusals_are_one_line_and_exit_1(
    demo_db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: str,
    options: list[str],
    message: str,
) -> None:
    out = ["--out", str(tmp_path / "o")] if command.startswith("plan-") else []
    # demo rebuilds its database: never the shared one, even when the check were missing
    db = tmp_path / "new.db" if command == "demo" else demo_db
    before = data_digest(demo_db)
    assert main([command, "--db", str(db), *out, *options]) == 1
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"redvest {command}: "), captured.err
    assert message in lines[0] and "Traceback" not in captured.err + captured.out
    assert not (tmp_path / "o").exists() and not (tmp_path / "new.db").exists()
    assert data_digest(demo_db) == before


def test_plan_patrols_names_unknown_towers_and_bad_checkpoint_rows(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["plan-patrols", "--db", str(demo_db), "--out", str(tmp_path / "o")]
    assert main([*base, "--kind", "building", "--buildings", "w1,nowhere"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "buildings::building_id: 2 unknown building id(s): w1, nowhere"
    ]
    points = tmp_path / "点位.csv"
    points.write_text("名称,经度,纬度,时段\n积水点,24.94,60.17,9点\n", encoding="utf-8")
    assert main([*base, "--kind", "checkpoints", "--checkpoints", str(points)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "点位.csv:2:时段: bad hours '9点' (expected HH:MM-HH:MM, e.g. 07:00-09:30)"
    ]


def test_plan_visits_writes_the_contract_files(
    demo_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import xml.etree.ElementTree as ET

    import pandas as pd

    out = tmp_path / "visits"
    args = ["plan-visits", "--db", str(demo_copy), "--out", str(out), "--team", "T001"]
    window = ["--session-start", "09:00", "--session-end", "12:00", "--time-limit", "2"]
    assert main([*args, *window]) == 0
    assert "team T001" in capsys.readouterr().out
    # plain UTF-8, the header first: scripts match it exactly
    assert (out / "visits.csv").read_bytes().startswith(b"team_id,session,seq,")
    assert (out / "dropped.csv").read_bytes().startswith(b"team_id,")
    visits = pd.read_csv(out / "visits.csv", dtype=str, encoding="utf-8")
    assert list(visits.columns) == [
        "team_id", "session", "seq", "household_id", "building_id", "floor", "unit",
        "arrival", "departure",
    ]  # fmt: skip
    assert set(visits["team_id"]) == {"T001"}
    assert visits["arrival"].str.fullmatch(r"\d\d:\d\d:\d\d").all()
    assert (visits["arrival"] >= "09:00:00").all() and (visits["departure"] <= "12:00:00").all()
    dropped = pd.read_csv(out / "dropped.csv", dtype=str, encoding="utf-8-sig")
    assert {"household_id", "reason"} <= set(dropped.columns)
    gpx = sorted(out.glob("*.gpx"))
    assert len(gpx) == visits["session"].nunique()
    ns = {"g": "http://www.topografix.com/GPX/1/1"}
    points = sum(len(ET.parse(p).getroot().findall("g:wpt", ns)) for p in gpx)
    assert points == len(visits)


def test_plan_visits_for_an_unknown_team_is_explained(
    demo_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["plan-visits", "--db", str(demo_copy), "--out", str(tmp_path), "--team", "X9"])
    assert code == 1
    assert "X9" in capsys.readouterr().out


@pytest.mark.slow
def test_plan_visits_with_a_work_budget_repeats_for_a_seed(demo_copy: Path, tmp_path: Path) -> None:
    # the clock alone depends on the machine's load; a solution budget does not
    runs = []
    for name in ("a", "b"):
        out = tmp_path / name
        args = ["plan-visits", "--db", str(demo_copy), "--out", str(out), "--team", "T002"]
        args += ["--seed", "3", "--max-solutions", "150", "--time-limit", "30"]
        assert main(args) == 0
        runs.append((out / "visits.csv").read_bytes())
    assert runs[0] == runs[1] and runs[0].count(b"\n") > 10
