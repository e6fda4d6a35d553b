"""How a long solve reports how far it is: one callback type for every solver."""

from __future__ import annotations

from collections.abc import Callable

# Called with the fraction done (0..1) and a short message of what runs, e.g. for a job's
# progress bar or a command's tqdm bar.
Progress = Callable[[float, str], None]


def quiet(fraction: float, message: str) -> None:
    """A ``Progress`` that reports nothing."""


def tell(progress: Progress | None, fraction: float, message: str) -> None:
    """Report to ``progress`` unless it is None."""
    if progress is not None:
        progress(fraction, message)


__all__ = ["Progress", "quiet", "tell"]
