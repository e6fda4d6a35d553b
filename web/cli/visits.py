"""The ``plan-visits`` command: visit routes per team and session, as CSV and GPX."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from routing.errors import InputError
from web.cli.common import check, print_problems, progress_bar, stored_community
from web.storage.engine import open_engine, session_factory


def add_parsers(sub: Any) -> None:
    """The ``plan-visits`` command."""
    vis = sub.add_parser("plan-visits", help="visit routes per team and session")
    vis.add_argument("--db", required=True)
    vis.add_argument("--out", required=True, type=Path, help="folder for the CSVs and GPX files")
    vis.add_argument("--community", default=None)
    vis.add_argument("--team", help="only this team (default: every team of the plan)")
    vis.add_argument("--session-start", default="09:00", help="HH:MM")
    vis.add_argument("--session-end", default="12:00", help="HH:MM")
    vis.add_argument("--time-limit", type=float, default=5.0, help="seconds per team")
    vis.add_argument("--seed", type=int, default=0)
    vis.add_argument(
        "--max-solutions",
        type=int,
        default=None,
        help="repeatable plans: each search stops after N solutions (the time limit still caps)",
    )
    vis.set_defaults(run=cmd_plan_visits)


def cmd_plan_visits(args: argparse.Namespace) -> int:
    """Plan visit routes from the stored territories; write visits.csv, dropped.csv, GPX."""
    from web.checks import clock
    from web.visits.operations import VisitRequest, plan_community_visits

    request = check(
        lambda: VisitRequest(
            teams=(args.team,) if args.team else (),
            start=clock(args.session_start, "session start"),
            end=clock(args.session_end, "session end"),
            time_limit_s=args.time_limit,
            seed=args.seed,
            max_solutions=args.max_solutions,
        )
    )
    engine = open_engine(args.db)
    with session_factory(engine)() as session, progress_bar("visits") as progress:
        community = stored_community(session, args.community)
        try:
            plans, written = plan_community_visits(
                session, community, request, args.out, progress=progress
            )
        except InputError as error:
            print_problems(error)
            return 1
    for plan in plans:
        print(plan.summary())
    for path in written:
        print(f"wrote {path}")
    return 0
