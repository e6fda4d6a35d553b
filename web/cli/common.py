"""What every command shares: one-line refusals, the stored community, a progress bar."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, NoReturn, TypeVar

from sqlalchemy.orm import Session
from tqdm import tqdm

from routing.errors import InputError, more_line
from web.storage import frames
from web.storage.models import Community

Command = Callable[[argparse.Namespace], int]
Progress = Callable[[float, str], None]
T = TypeVar("T")


class CommandError(Exception):
    """A refusal the command prints as one line on stderr before it exits with 1."""


class Parser(argparse.ArgumentParser):
    """An argument parser whose refusals are one line (``redvest CMD: message``), exit 1."""

    def error(self, message: str) -> NoReturn:
        """Raise the refusal instead of printing the usage and exiting with 2."""
        raise CommandError(f"{self.prog}: {message}")


def run(command: Command, args: argparse.Namespace) -> int:
    """Run ``command``; a ``CommandError`` or an out-of-range option is one line, exit 1.

    Parameters
    ----------
    command : callable(Namespace) -> int
        The command's function.
    args : Namespace
        The parsed arguments (``args.command`` names the command).
    """
    try:
        return command(args)
    except CommandError as error:
        print(f"redvest {args.command}: {error}", file=sys.stderr)
        return 1


def check(make: Callable[[], T]) -> T:
    """``make()``, a request from the options; its ValueError becomes a ``CommandError``."""
    try:
        return make()
    except ValueError as error:
        raise CommandError(str(error)) from None


def print_problems(error: InputError) -> None:
    """Every problem as ``FILE:ROW:FIELD: message`` on stdout; what was left out on stderr."""
    for problem in error.problems:
        print(problem)
    if error.omitted:
        print(more_line(error.omitted), file=sys.stderr)


def stored_community(session: Session, name: str | None) -> Community:
    """The community named ``name`` (None: the first); ``CommandError`` when there is none."""
    community = frames.find_community(session, name)
    if community is None:
        what = "no community" if name is None else f"no community {name!r}"
        raise CommandError(f"{what} in this database; run import first")
    return community


@contextmanager
def progress_bar(
    what: str, *, file: IO[str] | None = None, disable: bool | None = None
) -> Iterator[Progress]:
    """A progress bar on stderr fed by the callback a job's page is fed by.

    Parameters
    ----------
    what : str
        The bar's label, e.g. ``"visits"``.
    file : text stream, optional
        Where the bar is drawn; default stderr.
    disable : bool or None
        None (default) draws the bar only on a terminal, so that piped output stays clean.

    Yields
    ------
    callable(fraction, message)
        Moves the bar to ``fraction`` (0..1) and shows ``message`` beside it.
    """
    bar = tqdm(
        total=100,
        desc=what,
        unit="%",
        file=file if file is not None else sys.stderr,
        disable=disable,
        bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}<{remaining} {postfix}",
    )

    def report(fraction: float, message: str) -> None:
        bar.update(max(0, round(100 * min(fraction, 1.0)) - bar.n))
        bar.set_postfix_str(message, refresh=True)

    try:
        yield report
    finally:
        bar.close()
