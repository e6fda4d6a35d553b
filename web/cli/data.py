"""Commands over the community's data: import files, compute the matrix, build the demo."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from routing.errors import InputError
from web.cli.common import check, print_problems, progress_bar, stored_community
from web.imports.operations import ImportRequest, run_import
from web.storage import frames
from web.storage.engine import open_engine, session_factory

DEMO_COMMUNITY = "Kamppi 演示社区"
DATA = Path(__file__).resolve().parents[2] / "data"


def _bbox(text: str) -> tuple[float, float, float, float]:
    parts = text.split(",")
    try:
        west, south, east, north = (float(p) for p in parts)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected W,S,E,N as four numbers in degrees, got {text!r}"
        ) from None
    return west, south, east, north


def add_parsers(sub: Any) -> None:
    """The ``import``, ``matrix`` and ``demo`` commands."""
    imp = sub.add_parser("import", help="check and store buildings, households, volunteers")
    imp.add_argument("--db", required=True, help="SQLite file or database URL")
    imp.add_argument("--community", default=frames.DEFAULT_COMMUNITY, help="community name")
    imp.add_argument(
        "--buildings", type=Path, help="GeoJSON, GeoPackage or Shapefile (.shp or .zip)"
    )
    imp.add_argument("--paths", type=Path, help="walking paths as a line layer (GeoJSON, …)")
    imp.add_argument("--households", type=Path, help="household register (CSV or XLSX)")
    imp.add_argument("--volunteers", type=Path, help="volunteer roster (CSV or XLSX)")
    imp.add_argument("--osm", type=Path, help="OSM extract (.osm.pbf): buildings and paths")
    imp.add_argument("--bbox", type=_bbox, help="clip the OSM extract to W,S,E,N")
    imp.set_defaults(run=cmd_import)

    mat = sub.add_parser("matrix", help="compute the building-to-building walking matrix")
    mat.add_argument("--db", required=True)
    mat.add_argument("--community", default=None)
    mat.set_defaults(run=cmd_matrix)

    demo = sub.add_parser("demo", help="build the demo database from the bundled data")
    demo.add_argument("--db", required=True)
    demo.add_argument("--time-limit", type=float, default=5.0, help="planner seconds")
    demo.set_defaults(run=cmd_demo)


def cmd_import(args: argparse.Namespace) -> int:
    """Import files; print counts, or every problem as FILE:ROW:FIELD: message."""
    request = check(
        lambda: ImportRequest(
            buildings=args.buildings,
            paths=args.paths,
            households=args.households,
            volunteers=args.volunteers,
            osm=args.osm,
            bbox=args.bbox,
        )
    )
    engine = open_engine(args.db)
    with session_factory(engine)() as session, progress_bar("import") as progress:
        try:
            result = run_import(session, args.community, request, progress)
        except InputError as error:
            print_problems(error)  # stdout keeps one FILE:ROW:FIELD line per problem
            print(f"{error.total} problem(s); nothing was stored.", file=sys.stderr)
            return 1
    for note in result.notes:  # repairs: on stderr, so that stdout stays the counts
        print(note, file=sys.stderr)
    for key, value in result.counts.items():
        print(f"{key}: {value}")
    return 0


def cmd_matrix(args: argparse.Namespace) -> int:
    """Compute and store the building matrix of a stored community; report its size and time."""
    from web.storage.network import store_matrix

    engine = open_engine(args.db)
    with session_factory(engine)() as session:
        community = stored_community(session, args.community)
        started = time.perf_counter()
        matrix = store_matrix(session, community)
    elapsed = time.perf_counter() - started
    n = len(matrix.building_ids)
    print(f"matrix: {n} x {n} buildings ({matrix.method}) in {elapsed:.3f} s")
    if matrix.note:
        print(f"note: {matrix.note}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Build the demo database: Helsinki map, generated register and roster, then the matrix."""
    from routing.territories import TerritoryOptions

    check(lambda: TerritoryOptions(time_limit_s=args.time_limit))  # before the import
    db = Path(args.db)
    if "://" not in args.db and db.exists():
        db.unlink()
    request = ImportRequest(
        osm=DATA / "osm" / "helsinki.osm.pbf",
        households=DATA / "demo" / "households.csv",
        volunteers=DATA / "demo" / "volunteers.csv",
    )
    engine = open_engine(args.db)
    with session_factory(engine)() as session, progress_bar("import") as progress:
        try:
            counts = run_import(session, DEMO_COMMUNITY, request, progress).counts
        except InputError as error:  # the bundled data is checked by the tests
            print_problems(error)
            return 1
    print(f"demo community {DEMO_COMMUNITY!r}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    code = cmd_matrix(argparse.Namespace(db=args.db, community=DEMO_COMMUNITY, command="demo"))
    if code:
        return code
    from web.demo import finish_demo

    with progress_bar("territories") as progress:
        login = finish_demo(args.db, DEMO_COMMUNITY, args.time_limit, progress)
    print(f"published plan {login.plan_id} with {login.routes} team routes")
    print(f"demo log-in (demo only): user {login.username!r}, password {login.password!r}")
    return 0
