"""The patrol job: routes, rota and PDFs of a stored community, written to a job folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from routing.territories import Progress
from web.jobs import JobQueue, register
from web.patrols.export import Sheets
from web.patrols.operations import PatrolRequest, plan_patrols
from web.patrols.pages import new_key
from web.storage.models import Community

KIND = "patrols"


@register(KIND)
def patrol_task(
    session: Session, community: Community, params: dict[str, Any], progress: Progress
) -> dict[str, Any]:
    """Plan patrols and write the files; the result names them (relative to the folder).

    With an export key (every job since the key exists) the route sheets' QR codes open
    ``{base_url}/r/<key>/<route_id>`` and the routes' phone pages are written beside them.
    Input problems (no network, no teams, no feasible rota) fail the job with their
    records (``web.jobs``).
    """
    request = PatrolRequest.from_params(params["request"])
    folder = Path(params["folder"])
    key = str(params.get("export_key", ""))
    sheets = Sheets(title=community.name, base_url=params["base_url"], export_key=key)
    export = plan_patrols(
        session, community, request, folder, sheets,
        pages=folder if key else None, progress=progress,
    )  # fmt: skip
    return {
        "files": [f.name for f in export.files],
        "headline": export.rota.summary().splitlines()[0],
    }


def start(
    queue: JobQueue, community: Community, request: PatrolRequest, root: Path, base_url: str
) -> int:
    """Submit a patrol job writing into a new folder under ``root``; returns the job id.

    The folder is named by a new export key: the route sheets' QR codes carry it, and the
    public phone pages find the export by it.
    """
    key = new_key()
    folder = root / key
    folder.mkdir(mode=0o700, parents=True)  # a clash of 128 random bits fails, never shares
    params = {
        "request": request.to_params(),
        "folder": str(folder),
        "base_url": base_url,
        "export_key": key,
    }
    return queue.submit(community.id, KIND, params)
