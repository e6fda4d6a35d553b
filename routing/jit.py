"""How routing's numba code (the routes search, the tour engine) is compiled and kept."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import numba
from numba import njit

HERE = Path(__file__).resolve().parent
# The modules of compiled code (paths under routing/). numba checks a cached function
# against its own source file only, while functions inlined from the other modules are
# part of it: the cache is kept in a folder named after a hash of all of them, so that
# editing one recompiles everything that may contain it.
SOURCES = (
    "jit.py",
    "tour.py",
    "tour_moves.py",
    "visits/segments.py",
    "visits/moves.py",
    "visits/localsearch.py",
    "visits/ruin.py",
    "visits/iterate.py",
)


def cache_dir() -> Path:
    """``NUMBA_CACHE_DIR`` if set, else ``__pycache__`` here when writable, else the
    user's cache folder; each with a subfolder named after the sources' hash."""
    digest = hashlib.sha256()
    for name in SOURCES:
        digest.update((HERE / name).read_bytes())
    key = f"numba-{digest.hexdigest()[:16]}"
    if os.environ.get("NUMBA_CACHE_DIR"):
        return Path(os.environ["NUMBA_CACHE_DIR"]) / key
    local = HERE / "__pycache__"
    if os.access(local if local.exists() else HERE, os.W_OK):
        return local / key
    return Path.home() / ".cache" / "redvest" / key


numba.config.CACHE_DIR = str(cache_dir())  # type: ignore[attr-defined]

# Functions that allocate arrays (numba's reference counting on).
compiled: Any = njit(cache=True)
# Functions that allocate nothing, called in the innermost loops: without numba's
# reference counting, whose atomic increments on each array of Data and State cost
# about 0.4 us per call (10-100 times the work of pricing a move). ``_nrt`` is numba's
# switch for it.
kernel: Any = njit(cache=True, _nrt=False)  # type: ignore[call-overload]
# The same, compiled into each caller (numba IR inlining): the pricing of moves, so
# the innermost loops make no calls.
inlined: Any = njit(cache=True, _nrt=False, inline="always")  # type: ignore[call-overload]
