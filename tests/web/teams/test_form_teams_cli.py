"""`redvest form-teams`: the teams page's forming on the command line, and plans after it."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest

from tests.web.conftest import copy_db, login, make_app
from tests.web.support import community_session
from web.cli import main
from web.demo import DEMO_PASSWORD, DEMO_USER
from web.storage import frames

DATA = Path(__file__).resolve().parents[3] / "data"
GOOD = Path(__file__).resolve().parents[2] / "data" / "good"
HOMELESS = 12  # roster rows whose home building is left empty


def _roster_without_teams(path: Path) -> Path:
    """The demo roster without its 队伍 column; the last rows without a home building."""
    with (DATA / "demo" / "volunteers.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    team, home = header.index("队伍"), header.index("住址楼栋")
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        for number, row in enumerate(rows):
            if number > len(rows) - 1 - HOMELESS:
                row[home] = ""
            writer.writerow([cell for i, cell in enumerate(row) if i != team])
    return path


def _teams_of(db: Path) -> dict[str, str]:
    """volunteer id → team id as stored."""
    with community_session(db) as (session, community):
        volunteers = frames.load_volunteers(session, community)
        teams = frames.load_team_ids(session, community)
    mapping = dict(zip(volunteers["volunteer_id"], volunteers["team_id"], strict=True))
    assert sorted(set(mapping.values()) - {""}) == teams  # the team table follows the roster
    return mapping


@pytest.mark.slow
def test_a_roster_without_teams_then_form_teams_then_plans(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REDVEST_EXPORTS_DIR", str(tmp_path / "exports"))
    db, roster = tmp_path / "x.db", _roster_without_teams(tmp_path / "volunteers.csv")
    imported = main(
        [
            "import", "--db", str(db), "--osm", str(DATA / "osm" / "helsinki.osm.pbf"),
            "--households", str(DATA / "demo" / "households.csv"), "--volunteers", str(roster),
        ]
    )  # fmt: skip
    assert imported == 0
    assert "teams: 0" in capsys.readouterr().out
    patrols = ["plan-patrols", "--db", str(db), "--out", str(tmp_path / "patrols")]
    patrols += ["--routes", "2", "--weeks", "1", "--time-limit", "2"]
    # as reported: without teams the patrols cannot be planned
    assert main(patrols) == 1
    assert "no teams" in (said := capsys.readouterr().out) and "redvest form-teams" in said

    assert main(["form-teams", "--db", str(db)]) == 0
    printed = capsys.readouterr().out
    assert "formed 100 teams from 300 volunteers (size 3, seed 0)" in printed
    assert "team sizes: 100 × 3" in printed
    assert f"{HOMELESS} volunteers without a known home building" in printed
    formed = _teams_of(db)
    assert len(set(formed.values())) == 100 and "" not in formed.values()

    assert main(patrols) == 0
    capsys.readouterr()
    rota = pd.read_csv(tmp_path / "patrols" / "rota.csv", dtype=str)
    assert len(rota) > 0 and set(rota["team_id"]) <= set(formed.values())

    out = tmp_path / "territories"
    assert main(["plan-territories", "--db", str(db), "--out", str(out), "--time-limit", "2"]) == 0
    assert capsys.readouterr().out.startswith("包干到户: 100队")
    table = pd.read_csv(out / "territories.csv", dtype=str)
    assert set(table["team_id"]) == set(formed.values())


def test_the_command_forms_what_the_page_forms(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    by_page = copy_db(demo_db, tmp_path / "page.db")
    by_cli = copy_db(demo_db, tmp_path / "cli.db")
    client = make_app(by_page).test_client()
    token = login(client, DEMO_USER, DEMO_PASSWORD)
    assert client.post("/communities/1/teams/form", data={"csrf_token": token}).status_code == 302
    before = _teams_of(by_cli)
    assert main(["form-teams", "--db", str(by_cli), "--community", "Kamppi 演示社区"]) == 0
    assert "replaced 100 earlier teams" in capsys.readouterr().out
    after = _teams_of(by_cli)
    assert after == _teams_of(by_page)
    assert after != before  # the demo roster's teams were not formed this way


def test_size_and_seed(demo_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["form-teams", "--db", str(demo_copy), "--size", "7", "--seed", "4"]) == 0
    assert "formed 43 teams from 300 volunteers (size 7, seed 4)" in capsys.readouterr().out
    sizes = pd.Series(_teams_of(demo_copy)).value_counts()
    assert sorted(sizes.value_counts().items()) == [(6, 1), (7, 42)]  # 42 × 7 + 6 = 300
    runs = []
    for seed in ("4", "4", "5"):
        assert main(["form-teams", "--db", str(demo_copy), "--seed", seed]) == 0
        runs.append(_teams_of(demo_copy))
    assert runs[0] == runs[1]  # one seed, one answer
    assert runs[0] != runs[2]  # the seed orders neighbours of one building


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--size", "0"], 1, "team size must be a whole number >= 1, got 0"),
        (["--size", "-2"], 1, "team size must be a whole number >= 1, got -2"),
        (["--seed", "-1"], 1, "seed must be a whole number >= 0, got -1"),
        (["--community", "没有这个社区"], 1, "no community '没有这个社区' in this database"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(
    demo_copy: Path, capsys: pytest.CaptureFixture[str], args: list[str], code: int, message: str
) -> None:
    before = _teams_of(demo_copy)
    assert main(["form-teams", "--db", str(demo_copy), *args]) == code
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and message in captured.err
    assert captured.err.startswith("redvest form-teams: ")
    assert _teams_of(demo_copy) == before


def test_no_volunteers_or_no_community(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "x.db"
    assert main(["form-teams", "--db", str(db)]) == 1
    assert re.fullmatch(
        r"redvest form-teams: no community in this database; .*\n", capsys.readouterr().err
    )
    assert main(["import", "--db", str(db), "--buildings", str(GOOD / "buildings.geojson")]) == 0
    capsys.readouterr()
    assert main(["form-teams", "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert err == "redvest form-teams: the roster is empty: import volunteers first\n"
