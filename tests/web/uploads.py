"""Helpers of the import tests: post files to the import page, wait for the import job."""

from __future__ import annotations

import hashlib
import io
import re
import time
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.web.cli.test_cli import VOLATILE, VOLATILE_TABLES
from web.storage.engine import open_engine
from web.storage.models import Base

JOB_ID = re.compile(r'data-job-id="(\d+)"')
Upload = tuple[Path | bytes, str]


def post_import(
    client: FlaskClient, token: str, files: dict[str, Upload], community: int = 1
) -> TestResponse:
    """POST ``files`` (kind → (path or bytes, uploaded name)) to the import page."""
    data: dict[str, Any] = {"csrf_token": token}
    for kind, (content, name) in files.items():
        raw = content.read_bytes() if isinstance(content, Path) else content
        data[kind] = (io.BytesIO(raw), name)
    return client.post(
        f"/communities/{community}/import", data=data, content_type="multipart/form-data"
    )


def wait_job(client: FlaskClient, job_id: int, timeout_s: float = 120) -> dict[str, Any]:
    """The finished job's state as the API gives it."""
    deadline = time.monotonic() + timeout_s
    state: dict[str, Any] = {}
    while time.monotonic() < deadline:
        state = client.get(f"/api/v1/jobs/{job_id}").get_json()
        if state["finished"]:
            return state
        time.sleep(0.1)
    raise AssertionError(f"import job {job_id} did not finish: {state}")


def import_files(
    client: FlaskClient, token: str, files: dict[str, Upload], community: int = 1
) -> tuple[dict[str, Any], str]:
    """Upload, wait for the job, and return its state and the import page showing it."""
    response = post_import(client, token, files, community)
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    match = JOB_ID.search(page)
    assert match, page[-2000:]
    state = wait_job(client, int(match.group(1)))
    return state, client.get(f"/communities/{community}/import").get_data(as_text=True)


def table_rows(page: str, table_id: str = "problems") -> list[list[str]]:
    """The cells of each body row of the table ``table_id`` on ``page``."""
    body = page.split(f'id="{table_id}"')[1].split("</table>")[0].split("<tbody>")[1]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.DOTALL)
    return [re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL) for row in rows]


def data_digest(path: Path) -> str:
    """A digest of every stored row but the job queue's (an import job is a row itself)."""
    engine = open_engine(path)
    with engine.connect() as conn:
        rows = []
        for table in Base.metadata.sorted_tables:
            if table.name in VOLATILE_TABLES or table.name == "job":
                continue
            columns = [c for c in table.columns if c.name not in VOLATILE]
            query = table.select().with_only_columns(*columns).order_by(*table.primary_key)
            rows.append(repr(conn.execute(query).all()))
    engine.dispose()
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()
