"""Files a job wrote, served to a coordinator's browser: CSVs get a BOM for Excel."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Response, abort, current_app, send_from_directory
from sqlalchemy import select
from sqlalchemy.orm import Session

from web.storage.exports import exports_root
from web.storage.models import JobRecord

BOM = "\ufeff"


def exports_dir() -> Path:
    """The app's exports folder (``EXPORTS_DIR``, else the instance's ``exports``)."""
    return exports_root(current_app.config.get("EXPORTS_DIR"), current_app.instance_path)


def finished_job(session: Session, community_id: int, kind: str, job_id: int) -> JobRecord | None:
    """The community's job ``job_id`` of ``kind`` when it has finished, else None."""
    return session.scalar(
        select(JobRecord).where(
            JobRecord.id == job_id,
            JobRecord.community_id == community_id,
            JobRecord.kind == kind,
            JobRecord.status == "done",
        )
    )


def finished_job_file(
    session: Session, community_id: int, kind: str, job_id: int, filename: str
) -> Response:
    """One file a finished job wrote, by a name the job recorded in its result (404
    otherwise: no other file of its folder, and nothing outside it, can be asked for)."""
    row = finished_job(session, community_id, kind, job_id)
    if row is None or filename not in json.loads(row.result).get("files", []):
        abort(404)
    return job_file(Path(json.loads(row.params)["folder"]), filename)


def job_file(folder: Path, filename: str) -> Response:
    """``folder/filename`` as an attachment.

    The CLI writes its CSVs as plain UTF-8 (other tools read them by exact header);
    Excel, which most committees open them with, reads UTF-8 only after a byte-order
    mark and garbles Chinese otherwise, so a CSV downloaded from a page gets one.
    """
    if not filename.endswith(".csv"):
        return send_from_directory(folder, filename, as_attachment=True)
    text = (folder / filename).read_text(encoding="utf-8-sig")
    return Response(
        BOM + text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
