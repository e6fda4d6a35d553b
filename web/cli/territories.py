"""The ``plan-territories`` command: plan, store, export and optionally publish."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from web.cli.common import check, progress_bar, stored_community
from web.storage import frames
from web.storage.engine import open_engine, session_factory
from web.storage.models import Community


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
    """Plan, store and export the territories of a stored community."""
    from routing.territories import TerritoryOptions
    from web.plans import plan_community, publish, write_outputs

    options = check(
        lambda: TerritoryOptions(
            tolerance=args.tolerance, time_limit_s=args.time_limit, seed=args.seed
        )
    )
    engine = open_engine(args.db)
    with session_factory(engine)() as session:
        community = stored_community(session, args.community)
        teams = None if args.teams is None else [f"T{i:03d}" for i in range(1, args.teams + 1)]
        with progress_bar("territories") as progress:
            plan, record = plan_community(
                session, community, teams=teams, options=options, fresh=args.fresh,
                progress=progress,
            )  # fmt: skip
        if args.publish:
            publish(session, record)
        buildings = frames.load_buildings(session, community)
        csv_path, geojson_path = write_outputs(plan, buildings, args.out)
        print(plan.summary())
        state = "published" if args.publish else "draft"
        print(f"plan {record.id} stored ({state}); wrote {csv_path} and {geojson_path}")
        if args.publish and args.routes != "none":
            _store_team_routes(session, community, args.routes)
    return 0


def _store_team_routes(session: Session, community: Community, solver: str) -> None:
    """Every team's phone route of the published plan, so that links open at once."""
    from web.field.routes import RouteOptions
    from web.field.tasks import prepare_routes

    with progress_bar("team routes") as progress:
        done = prepare_routes(session, community, RouteOptions(solver), progress=progress)
    print(f"stored {done['computed']} team routes ({solver}); pruned {done['pruned']} old ones")
