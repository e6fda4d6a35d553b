"""Helpers of the import tests: post files to the import page, wait for the import job."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.web.support import wait_job

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
