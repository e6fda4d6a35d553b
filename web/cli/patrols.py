"""The ``plan-patrols`` command: routes, rota, calendars, PDFs and the routes' phone pages."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from routing.errors import InputError
from web.cli.common import CommandError, check, print_problems, progress_bar, stored_community
from web.storage.engine import open_engine, session_factory


def _ids(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def add_parsers(sub: Any) -> None:
    """The ``plan-patrols`` command."""
    pat = sub.add_parser("plan-patrols", help="patrol routes that fit the slot, rota and PDFs")
    pat.add_argument("--db", required=True)
    pat.add_argument("--out", required=True, type=Path, help="folder for GeoJSON, CSV, PDFs")
    pat.add_argument("--community", default=None)
    pat.add_argument("--kind", default="street", help="street | checkpoints | building")
    pat.add_argument("--checkpoints", type=Path, help="--kind checkpoints: CSV/XLSX/GeoJSON")
    pat.add_argument("--buildings", type=_ids, default=(), help="--kind building: ID,ID,…")
    pat.add_argument("--slot-minutes", type=int, help="longest patrol; fewest routes that fit")
    pat.add_argument("--routes", type=int, help="number of routes K (optional with a slot)")
    pat.add_argument("--weeks", type=int, default=4)
    pat.add_argument("--slots-per-day", type=int, default=2)
    pat.add_argument("--lang", choices=("zh", "en"), default="zh")
    pat.add_argument("--area", type=Path, help="polygon file: only the streets inside it")
    pat.add_argument("--time-limit", type=float, default=10.0, help="seconds")
    pat.add_argument("--seed", type=int, default=0)
    pat.add_argument(
        "--base-url",
        default="http://127.0.0.1:5000",
        help="where redvest is served: the route sheets' QR codes open its route pages",
    )
    pat.set_defaults(run=cmd_plan_patrols)


def cmd_plan_patrols(args: argparse.Namespace) -> int:
    """Plan the patrol routes of a kind, build the rota, write the files and PDFs."""
    from routing.patrols import SlotTooShortError
    from web.patrols.export import Sheets
    from web.patrols.operations import PatrolRequest, plan_patrols
    from web.patrols.pages import new_key

    request = check(
        lambda: PatrolRequest(
            kind=args.kind,
            routes=args.routes,
            slot_minutes=args.slot_minutes,
            checkpoints=args.checkpoints,
            buildings=args.buildings,
            weeks=args.weeks,
            slots_per_day=args.slots_per_day,
            time_limit_s=args.time_limit,
            seed=args.seed,
            lang=args.lang,
            area=args.area,
        )
    )
    key = new_key()
    engine = open_engine(args.db)
    with session_factory(engine)() as session, progress_bar("patrols") as progress:
        community = stored_community(session, args.community)
        sheets = Sheets(title=community.name, base_url=args.base_url, export_key=key)
        # The sheets' QR codes name this export's key: its route pages go where the web
        # app serves them from (the same folder as its own patrol jobs).
        pages = _exports_dir() / key
        try:
            export = plan_patrols(
                session, community, request, args.out, sheets, pages=pages, progress=progress
            )
        except InputError as error:
            print_problems(error)
            return 1
        except SlotTooShortError as error:
            raise CommandError(str(error)) from None
    print(export.summary())
    print(f"route pages for the QR codes: {args.base_url.rstrip('/')}/r/{key}/<route id>")
    return 0


def _exports_dir() -> Path:
    """The web app's patrol export folder: ``REDVEST_EXPORTS_DIR``, else its instance's."""
    from flask import Flask

    from web.storage.exports import exports_root

    return exports_root(os.environ.get("REDVEST_EXPORTS_DIR"), Flask("web").instance_path)
