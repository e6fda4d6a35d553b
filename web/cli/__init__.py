"""The ``redvest`` command line: the same operations as the web service, without a server.

Each area's commands live in their own module (``data``, ``teams``, ``territories``,
``patrols``, ``visits``, ``app``); each is a thin adapter: flags → the feature's request
type → its operation → printed lines. A refused option is one line on stderr and exit
status 1 (``common``); long commands draw a progress bar on a terminal.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from web.cli import app, data, patrols, teams, territories, visits
from web.cli.common import CommandError, Parser, run
from web.cli.data import DEMO_COMMUNITY

__all__ = ["DEMO_COMMUNITY", "main"]


def _parser() -> Parser:
    parser = Parser(prog="redvest", description=__doc__.splitlines()[0].replace("``", ""))
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for area in (data, teams, territories, patrols, visits, app):
        area.add_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``redvest`` console script; returns the exit status."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    # per-call timings, migration chatter, and every PDF's font subsetting glyph by glyph
    for noisy in ("pyrosm", "alembic", "fontTools"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        args = _parser().parse_args(argv)
    except CommandError as error:
        print(error, file=sys.stderr)
        return 1
    return run(args.run, args)
