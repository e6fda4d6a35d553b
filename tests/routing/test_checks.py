"""Option checks: what passes, and the message of what does not."""

from __future__ import annotations

import math

import pytest

from routing.checks import is_number, is_whole, number, one_of, positive, require, whole


def test_require_names_what_was_received() -> None:
    require(True, "never raised", 1)
    with pytest.raises(ValueError, match=r"^weeks must be in 1\.\.53, got 0$"):
        require(False, "weeks must be in 1..53", 0)


def test_whole_numbers() -> None:
    assert is_whole(3) and not is_whole(True) and not is_whole(3.0)
    whole("seed", 0)
    whole("weeks", 53, 1, 53)
    whole("max_solutions", None, 1, none_ok=True)
    with pytest.raises(ValueError, match=r"^seed must be an int >= 0, got -1$"):
        whole("seed", -1)
    with pytest.raises(ValueError, match=r"^weeks must be in 1\.\.53, got 54$"):
        whole("weeks", 54, 1, 53)
    with pytest.raises(ValueError, match=r"^workers must be an int >= 1, got 2\.0$"):
        whole("workers", 2.0, 1)
    with pytest.raises(ValueError, match=r"^max_solutions must be an int >= 1 or None, got 0$"):
        whole("max_solutions", 0, 1, none_ok=True)
    with pytest.raises(ValueError, match="got None"):
        whole("seed", None)


def test_numbers() -> None:
    assert is_number(0.5) and not is_number(math.nan) and not is_number(False)
    number("home_weight", 0)
    number("tolerance", 0.99, 0, 1, below_high=True)
    number("walk", 1e4, 0, 1e4)
    with pytest.raises(ValueError, match=r"^tolerance must be in \[0, 1\), got 1\.0$"):
        number("tolerance", 1.0, 0, 1, below_high=True)
    with pytest.raises(ValueError, match=r"^walk must be in \[0, 10000\], got 10001$"):
        number("walk", 10001, 0, 1e4)
    with pytest.raises(ValueError, match=r"^priority_weight must be >= 1, got 0\.5$"):
        number("priority_weight", 0.5, 1)
    with pytest.raises(ValueError, match=r"^piece_weight_m must be >= 0, got nan$"):
        number("piece_weight_m", math.nan)
    with pytest.raises(ValueError, match="got '3'"):
        number("load_m", "3")


def test_positive_and_one_of() -> None:
    positive("time_limit_s", 1e-9)
    positive("max_walk_min", None, none_ok=True)
    with pytest.raises(ValueError, match=r"^time_limit_s must be > 0, got 0$"):
        positive("time_limit_s", 0)
    with pytest.raises(ValueError, match=r"^max_walk_min must be > 0 or None, got inf$"):
        positive("max_walk_min", math.inf, none_ok=True)
    one_of("improvement", "gls", ("lahc", "ils", "gls"))
    with pytest.raises(ValueError, match=r"^improvement must be one of gls, ils, lahc, got 'sa'$"):
        one_of("improvement", "sa", ("lahc", "ils", "gls"))
