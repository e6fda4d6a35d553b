"""Exceptions raised by the routing core (each subclasses a builtin) and safe quotes of input."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

# Problems kept per file: a broken million-row file must not fill memory or a page;
# the rest are counted and reported as "… and N more".
MAX_PROBLEMS: Final = 1000
# A cell quoted in a message shows at most this many characters.
EXCERPT_CHARS: Final = 40
# Control, format (bidi overrides) and separator characters, shown as escapes.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def excerpt(value: str, limit: int = EXCERPT_CHARS) -> str:
    """A cell as a message may quote it: at most ``limit`` characters, controls escaped.

    A hostile file must not fill a page or a terminal, nor hide text with control codes.
    """
    text = value if len(value) <= limit else value[:limit] + "…"
    return _UNSAFE.sub(lambda m: _ESCAPES.get(m[0], f"\\u{ord(m[0]):04x}"), text)


@dataclass(frozen=True, order=True)
class Problem:
    """One problem found in an input file.

    ``row`` is the row number as the user sees it in a spreadsheet (the header is
    row 1, the first record row 2) or the 1-based feature number in a vector file;
    ``None`` where no row applies. ``field`` is the column as the user wrote it.
    """

    file: str
    row: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        row = "" if self.row is None else str(self.row)
        field = self.field or ""
        return f"{self.file}:{row}:{field}: {self.message}"


@dataclass(frozen=True, order=True)
class Note(Problem):
    """Something a reader changed on the way in (a repaired footprint): not an error."""

    def __str__(self) -> str:
        row = "" if self.row is None else str(self.row)
        return f"{self.file}:{row}:{self.field or ''}: note: {self.message}"


def more_line(omitted: int) -> str:
    """The line that stands for the problems left out of a report."""
    return f"… and {omitted} more problem(s)"


class InputError(ValueError):
    """Invalid input: carries every problem found, not just the first.

    ``omitted`` counts problems found beyond those kept (``MAX_PROBLEMS`` per file).
    """

    def __init__(self, problems: Iterable[Problem], omitted: int = 0):
        self.problems: list[Problem] = list(problems)
        self.omitted = omitted
        if not self.problems:
            raise ValueError("InputError needs at least one problem")
        head = "; ".join(str(p) for p in self.problems[:3])
        more = len(self.problems) + omitted - 3
        suffix = f" (and {more} more)" if more > 0 else ""
        super().__init__(f"{self.total} problem(s): {head}{suffix}")

    @property
    def total(self) -> int:
        """Problems found, kept or not."""
        return len(self.problems) + self.omitted


class ProblemCollector:
    """Accumulates problems for one file so that all of them are reported at once.

    The first ``limit`` problems are kept, later ones only counted (``omitted``).
    ``notes`` collects what was repaired rather than refused.
    """

    def __init__(self, file: str, limit: int = MAX_PROBLEMS):
        self.file = file
        self.limit = limit
        self.problems: list[Problem] = []
        self.omitted = 0
        self.notes: list[Note] = []

    def add(self, row: int | None, field: str | None, message: str) -> None:
        if len(self.problems) >= self.limit:
            self.omitted += 1
            return
        self.problems.append(Problem(self.file, row, field, message))

    def note(self, row: int | None, field: str | None, message: str) -> None:
        """Record a repair: shown to the user, but the file is still imported."""
        self.notes.append(Note(self.file, row, field, message))

    def raise_if_any(self) -> None:
        if self.problems:
            raise InputError(self.problems, self.omitted)

    def __bool__(self) -> bool:
        return bool(self.problems)


class NotFoundError(LookupError):
    """What the request names does not exist (a member, a link, a plan of this community)."""


class ConflictError(RuntimeError):
    """The request is valid but the current state refuses it (no published plan yet)."""


class ForbiddenError(PermissionError):
    """The user may not do this (an admin-only action)."""
