"""Exceptions raised by the routing core; each subclasses a builtin."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


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


class InputError(ValueError):
    """Invalid input: carries every problem found, not just the first."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: list[Problem] = list(problems)
        if not self.problems:
            raise ValueError("InputError needs at least one problem")
        head = "; ".join(str(p) for p in self.problems[:3])
        more = len(self.problems) - 3
        suffix = f" (and {more} more)" if more > 0 else ""
        super().__init__(f"{len(self.problems)} problem(s): {head}{suffix}")


class ProblemCollector:
    """Accumulates problems for one file so that all of them are reported at once."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    def add(self, row: int | None, field: str | None, message: str) -> None:
        self.problems.append(Problem(self.file, row, field, message))

    def raise_if_any(self) -> None:
        if self.problems:
            raise InputError(self.problems)

    def __bool__(self) -> bool:
        return bool(self.problems)
