"""Helpers of the web tests: a community's stored rows, database digests, finished jobs."""

from __future__ import annotations

import hashlib
import html
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.web.conftest import csrf_token
from web.storage import frames
from web.storage.engine import open_engine, session_factory
from web.storage.models import Base, Community

# What differs between two identical runs: clocks, salted hashes, and plans solved against
# the clock (a one-second budget ends at a machine-speed-dependent point).
VOLATILE = frozenset(
    {
        "created_at",
        "published_at",
        "updated_at",
        "password_hash",
        "session_nonce",
        "metrics",
        "summary",
    }
)
# plans differ between runs, and so do the team routes stored for them
VOLATILE_TABLES = frozenset({"plan_assignment", "territory_plan", "field_stop", "field_path"})


@contextmanager
def community_session(db: Path, name: str | None = None) -> Iterator[tuple[Session, Community]]:
    """A session on the database file ``db`` and its community ``name`` (None: the only
    one, which must exist); the engine is closed afterwards."""
    engine = open_engine(db)
    try:
        with session_factory(engine)() as session:
            community = frames.find_community(session, name)
            assert community is not None, f"no community {name!r} in {db}"
            yield session, community
    finally:
        engine.dispose()


def data_digest(path: Path, *, jobs: bool = True) -> str:
    """A digest of every stored row (volatile ones aside), to prove a database unchanged;
    ``jobs=False`` leaves out the job queue (an import job is a row itself)."""
    skip = VOLATILE_TABLES if jobs else VOLATILE_TABLES | {"job"}
    engine = open_engine(path)
    with engine.connect() as conn:
        rows = []
        for table in Base.metadata.sorted_tables:
            if table.name in skip:
                continue
            columns = [c for c in table.columns if c.name not in VOLATILE]
            query = table.select().with_only_columns(*columns).order_by(*table.primary_key)
            rows.append(repr(conn.execute(query).all()))
    engine.dispose()
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


def wait_job(client: FlaskClient, job_id: int, timeout_s: float = 120) -> dict[str, Any]:
    """The finished job's state as the API gives it."""
    deadline = time.monotonic() + timeout_s
    state: dict[str, Any] = {}
    while time.monotonic() < deadline:
        state = client.get(f"/api/v1/jobs/{job_id}").get_json()
        if state["finished"]:
            return state
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish: {state}")


def assert_page_and_api_refuse(
    client: FlaskClient, page: str, api: str, form: dict[str, str], body: Any, message: str
) -> None:
    """The page refuses ``form`` and the API ``body`` with ``message`` (400, one JSON error)."""
    token = csrf_token(client, "/")
    shown = client.post(page, data={"csrf_token": token, **form}, follow_redirects=True)
    assert message in html.unescape(shown.get_data(as_text=True))
    answer = client.post(api, json=body, headers={"X-CSRFToken": token})
    assert answer.status_code == 400 and answer.get_json() == {"error": message}
