"""The team pages' caches belong to their app: two apps over two databases never share stops."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import update

from tests.web.conftest import copy_db, login, make_app, make_link
from web.demo import DEMO_PASSWORD, DEMO_USER
from web.storage.engine import open_engine, session_factory
from web.storage.models import FieldStop


def test_two_apps_keep_their_own_stops(demo_db: Path, tmp_path: Path) -> None:
    first = make_app(copy_db(demo_db, tmp_path / "a.db"))
    other_db = copy_db(demo_db, tmp_path / "b.db")
    engine = open_engine(other_db)
    with session_factory(engine)() as session:  # same plan, team and route ids
        session.execute(update(FieldStop).where(FieldStop.team_id == "T001").values(label="乙楼"))
        session.commit()
    engine.dispose()
    second = make_app(other_db)
    pages = []
    for app in (first, second):
        coordinator = app.test_client()
        link = make_link((coordinator, login(coordinator, DEMO_USER, DEMO_PASSWORD)), "T001")
        phone = app.test_client()
        labels = {s["label"] for s in phone.get(link + "/api/stops").get_json()["stops"]}
        pages.append((labels, phone.get(link).get_data(as_text=True)))
    (first_labels, first_page), (second_labels, second_page) = pages
    assert "乙楼" not in first_labels and "乙楼" not in first_page
    assert second_labels == {"乙楼"} and "乙楼" in second_page
