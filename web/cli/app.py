"""Commands around the web app: serve it, add an account."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from web.cli.common import CommandError
from web.storage.engine import database_url, open_engine, session_factory

DEFAULT_DB = Path("instance") / "redvest.db"


def add_parsers(sub: Any) -> None:
    """The ``serve`` and ``create-user`` commands."""
    srv = sub.add_parser("serve", help="serve the web app on 127.0.0.1")
    srv.add_argument("--db", default=str(DEFAULT_DB))
    srv.add_argument("--port", type=int, default=5000)
    srv.set_defaults(run=cmd_serve)

    usr = sub.add_parser("create-user", help="add an account (the first one: --admin)")
    usr.add_argument("--db", default=str(DEFAULT_DB))
    usr.add_argument("--username", required=True)
    usr.add_argument("--admin", action="store_true", help="may open and create every community")
    usr.add_argument("--community", help="give the user a role in this community")
    usr.add_argument("--role", choices=("coordinator", "viewer"), default="coordinator")
    usr.set_defaults(run=cmd_create_user)


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the app with waitress on 127.0.0.1."""
    from waitress import serve

    from web import create_app

    if not 0 < args.port < 65536:
        raise CommandError(f"port must be in 1..65535, got {args.port}")
    app = create_app({"DATABASE_URL": database_url(args.db)})
    print(f"redvest is serving on http://127.0.0.1:{args.port}/", flush=True)
    serve(app, host="127.0.0.1", port=args.port, threads=8)
    return 0


def cmd_create_user(args: argparse.Namespace) -> int:
    """Add an account; the password comes from REDVEST_PASSWORD or is asked for."""
    import getpass
    import os

    from web.auth.operations import AccountRequest, create_account

    password = os.environ.get("REDVEST_PASSWORD") or getpass.getpass("password: ")
    try:
        request = AccountRequest(args.username, password, args.admin, args.community, args.role)
        engine = open_engine(args.db)
        with session_factory(engine)() as session:
            create_account(session, request)
    except ValueError as error:
        raise CommandError(str(error)) from None
    print(f"user {args.username!r} created ({request.describe()})")
    return 0
