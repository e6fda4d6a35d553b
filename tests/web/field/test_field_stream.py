"""Visit records pushed to the coordinator's page: latency, roles, resume, bounded streams."""

from __future__ import annotations

import http.client
import json
import queue
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.web.browser import served
from tests.web.conftest import PASSWORD, copy_db, login, make_app, make_link
from tests.web.field.test_field_security import stops
from web.db import sessions
from web.demo import DEMO_PASSWORD, DEMO_USER
from web.field import stream
from web.field.records import VisitInput, save
from web.field.tokens import resolve

STREAM = "/communities/1/field/stream"
Event = dict[str, str]


class Listener:
    """An EventSource stand-in: reads one stream over HTTP in a thread and queues each
    event block with the monotonic time it arrived."""

    def __init__(self, base: str, path: str, cookie: str, last_event_id: str = "") -> None:
        host, port = base.removeprefix("http://").split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=15)
        headers = {"Cookie": f"session={cookie}", "Accept": "text/event-stream"}
        if last_event_id:
            headers["Last-Event-ID"] = last_event_id
        self.connection.request("GET", path, headers=headers)
        self.response = self.connection.getresponse()
        self.blocks: queue.Queue[tuple[float, Event]] = queue.Queue()
        self.raw: list[str] = []
        self.ended = threading.Event()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        block: Event = {}
        try:
            for line in iter(self.response.readline, b""):
                text = line.decode("utf-8").rstrip("\r\n")
                self.raw.append(text)
                if text == "" and block:
                    self.blocks.put((time.monotonic(), block))
                    block = {}
                elif text.startswith(":"):
                    self.blocks.put((time.monotonic(), {"comment": text[1:].strip()}))
                elif text:
                    field, _, value = text.partition(":")
                    block[field] = value.removeprefix(" ")
        except (OSError, ValueError, AttributeError, http.client.HTTPException):
            pass  # closed by the test
        self.ended.set()

    def visits(self, count: int, timeout: float = 5.0) -> list[tuple[float, Event]]:
        """The next ``count`` visit events (skipping retry and heartbeat blocks)."""
        found: list[tuple[float, Event]] = []
        end = time.monotonic() + timeout
        while len(found) < count:
            arrived, block = self.blocks.get(timeout=max(0.01, end - time.monotonic()))
            if block.get("event") == "visit":
                found.append((arrived, block))
        return found

    def close(self) -> None:
        self.connection.close()


@pytest.fixture
def stream_app(accounts_db: Path, tmp_path: Path) -> Iterator[Flask]:
    """A private copy of the demo with a viewer and another community's coordinator;
    streams live 5 s with a 1 s heartbeat (they end soon after a test closes them)."""
    app = make_app(copy_db(accounts_db, tmp_path / "accounts.db"))
    app.config.update(
        FIELD_ROUTE_SOLVER="sweep",
        FIELD_STREAM_POLL_S=0.5,
        FIELD_STREAM_HEARTBEAT_S=1.0,
        FIELD_STREAM_LIFETIME_S=5.0,
    )
    yield app


@pytest.fixture
def server(stream_app: Flask) -> Iterator[str]:
    """``stream_app`` on a threaded werkzeug server; its base URL."""
    with served(stream_app) as url:
        yield url


def logged_in(app: Flask, username: str, password: str = PASSWORD) -> tuple[FlaskClient, str]:
    """A test client logged in as ``username`` and its session cookie's value."""
    client = app.test_client()
    login(client, username, password)
    cookie = client.get_cookie("session")
    assert cookie is not None
    return client, cookie.value


def phone_of(app: Flask, team: str) -> tuple[FlaskClient, str, list[int]]:
    """A team phone's client, its link path and its stop ids."""
    coordinator = app.test_client()
    path = make_link((coordinator, login(coordinator, DEMO_USER, DEMO_PASSWORD)), team)
    phone = app.test_client()
    return phone, path, [int(s["id"]) for s in stops(phone, path)]


def post_visit(phone: FlaskClient, path: str, stop: int, key: str, **fields: object) -> int:
    """Record a visit through the phone API; the new record's id."""
    response = phone.post(path + "/api/visits", json={"key": key, "stop_id": stop, **fields})
    assert response.status_code == 201, response.get_data(as_text=True)
    record_id: int = response.get_json()["id"]
    return record_id


def test_a_phone_record_reaches_the_coordinator_stream_within_a_second(
    stream_app: Flask, server: str
) -> None:
    # no database check within the test: the phone API's save itself must wake the stream
    stream_app.config.update(FIELD_STREAM_POLL_S=30.0)
    phone, path, ids = phone_of(stream_app, "T012")
    _, cookie = logged_in(stream_app, DEMO_USER, DEMO_PASSWORD)
    listener = Listener(server, STREAM, cookie)
    try:
        assert listener.response.status == 200
        assert listener.response.getheader("Content-Type", "").startswith("text/event-stream")
        arrived, block = listener.blocks.get(timeout=5)
        assert block == {"retry": "1000"}  # EventSource reconnects a second after the end
        sent = time.monotonic()
        record_id = post_visit(
            phone, path, ids[0], "stream-key-0001", status="visited", requests="需要送药"
        )
        [(arrived, block)] = listener.visits(1)
    finally:
        listener.close()
    assert arrived - sent < 1.0
    assert block["id"] == str(record_id)
    data = json.loads(block["data"])
    assert data["id"] == record_id and data["team_id"] == "T012"
    assert data["status"] == "visited" and data["requests"] == "需要送药"


def test_notify_wakes_a_stream_at_once(stream_app: Flask, server: str) -> None:
    # no poll and no heartbeat within the stream's life: only the bell can bring the record
    stream_app.config.update(FIELD_STREAM_POLL_S=30.0, FIELD_STREAM_HEARTBEAT_S=30.0)
    _, path, ids = phone_of(stream_app, "T013")
    _, cookie = logged_in(stream_app, DEMO_USER, DEMO_PASSWORD)
    listener = Listener(server, STREAM, cookie)
    try:
        listener.blocks.get(timeout=5)  # the retry block: the stream is waiting
        time.sleep(0.2)
        with sessions(stream_app)() as session:
            link = resolve(session, path.removeprefix("/t/"))
            assert link is not None
            record, new = save(session, link, VisitInput("bell-key-0001", ids[0], "refused"))
            rung = time.monotonic()
            stream.notify(link.community_id)
        [(arrived, block)] = listener.visits(1, timeout=2)
    finally:
        listener.close()
    assert new and block["id"] == str(record.id)
    assert arrived - rung < 0.2


def test_a_viewer_gets_records_without_requests(stream_app: Flask, server: str) -> None:
    phone, path, ids = phone_of(stream_app, "T014")
    _, cookie = logged_in(stream_app, "viewer")
    listener = Listener(server, STREAM, cookie)
    try:
        listener.blocks.get(timeout=5)
        post_visit(phone, path, ids[0], "viewer-key-01", status="visited", requests="需要送药")
        [(_, block)] = listener.visits(1)
    finally:
        listener.close()
    data = json.loads(block["data"])
    assert data["household_id"] and data["status"] == "visited"
    assert data["requests"] == ""
    assert "需要送药" not in "\n".join(listener.raw)


def test_other_communities_and_anonymous_users_are_refused(stream_app: Flask) -> None:
    other, _ = logged_in(stream_app, "coord_b")
    assert other.get(STREAM).status_code == 403
    assert other.get("/api/v1/communities/1/visits?after=0").status_code == 403
    anonymous = stream_app.test_client().get(STREAM)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_a_reconnect_resends_what_was_missed(stream_app: Flask, server: str) -> None:
    phone, path, ids = phone_of(stream_app, "T015")
    first, second, third = (
        post_visit(phone, path, stop, f"resend-key-{n:02d}", status="not_home")
        for n, stop in enumerate(ids[:3])
    )
    _, cookie = logged_in(stream_app, DEMO_USER, DEMO_PASSWORD)
    # the header wins over ?after= (EventSource keeps the URL it was opened with)
    resumed = Listener(server, f"{STREAM}?after={third}", cookie, last_event_id=str(first))
    fallback = Listener(server, f"{STREAM}?after={second}", cookie)
    fresh = Listener(server, STREAM, cookie)
    try:
        assert [b["id"] for _, b in resumed.visits(2)] == [str(second), str(third)]
        assert [b["id"] for _, b in fallback.visits(1)] == [str(third)]
        with pytest.raises(queue.Empty):
            fresh.visits(1, timeout=1.0)  # a new stream starts after the newest record
    finally:
        for listener in (resumed, fallback, fresh):
            listener.close()
    # the JSON API answers the same question for the page's fallback poll
    client, _ = logged_in(stream_app, DEMO_USER, DEMO_PASSWORD)
    rows = client.get(f"/api/v1/communities/1/visits?after={first}").get_json()
    assert [r["id"] for r in rows] == [third, second]


def test_streams_end_in_bounded_time_and_send_heartbeats(stream_app: Flask, server: str) -> None:
    stream_app.config.update(FIELD_STREAM_LIFETIME_S=1.5, FIELD_STREAM_HEARTBEAT_S=0.5)
    _, cookie = logged_in(stream_app, DEMO_USER, DEMO_PASSWORD)
    start = time.monotonic()
    listener = Listener(server, STREAM, cookie)
    assert listener.ended.wait(timeout=5)
    took = time.monotonic() - start
    listener.close()
    blocks: list[Event] = []
    while not listener.blocks.empty():
        blocks.append(listener.blocks.get_nowait()[1])
    assert 1.4 < took < 3.0
    assert blocks[0] == {"retry": "1000"}
    assert sum(b.get("comment") == "keep-alive" for b in blocks) >= 2


def test_streams_beyond_the_limit_catch_up_and_retry_later(stream_app: Flask, server: str) -> None:
    stream_app.config["FIELD_STREAM_MAX"] = 1
    phone, path, ids = phone_of(stream_app, "T016")
    before = post_visit(phone, path, ids[0], "limit-key-01", status="refused")
    _, cookie = logged_in(stream_app, DEMO_USER, DEMO_PASSWORD)
    live = Listener(server, STREAM, cookie)
    try:
        live.blocks.get(timeout=5)
        busy = Listener(server, f"{STREAM}?after={before - 1}", cookie)
        assert busy.ended.wait(timeout=5)  # no thread held: it answers and ends at once
        assert busy.blocks.get_nowait()[1] == {"retry": "5000"}
        assert busy.visits(1, timeout=0.1)[0][1]["id"] == str(before)
        assert not live.ended.is_set()
    finally:
        live.close()


def test_stream_options_are_validated() -> None:
    assert stream.StreamOptions.from_config({}) == stream.StreamOptions()
    assert stream.StreamOptions.from_config({"FIELD_STREAM_MAX": "2"}).max_streams == 2
    with pytest.raises(ValueError, match="lifetime_s"):
        stream.StreamOptions(lifetime_s=0)
    assert stream.resume_point("17", "3") == 17
    assert stream.resume_point("junk", "3") == 3
    assert stream.resume_point(None, None) is None
