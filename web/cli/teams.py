"""The ``form-teams`` command: teams formed from the roster, as the teams page forms them."""

from __future__ import annotations

import argparse
from typing import Any

from web.cli.common import CommandError, check, stored_community
from web.storage.engine import open_engine, session_factory


def add_parsers(sub: Any) -> None:
    """The ``form-teams`` command."""
    frm = sub.add_parser("form-teams", help="replace the teams by teams formed from the roster")
    frm.add_argument("--db", required=True)
    frm.add_argument("--community", default=None)
    frm.add_argument("--size", type=int, default=3, help="members per team (sizes differ by ≤ 1)")
    frm.add_argument(
        "--seed", type=int, default=0, help="orders volunteers living at the same place"
    )
    frm.set_defaults(run=cmd_form_teams)


def cmd_form_teams(args: argparse.Namespace) -> int:
    """Form teams as the teams page does (close homes, mixed skills) and store them."""
    from routing.teams import FormingOptions
    from web.teams.operations import form_automatically

    options = check(lambda: FormingOptions(size=args.size, seed=args.seed))
    engine = open_engine(args.db)
    with session_factory(engine)() as session:
        community = stored_community(session, args.community)
        try:
            formed = form_automatically(session, community, options)
        except ValueError as error:
            raise CommandError(str(error)) from None
    print("\n".join(formed.summary()))
    return 0
