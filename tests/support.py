"""Helpers shared by the tests of every package."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from routing.errors import InputError


def problem_lines(call: Callable[..., object], *args: Any, **kwargs: Any) -> list[str]:
    """The problems, as FILE:ROW:FIELD lines, of the InputError ``call(*args, **kwargs)``
    raises (the test fails when it raises none)."""
    with pytest.raises(InputError) as caught:
        call(*args, **kwargs)
    return [str(p) for p in caught.value.problems]
