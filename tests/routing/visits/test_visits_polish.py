"""Single-tour searches end with the tour engine's polish (routing.tour)."""

from __future__ import annotations

import time

import numpy as np
import pytest

from routing.visits.model import RoutingProblem, run_search
from routing.visits.options import TOUR_PORTFOLIO, SearchConfig
from tests.routing.tsplib import BERLIN52_OPTIMUM, berlin52, cost


@pytest.mark.parametrize("config", TOUR_PORTFOLIO, ids=lambda c: c.name)
def test_tour_searches_end_with_the_polish(config: SearchConfig) -> None:
    travel = berlin52()
    problem = RoutingProblem(travel, np.zeros(52, dtype=np.int64), (0,), (0,), None, None)
    found = run_search(problem, config, deadline=time.time() + 30, seed=1, max_solutions=100)
    assert config.polish > 0
    assert sorted(found.routes[0]) == list(range(1, 52))
    assert found.objective == cost(travel, [0, *found.routes[0], 0]) == BERLIN52_OPTIMUM
    again = run_search(problem, config, deadline=time.time() + 30, seed=1, max_solutions=100)
    assert again.routes == found.routes  # repeatable under a work budget


def test_polish_share_is_validated() -> None:
    with pytest.raises(ValueError, match="polish"):
        SearchConfig("bad", polish=1.0)
