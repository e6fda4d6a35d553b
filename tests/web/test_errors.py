"""One error handler: the same exception answers the same code on pages and in the API."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint

from routing.errors import ConflictError, InputError, Problem
from tests.web.conftest import login, make_app
from web.demo import DEMO_PASSWORD, DEMO_USER
from web.errors import status_of


def test_each_domain_exception_has_its_code() -> None:
    problem = Problem("households.csv", 7, "floor", "not a whole number: '3F'")
    assert status_of(InputError([problem])) == 422  # before ValueError, its base
    assert status_of(ValueError("bad")) == 400
    assert status_of(ConflictError("no plan")) == 409


def test_input_problems_keep_file_row_and_field_in_the_api_and_on_pages(
    demo_copy: Path,
) -> None:
    app = make_app(demo_copy)
    # a view of the real app raising the importers' real exception
    extra = Blueprint("raises", __name__)
    problems = [
        Problem("households.csv", 7, "floor", "not a whole number: '3F'"),
        Problem("roster.csv", None, "phone", "column missing"),
    ]

    def refuse() -> str:
        raise InputError(problems, omitted=2)

    extra.add_url_rule("/api/v1/raise", view_func=refuse)
    extra.add_url_rule("/raise", view_func=refuse, endpoint="page")
    app.register_blueprint(extra)
    client = app.test_client()
    login(client, DEMO_USER, DEMO_PASSWORD)
    answer = client.get("/api/v1/raise")
    assert answer.status_code == 422
    body = answer.get_json()
    assert body["problems"] == [
        {
            "file": "households.csv",
            "row": 7,
            "field": "floor",
            "message": "not a whole number: '3F'",
        },
        {"file": "roster.csv", "row": None, "field": "phone", "message": "column missing"},
    ]
    assert body["omitted"] == 2 and body["error"].startswith("4 problem(s): households.csv:7:floor")
    page = client.get("/raise")
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert '<td>households.csv</td><td class="num">7</td><td>floor</td>' in html
    assert 'id="problems-more"' in html  # the two problems left out are counted


def test_a_refused_form_returns_to_its_page_with_the_message(demo_copy: Path) -> None:
    client = make_app(demo_copy).test_client()
    token = login(client, DEMO_USER, DEMO_PASSWORD)
    form = {"csrf_token": token, "tolerance_pct": "five"}
    refused = client.post("/communities/1/plans/generate", data=form)
    assert refused.status_code == 302
    assert refused.headers["Location"] == "/communities/1/plans"  # the blueprint's page
    shown = client.get("/communities/1/plans", follow_redirects=True).get_data(as_text=True)
    assert "could not convert string to float: &#39;five&#39;" in shown
    # from a page of this site the form returns there (the plan being edited)
    back = client.post(
        "/communities/1/plans/generate",
        data=form,
        headers={"Referer": "http://localhost/communities/1/plans/1?x=1"},
    )
    assert back.headers["Location"] == "/communities/1/plans/1?x=1"
    # never to another site
    away = client.post(
        "/communities/1/plans/generate", data=form, headers={"Referer": "https://evil.example/"}
    )
    assert away.headers["Location"] == "/communities/1/plans"


def test_the_api_answers_the_same_refusal_as_json(demo_copy: Path) -> None:
    client = make_app(demo_copy).test_client()
    token = login(client, DEMO_USER, DEMO_PASSWORD)
    refused = client.get("/api/v1/communities/1/visits?after=soon")
    assert refused.status_code == 400
    assert set(refused.get_json()) == {"error"}
    on_page = client.get("/communities/1/field/stream?after=soon")
    assert on_page.status_code == 400 and on_page.mimetype == "text/html"
    missing = client.post(
        "/communities/1/volunteers/999999/team", data={"csrf_token": token, "team_id": "T001"}
    )
    assert missing.status_code == 404


def test_a_blank_community_name_is_refused_to_an_admin(accounts_db: Path) -> None:
    client = make_app(accounts_db).test_client()
    token = login(client, "admin")
    refused = client.post("/communities", data={"csrf_token": token, "name": "  "})
    assert refused.status_code == 400
    assert "a community needs a name of 1 to 200 characters, got 0" in refused.get_data(
        as_text=True
    )
    viewer = make_app(accounts_db).test_client()
    token = login(viewer, "viewer")
    assert viewer.post("/communities", data={"csrf_token": token, "name": "X"}).status_code == 403
