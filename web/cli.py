"""The ``redvest`` command line: the same functions as the web service, without a server."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.orm import Session

from routing.errors import InputError, more_line
from web.imports.operations import ImportRequest, run_import
from web.storage import frames
from web.storage.engine import database_url, open_engine, session_factory
from web.storage.models import Community

DEFAULT_DB = Path("instance") / "redvest.db"
DEMO_COMMUNITY = "Kamppi 演示社区"
DATA = Path(__file__).resolve().parent.parent / "data"


def _bbox(text: str) -> tuple[float, float, float, float]:
    parts = text.split(",")
    try:
        west, south, east, north = (float(p) for p in parts)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected W,S,E,N as four numbers in degrees, got {text!r}"
        ) from None
    return west, south, east, north


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {text!r}")
    return value


def _ids(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _clock(text: str) -> str:
    hours, _, minutes = text.partition(":")
    if not (hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60):
        raise argparse.ArgumentTypeError(f"expected a time as HH:MM, got {text!r}")
    return f"{int(hours):02d}:{int(minutes):02d}"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="redvest", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

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

    mat = sub.add_parser("matrix", help="compute the building-to-building walking matrix")
    mat.add_argument("--db", required=True)
    mat.add_argument("--community", default=None)

    frm = sub.add_parser("form-teams", help="replace the teams by teams formed from the roster")
    frm.add_argument("--db", required=True)
    frm.add_argument("--community", default=None)
    frm.add_argument("--size", type=int, default=3, help="members per team (sizes differ by ≤ 1)")
    frm.add_argument(
        "--seed", type=int, default=0, help="orders volunteers living at the same place"
    )

    ter = sub.add_parser("plan-territories", help="balanced areas of responsibility per team")
    ter.add_argument("--db", required=True)
    ter.add_argument("--out", required=True, type=Path, help="folder for the CSV and GeoJSON")
    ter.add_argument("--community", default=None)
    ter.add_argument("--teams", type=_positive_int, help="plan for N teams T001…; default: roster")
    ter.add_argument("--tolerance", type=float, default=0.05, help="balance ± share of the mean")
    ter.add_argument("--time-limit", type=float, default=10.0, help="seconds")
    ter.add_argument("--seed", type=int, default=0)
    ter.add_argument("--fresh", action="store_true", help="ignore the current plan")
    ter.add_argument("--publish", action="store_true", help="publish the new plan")
    ter.add_argument(
        "--routes",
        choices=("visits", "sweep", "none"),
        default="visits",
        help="with --publish: store every team's phone route now (visit planner, about 1 s "
        "a team; sweep: instant; none: when a link is first opened)",
    )

    pat = sub.add_parser("plan-patrols", help="patrol routes that fit the slot, rota and PDFs")
    pat.add_argument("--db", required=True)
    pat.add_argument("--out", required=True, type=Path, help="folder for GeoJSON, CSV, PDFs")
    pat.add_argument("--community", default=None)
    pat.add_argument("--kind", default="street", help="street | checkpoints | building")
    pat.add_argument("--checkpoints", type=Path, help="--kind checkpoints: CSV/XLSX/GeoJSON")
    pat.add_argument("--buildings", type=_ids, default=(), help="--kind building: ID,ID,…")
    pat.add_argument("--slot-minutes", type=int, help="longest patrol; fewest routes that fit")
    pat.add_argument("--routes", type=int, help="number of routes K (optional with a slot)")
    pat.add_argument("--weeks", type=_positive_int, default=4)
    pat.add_argument("--slots-per-day", type=_positive_int, default=2)
    pat.add_argument("--lang", choices=("zh", "en"), default="zh")
    pat.add_argument("--area", type=Path, help="polygon file: only the streets inside it")
    pat.add_argument("--time-limit", type=float, default=10.0, help="seconds")
    pat.add_argument("--seed", type=int, default=0)
    pat.add_argument(
        "--base-url",
        default="http://127.0.0.1:5000",
        help="where redvest is served: the route sheets' QR codes open its route pages",
    )

    vis = sub.add_parser("plan-visits", help="visit routes per team and session")
    vis.add_argument("--db", required=True)
    vis.add_argument("--out", required=True, type=Path, help="folder for the CSVs and GPX files")
    vis.add_argument("--community", default=None)
    vis.add_argument("--team", help="only this team (default: every team of the plan)")
    vis.add_argument("--session-start", type=_clock, default="09:00", help="HH:MM")
    vis.add_argument("--session-end", type=_clock, default="12:00", help="HH:MM")
    vis.add_argument("--time-limit", type=float, default=5.0, help="seconds per team")
    vis.add_argument("--seed", type=int, default=0)
    vis.add_argument(
        "--max-solutions",
        type=int,
        default=None,
        help="repeatable plans: each search stops after N solutions (the time limit still caps)",
    )

    srv = sub.add_parser("serve", help="serve the web app on 127.0.0.1")
    srv.add_argument("--db", default=str(DEFAULT_DB))
    srv.add_argument("--port", type=int, default=5000)

    demo = sub.add_parser("demo", help="build the demo database from the bundled data")
    demo.add_argument("--db", required=True)
    demo.add_argument("--time-limit", type=float, default=5.0, help="planner seconds")

    usr = sub.add_parser("create-user", help="add an account (the first one: --admin)")
    usr.add_argument("--db", default=str(DEFAULT_DB))
    usr.add_argument("--username", required=True)
    usr.add_argument("--admin", action="store_true", help="may open and create every community")
    usr.add_argument("--community", help="give the user a role in this community")
    usr.add_argument("--role", choices=("coordinator", "viewer"), default="coordinator")
    return parser


def _stored_community(session: Session, args: argparse.Namespace) -> Community | None:
    """The community named by ``--community`` (default: the first), or None, said on stderr."""
    community = frames.find_community(session, args.community)
    if community is None:
        print(
            f"redvest {args.command}: no community in this database; run import first",
            file=sys.stderr,
        )
    return community


def cmd_import(args: argparse.Namespace) -> int:
    """Import files; print counts, or every problem as FILE:ROW:FIELD: message."""
    try:
        request = ImportRequest(
            buildings=args.buildings,
            paths=args.paths,
            households=args.households,
            volunteers=args.volunteers,
            osm=args.osm,
            bbox=args.bbox,
        )
    except ValueError as error:
        print(f"redvest import: {error}", file=sys.stderr)
        return 2
    engine = open_engine(args.db)
    with session_factory(engine)() as session:
        try:
            result = run_import(session, args.community, request)
        except InputError as error:
            for problem in error.problems:
                print(problem)
            if error.omitted:  # stdout keeps one FILE:ROW:FIELD line per problem
                print(more_line(error.omitted), file=sys.stderr)
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
        community = _stored_community(session, args)
        if community is None:
            return 1
        started = time.perf_counter()
        matrix = store_matrix(session, community)
    elapsed = time.perf_counter() - started
    n = len(matrix.building_ids)
    print(f"matrix: {n} x {n} buildings ({matrix.method}) in {elapsed:.3f} s")
    if matrix.note:
        print(f"note: {matrix.note}")
    return 0


def cmd_form_teams(args: argparse.Namespace) -> int:
    """Form teams as the teams page does (close homes, mixed skills) and store them."""
    from routing.teams import FormingOptions
    from web.teams.operations import form_automatically

    try:
        options = FormingOptions(size=args.size, seed=args.seed)
    except ValueError as error:
        print(f"redvest form-teams: {error}", file=sys.stderr)
        return 2
    engine = open_engine(args.db)
    with session_factory(engine)() as session:
        community = frames.find_community(session, args.community)
        if community is None:
            what = "no community" if args.community is None else f"no community {args.community!r}"
            print(f"redvest form-teams: {what} in this database; run import first", file=sys.stderr)
            return 1
        try:
            formed = form_automatically(session, community, options)
        except ValueError as error:
            print(f"redvest form-teams: {error}", file=sys.stderr)
            return 1
    print("\n".join(formed.summary()))
    return 0


def cmd_plan_territories(args: argparse.Namespace) -> int:
    """Plan, store and export the territories of a stored community."""
    from web.field.routes import RouteOptions
    from web.territory.operations import (
        PlanRequest,
        plan_territories,
        publish_plan,
        write_territories,
    )

    try:
        request = PlanRequest(
            tolerance=args.tolerance,
            time_limit_s=args.time_limit,
            seed=args.seed,
            fresh=args.fresh,
            teams=args.teams,
        )
    except ValueError as error:
        print(f"redvest plan-territories: {error}", file=sys.stderr)
        return 2
    engine = open_engine(args.db)
    with session_factory(engine)() as session:
        community = _stored_community(session, args)
        if community is None:
            return 1
        plan, record = plan_territories(session, community, request)
        csv_path, geojson_path = write_territories(session, community, record, args.out)
        print(plan.summary())
        state = "published" if args.publish else "draft"
        print(f"plan {record.id} stored ({state}); wrote {csv_path} and {geojson_path}")
        if args.publish:
            routes = None if args.routes == "none" else RouteOptions(args.routes)
            done = publish_plan(session, community, record, routes, progress=_route_progress)
            if routes is not None:
                print(
                    f"\nstored {done.routes_stored} team routes ({args.routes}); "
                    f"pruned {done.routes_pruned} old ones"
                )
    return 0


def _route_progress(fraction: float, message: str) -> None:
    """The team routes' progress on one line."""
    print(f"\r{message} ({fraction:.0%})", end="", flush=True)


def cmd_plan_patrols(args: argparse.Namespace) -> int:
    """Plan the patrol routes of a kind, build the rota, write the files and PDFs."""
    from routing.patrols import SlotTooShortError
    from web.patrol_export import PatrolSpec, export_patrols
    from web.patrols.pages import new_key, write_pages

    try:
        spec = PatrolSpec(
            args.kind, args.routes, args.slot_minutes, args.checkpoints, args.buildings
        )
    except ValueError as error:
        print(f"redvest plan-patrols: {error}", file=sys.stderr)
        return 2
    engine = open_engine(args.db)
    with session_factory(engine)() as session:
        community = _stored_community(session, args)
        if community is None:
            return 1
        edges = frames.load_network_edges(session, community)
        buildings = frames.load_buildings(session, community)
        teams = frames.load_team_ids(session, community)
        name = community.name
    if edges is None:
        print("redvest plan-patrols: no walking network; import an OSM extract", file=sys.stderr)
        return 1
    key, exports = new_key(), _exports_dir()
    try:
        export = export_patrols(
            edges,
            buildings,
            teams,
            args.out,
            routes=spec.routes,
            weeks=args.weeks,
            slots_per_day=args.slots_per_day,
            lang=args.lang,
            time_limit_s=args.time_limit,
            seed=args.seed,
            area=args.area,
            title=name,
            base_url=args.base_url,
            export_key=key,
            kind=spec.kind,
            slot_minutes=spec.slot_minutes,
            checkpoints=spec.checkpoints,
            building_ids=spec.buildings,
        )
    except InputError as error:
        for problem in error.problems:
            print(problem)
        return 1
    except SlotTooShortError as error:
        print(f"redvest plan-patrols: {error}", file=sys.stderr)
        return 1
    except ValueError as error:  # options out of range (weeks, slots, time limit …)
        print(f"redvest plan-patrols: {error}", file=sys.stderr)
        return 2
    # The sheets' QR codes name this export's key: its route pages go where the web app
    # serves them from (the same folder as its own patrol jobs).
    (exports / key).mkdir(mode=0o700, parents=True)
    write_pages(export, exports / key, title=name)
    print(export.summary())
    print(f"route pages for the QR codes: {args.base_url.rstrip('/')}/r/{key}/<route id>")
    return 0


def _exports_dir() -> Path:
    """The web app's patrol export folder: ``REDVEST_EXPORTS_DIR``, else its instance's."""
    from flask import Flask

    from web.storage.exports import exports_root

    return exports_root(os.environ.get("REDVEST_EXPORTS_DIR"), Flask("web").instance_path)


def cmd_plan_visits(args: argparse.Namespace) -> int:
    """Plan visit routes from the stored territories; write visits.csv, dropped.csv, GPX."""
    from routing.visits import VisitOptions, write_outputs
    from web.visit_plans import MAX_SESSIONS, plan_community_visits

    if args.session_end <= args.session_start:
        print("redvest plan-visits: --session-end must be after --session-start", file=sys.stderr)
        return 2
    options = VisitOptions(
        time_limit_s=args.time_limit,
        seed=args.seed,
        max_sessions=MAX_SESSIONS,
        max_solutions=args.max_solutions,
    )
    engine = open_engine(args.db)
    with session_factory(engine)() as session:
        community = _stored_community(session, args)
        if community is None:
            return 1
        try:
            plans = plan_community_visits(
                session,
                community,
                teams=[args.team] if args.team else None,
                window=(args.session_start, args.session_end),
                options=options,
            )
        except InputError as error:
            for problem in error.problems:
                print(problem)
            return 1
    for plan in plans:
        print(plan.summary())
    for path in write_outputs(plans, args.out):
        print(f"wrote {path}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the app with waitress on 127.0.0.1."""
    from waitress import serve

    from web import create_app

    app = create_app({"DATABASE_URL": database_url(args.db)})
    print(f"redvest is serving on http://127.0.0.1:{args.port}/", flush=True)
    serve(app, host="127.0.0.1", port=args.port, threads=8)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Build the demo database: Helsinki map, generated register and roster, then the matrix."""
    db = Path(args.db)
    if "://" not in args.db and db.exists():
        db.unlink()
    request = ImportRequest(
        osm=DATA / "osm" / "helsinki.osm.pbf",
        households=DATA / "demo" / "households.csv",
        volunteers=DATA / "demo" / "volunteers.csv",
    )
    engine = open_engine(args.db)
    with session_factory(engine)() as session:
        try:
            counts = run_import(session, DEMO_COMMUNITY, request).counts
        except InputError as error:  # the bundled data is checked by the tests
            for problem in error.problems:
                print(problem)
            return 1
    print(f"demo community {DEMO_COMMUNITY!r}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    code = cmd_matrix(argparse.Namespace(db=args.db, community=DEMO_COMMUNITY, command="demo"))
    if code:
        return code
    from web.demo import finish_demo

    login = finish_demo(args.db, DEMO_COMMUNITY, args.time_limit)
    print(f"published plan {login.plan_id} with {login.routes} team routes")
    print(f"demo log-in (demo only): user {login.username!r}, password {login.password!r}")
    return 0


def cmd_create_user(args: argparse.Namespace) -> int:
    """Add an account; the password comes from REDVEST_PASSWORD or is asked for."""
    import getpass
    import os

    from web.auth.operations import AccountRequest, create_account

    password = os.environ.get("REDVEST_PASSWORD") or getpass.getpass("password: ")
    request = AccountRequest(args.username, password, args.admin, args.community, args.role)
    engine = open_engine(args.db)
    with session_factory(engine)() as session:
        try:
            create_account(session, request)
        except ValueError as error:
            print(f"redvest create-user: {error}", file=sys.stderr)
            return 2
    print(f"user {args.username!r} created ({request.describe()})")
    return 0


COMMANDS = {
    "import": cmd_import,
    "matrix": cmd_matrix,
    "form-teams": cmd_form_teams,
    "plan-territories": cmd_plan_territories,
    "plan-patrols": cmd_plan_patrols,
    "plan-visits": cmd_plan_visits,
    "serve": cmd_serve,
    "demo": cmd_demo,
    "create-user": cmd_create_user,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``redvest`` console script."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    # per-call timings, migration chatter, and every PDF's font subsetting glyph by glyph
    for noisy in ("pyrosm", "alembic", "fontTools"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    args = _parser().parse_args(argv)
    return COMMANDS[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
