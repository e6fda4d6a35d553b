"""The patrol routes' phone pages: what a web export keeps for them under its secret key."""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import shapely

if TYPE_CHECKING:  # the export pulls in the solvers; the phone pages need none of them
    from web.patrols.export import PatrolExport

# Beside the export's files; not one of them (downloads list only the contract files).
PAGES_FILE: Final = "phone_pages.json"
KEY_BYTES: Final = 16  # 128 bits: printed sheets' links cannot be guessed
_KEY: Final = re.compile(r"[A-Za-z0-9_\-]{22,64}")
_DIGITS: Final = 6  # ~0.1 m in WGS84 degrees


@dataclass(frozen=True)
class Checkpoint:
    """One checkpoint of a route, in walking order."""

    name: str
    lon: float
    lat: float


@dataclass(frozen=True)
class RoutePage:
    """What the phone page of one patrol route shows: streets and entrances, no people."""

    route_id: str
    title: str
    team: str
    length_m: float
    time_s: float
    deadhead_m: float
    start: tuple[float, float]
    path: shapely.LineString
    checkpoints: tuple[Checkpoint, ...]


def new_key() -> str:
    """A random, URL-safe export key (also the export's folder name)."""
    return secrets.token_urlsafe(KEY_BYTES)


def is_key(text: str) -> bool:
    """Whether ``text`` has the shape of an export key (never a path)."""
    return _KEY.fullmatch(text) is not None


def write_pages(export: PatrolExport, folder: str | Path, title: str = "") -> Path:
    """Write the routes' page data of an export into its folder.

    Parameters
    ----------
    export : PatrolExport
        The plan and rota ``export_patrols`` returned.
    folder : str or Path
        The export's folder (named by its key).
    title : str
        Shown above each route, e.g. the community's name.

    Returns
    -------
    Path
        The file written.
    """
    from web.patrols.export import sheet_teams

    plan, teams = export.plan, sheet_teams(export.rota)
    routes = {}
    for route in plan.routes:
        points = plan.checkpoints[plan.checkpoints["route_id"] == route.route_id]
        points = points.sort_values("order")
        names = [n or c for n, c in zip(points["name"], points["checkpoint_id"], strict=True)]
        routes[route.route_id] = {
            "team": teams.get(route.route_id, ""),
            "length_m": round(route.length_m, 1),
            "time_s": round(route.time_s, 1),
            "deadhead_m": round(route.deadhead_m, 1),
            "path": shapely.get_coordinates(route.geometry).round(_DIGITS).tolist(),
            "checkpoints": [
                [str(name), round(float(x), _DIGITS), round(float(y), _DIGITS)]
                for name, x, y in zip(names, points.geometry.x, points.geometry.y, strict=True)
            ],
        }
    data = {"title": title, "start": [plan.start_lon, plan.start_lat], "routes": routes}
    path = Path(folder) / PAGES_FILE
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def load_page(root: str | Path, key: str, route_id: str) -> RoutePage | None:
    """The page of ``route_id`` in the export ``key`` under ``root``; None when unknown.

    Parameters
    ----------
    root : str or Path
        The folder holding the exports.
    key : str
        The export key, as printed in the sheets' QR codes.
    route_id : str
        The route.

    Returns
    -------
    RoutePage or None
        None for a malformed or unknown key, an export without pages, or an unknown route.
    """
    if not is_key(key):
        return None
    path = Path(root) / key / PAGES_FILE
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    route: dict[str, Any] | None = data["routes"].get(route_id)
    if route is None:
        return None
    coords = route["path"]
    return RoutePage(
        route_id=route_id,
        title=str(data["title"]),
        team=str(route["team"]),
        length_m=float(route["length_m"]),
        time_s=float(route["time_s"]),
        deadhead_m=float(route["deadhead_m"]),
        start=(float(data["start"][0]), float(data["start"][1])),
        path=shapely.LineString(coords) if len(coords) > 1 else shapely.LineString(),
        checkpoints=tuple(
            Checkpoint(str(n), float(x), float(y)) for n, x, y in route["checkpoints"]
        ),
    )
