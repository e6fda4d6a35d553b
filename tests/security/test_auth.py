"""Log-in: throttled per account and per address, no timing oracle, sessions end for real."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import pytest
from alembic import command
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, select, text

from tests.web.conftest import PASSWORD, csrf_token, login, make_app
from web.auth import users
from web.auth.users import authenticate, create_user, password_problem, set_password
from web.demo import DEMO_PASSWORD, DEMO_USER
from web.storage.engine import open_engine, session_factory
from web.storage.migrate import alembic_config, upgrade
from web.storage.models import User


def _post_login(client: FlaskClient, username: str, password: str) -> int:
    token = csrf_token(client)
    response = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )
    return response.status_code


def _client(app: Flask, address: str = "127.0.0.1") -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_wrong_passwords_lock_the_account_even_for_the_right_one(accounts_db: Path) -> None:
    app = make_app(accounts_db)  # the shipped limits: 10 failures per account in 15 min
    attacker = _client(app, "10.0.0.1")
    assert [_post_login(attacker, "viewer", f"guess-{k:04d}") for k in range(10)] == [401] * 10
    assert _post_login(attacker, "viewer", PASSWORD) == 429
    # from another address too: the account is what is locked
    owner = _client(app, "10.0.0.2")
    assert _post_login(owner, "viewer", PASSWORD) == 429
    page = owner.get("/login")  # the form itself still opens
    assert page.status_code == 200
    # other accounts are not affected, from the attacker's address either
    assert _post_login(attacker, "admin", PASSWORD) == 302


def test_the_lock_is_lifted_after_its_window(accounts_db: Path) -> None:
    app = make_app(accounts_db)
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "3 per 2 seconds"
    client = _client(app)
    assert [_post_login(client, "viewer", "wrong-password-1") for _ in range(3)] == [401] * 3
    assert _post_login(client, "viewer", PASSWORD) == 429
    time.sleep(2.2)
    assert _post_login(client, "viewer", PASSWORD) == 302


def test_one_address_trying_many_accounts_is_stopped(accounts_db: Path) -> None:
    app = make_app(accounts_db)  # the shipped limits: 30 failures per address in 15 min
    sprayer = _client(app, "10.0.0.9")
    codes = [_post_login(sprayer, f"someone-{k}", "Password-2024") for k in range(30)]
    assert codes == [401] * 30
    # a real account with its right password, from that address: refused for a while
    assert _post_login(sprayer, "admin", PASSWORD) == 429
    answer = sprayer.post(
        "/login",
        data={"username": "admin", "password": PASSWORD, "csrf_token": csrf_token(sprayer)},
    )
    assert "登录失败次数过多" in answer.get_data(as_text=True)
    # the same account from another address logs in
    assert _post_login(_client(app, "10.0.0.10"), "admin", PASSWORD) == 302


def test_a_right_password_does_not_use_up_the_limit(accounts_db: Path) -> None:
    app = make_app(accounts_db)
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "2 per minute"
    for _ in range(4):
        client = _client(app)
        assert _post_login(client, "viewer", PASSWORD) == 302


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record each real call of check_password_hash made by ``authenticate``."""
    calls: list[str] = []
    real = users.check_password_hash

    def spy(pwhash: str, password: str) -> bool:
        calls.append(pwhash)
        return real(pwhash, password)

    monkeypatch.setattr(users, "check_password_hash", spy)
    return calls


def test_an_unknown_user_costs_one_password_check_like_a_known_one(
    accounts_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _counting(monkeypatch)
    engine = open_engine(accounts_db)
    with session_factory(engine)() as session:
        known = session.scalar(select(User).where(User.username == "viewer"))
        assert known is not None
        assert authenticate(session, "viewer", "wrong-password") is None
        assert authenticate(session, "nobody-here", "wrong-password") is None
        assert authenticate(session, "viewer", PASSWORD) is not None
    engine.dispose()
    assert len(calls) == 3
    # the unknown name was checked against a hash of the same method and cost
    method = known.password_hash.split("$")[0]
    assert calls[1] != known.password_hash and calls[1].split("$")[0] == method


def test_unknown_and_known_names_take_about_as_long(accounts_db: Path) -> None:
    client = _client(make_app(accounts_db), "10.0.0.20")

    def timed(name: str) -> float:
        began = time.perf_counter()
        assert _post_login(client, name, "not-the-password-1") == 401
        return time.perf_counter() - began

    timed("nobody-0")  # the dummy hash is made on first use
    known = statistics.median(timed("viewer") for _ in range(5))
    unknown = statistics.median(timed(f"nobody-{k}") for k in range(1, 6))
    # Before the dummy hash an unknown name answered 20 times faster; a generous bound.
    assert unknown > 0.4 * known, (unknown, known)


def _cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def _with_cookie(app: Flask, value: str) -> FlaskClient:
    thief = app.test_client()
    thief.set_cookie("session", value)
    return thief


def test_a_copied_cookie_is_refused_after_logout(accounts_copy: Path) -> None:
    app = make_app(accounts_copy)
    client = app.test_client()
    token = login(client, "viewer")
    copied = _cookie(client)
    assert _with_cookie(app, copied).get("/communities/1").status_code == 200
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert _with_cookie(app, copied).get("/communities/1").status_code == 302  # to /login
    api = _with_cookie(app, copied).get("/api/v1/communities")
    assert api.status_code == 401
    # logging in again works and makes a new, valid cookie
    login(client, "viewer")
    assert client.get("/communities/1").status_code == 200


def test_a_password_change_ends_every_session_of_the_account(accounts_copy: Path) -> None:
    app = make_app(accounts_copy)
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, "viewer")
    login(phone, "viewer")
    other = app.test_client()
    login(other, "admin")
    engine = open_engine(accounts_copy)
    with session_factory(engine)() as session:
        viewer = session.scalar(select(User).where(User.username == "viewer"))
        assert viewer is not None
        set_password(viewer, "a-new-pass-phrase-7")
        session.commit()
    engine.dispose()
    assert laptop.get("/communities/1").status_code == 302
    assert phone.get("/api/v1/communities").status_code == 401
    assert other.get("/communities/1").status_code == 200  # another account's session lives
    assert _post_login(app.test_client(), "viewer", PASSWORD) == 401
    login(laptop, "viewer", "a-new-pass-phrase-7")
    assert laptop.get("/communities/1").status_code == 200


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short-1", "at least 12 characters"),
        ("aaaaaaaaaaaa", "different characters"),
        ("abcdefghijklm", "mix letters"),
        ("123456789012345", "mix letters"),
        ("Viewer-secret-9", "user name"),
        ("Password1234", "most common"),
    ],
)
def test_weak_passwords_are_refused(password: str, problem: str) -> None:
    found = password_problem("viewer", password)
    assert found is not None and problem in found


def test_good_passwords_and_the_demo_password_pass(tmp_path: Path) -> None:
    for good in (
        PASSWORD,
        "long-enough-1",
        "我们社区的红马甲志愿者队伍很棒的呀大家好",
        DEMO_PASSWORD,
    ):
        assert password_problem("someone", good) is None, good
    assert password_problem(DEMO_USER, DEMO_PASSWORD) is None
    engine = open_engine(tmp_path / "u.db")
    with session_factory(engine)() as session:
        with pytest.raises(ValueError, match="12 characters"):
            create_user(session, "coord", "eight-ch")
        with pytest.raises(ValueError, match="user name"):
            create_user(session, "coordinator", "coordinator-2024")
        user = create_user(session, "coord", PASSWORD)
        with pytest.raises(ValueError, match="most common"):
            set_password(user, "qwerty123456")
    engine.dispose()


def test_migration_0004_gives_every_existing_account_its_own_nonce(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0003")
        for name in ("a", "b"):
            connection.execute(
                text(
                    "insert into app_user (username, password_hash, is_admin, created_at)"
                    " values (:n, 'x', 0, '2026-01-01')"
                ),
                {"n": name},
            )
    upgrade(engine)
    with engine.connect() as connection:
        nonces = connection.execute(text("select session_nonce from app_user")).scalars().all()
    assert len(set(nonces)) == 2 and all(len(n) == 32 for n in nonces)
