"""The ``plan-territories`` command: plan, store, export and optionally publish."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from web.cli.common import check, progress_bar, stored_community
from web.storage.engine import open_engine, session_factory


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}")
    return value


def add_parsers(sub: Any) -> None:
    """The ``plan-territories`` command."""
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
    ter.set_defaults(run=cmd_plan_territories)


def cmd_plan_territories(args: argparse.Namespace) -> int:
    """Plan, store and export the territories of a stored community; publish with routes."""
    from web.field.routes import RouteOptions
    from web.territory.operations import (
        PlanRequest,
        plan_territories,
        publish_plan,
        write_territories,
    )

    request = check(
        lambda: PlanRequest(
            tolerance=args.tolerance,
            time_limit_s=args.time_limit,
            seed=args.seed,
            fresh=args.fresh,
            teams=args.teams,
        )
    )
    engine = open_engine(args.db)
    with session_factory(engine)() as session:
        community = stored_community(session, args.community)
        with progress_bar("territories") as progress:
            plan, record = plan_territories(session, community, request, progress)
        csv_path, geojson_path = write_territories(session, community, record, args.out)
        print(plan.summary())
        state = "published" if args.publish else "draft"
        print(f"plan {record.id} stored ({state}); wrote {csv_path} and {geojson_path}")
        if args.publish:
            routes = None if args.routes == "none" else RouteOptions(args.routes)
            with progress_bar("team routes") as progress:
                done = publish_plan(session, community, record, routes, progress=progress)
            if routes is not None:
                print(
                    f"stored {done.routes_stored} team routes ({args.routes}); "
                    f"pruned {done.routes_pruned} old ones"
                )
    return 0
