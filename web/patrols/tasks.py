"""The patrol job: routes, rota and PDFs of a stored community, written to a job folder."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from routing.errors import InputError
from routing.progress import Progress
from web.jobs import JobQueue, register
from web.patrols.pages import new_key, write_pages
from web.storage import frames
from web.storage.models import Community

KIND = "patrols"


@dataclass(frozen=True)
class PatrolRequest:
    """Routes, rota length and solver time the coordinator asks for."""

    routes: int = 6
    weeks: int = 4
    slots_per_day: int = 2
    time_limit_s: float = 10.0

    def __post_init__(self) -> None:
        if not 1 <= self.routes <= 100:
            raise ValueError("routes must be in 1..100")
        if not 1 <= self.weeks <= 12:
            raise ValueError("weeks must be in 1..12")
        if not 1 <= self.slots_per_day <= 6:
            raise ValueError("patrols per day must be in 1..6")
        if not 0 < self.time_limit_s <= 600:
            raise ValueError("time limit must be in (0, 600] s")

    @classmethod
    def parse(cls, values: Any) -> PatrolRequest:
        """From form or JSON values; raises ValueError on bad ones."""
        try:
            return cls(
                routes=int(values.get("routes", 6)),
                weeks=int(values.get("weeks", 4)),
                slots_per_day=int(values.get("slots_per_day", 2)),
                time_limit_s=float(values.get("time_limit_s", 10)),
            )
        except (TypeError, ValueError) as error:
            raise ValueError(str(error)) from None


@register(KIND)
def patrol_task(
    session: Session, community: Community, params: dict[str, Any], progress: Progress
) -> dict[str, Any]:
    """Plan patrols and write the files; the result names them (relative to the folder).

    With an export key (every job since the key exists) the route sheets' QR codes open
    ``{base_url}/r/<key>/<route_id>`` and the routes' phone pages are written beside them.
    """
    from web.patrol_export import export_patrols

    edges = frames.load_network_edges(session, community)
    if edges is None:
        raise ValueError("no walking network: import an OSM extract or a path layer first")
    request = PatrolRequest(**params["request"])
    folder = Path(params["folder"])
    key = str(params.get("export_key", ""))
    progress(0.1, "planning patrols")
    try:
        export = export_patrols(
            edges,
            frames.load_buildings(session, community),
            frames.load_team_ids(session, community),
            folder,
            routes=request.routes,
            weeks=request.weeks,
            slots_per_day=request.slots_per_day,
            time_limit_s=request.time_limit_s,
            base_url=params["base_url"],
            title=community.name,
            export_key=key,
        )
    except InputError as error:
        raise ValueError("; ".join(p.message for p in error.problems)) from None
    if key:
        write_pages(export, folder, title=community.name)
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
        "request": asdict(request),
        "folder": str(folder),
        "base_url": base_url,
        "export_key": key,
    }
    return queue.submit(community.id, KIND, params)
