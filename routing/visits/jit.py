"""The two ways the routes search is compiled with numba (both cached on disk)."""

from __future__ import annotations

from typing import Any

from numba import njit

# Functions that allocate arrays (numba's reference counting on).
compiled: Any = njit(cache=True)
# Functions that allocate nothing, called in the innermost loops: without numba's
# reference counting, whose atomic increments on each array of Data and State cost
# about 0.4 us per call (10-100 times the work of pricing a move). ``_nrt`` is numba's
# switch for it.
kernel: Any = njit(cache=True, _nrt=False)  # type: ignore[call-overload]
# The same, inlined where they are called (tiny helpers).
inlined: Any = njit(cache=True, _nrt=False, inline="always")  # type: ignore[call-overload]
