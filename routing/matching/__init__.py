"""Needs → volunteers (服务清单): open cases matched by skill, hours, cap and distance."""

from routing.matching.columns import (
    ASSIGNMENT_COLUMNS,
    ASSIGNMENT_EXTRA_COLUMNS,
    MATCH_CASE_COLUMNS,
    MATCH_VOLUNTEER_COLUMNS,
    ROSTER_RESOURCE_HEADERS,
)
from routing.matching.explain import REASON_CODES
from routing.matching.match import greedy_match, match_cases
from routing.matching.options import MatchOptions
from routing.matching.result import LOAD_COLUMNS, MatchMetrics, MatchResult
from routing.matching.weekly import Weekly, describe_weekly, overlaps, parse_weekly

__all__ = [
    "ASSIGNMENT_COLUMNS",
    "ASSIGNMENT_EXTRA_COLUMNS",
    "LOAD_COLUMNS",
    "MATCH_CASE_COLUMNS",
    "MATCH_VOLUNTEER_COLUMNS",
    "REASON_CODES",
    "ROSTER_RESOURCE_HEADERS",
    "MatchMetrics",
    "MatchOptions",
    "MatchResult",
    "Weekly",
    "describe_weekly",
    "greedy_match",
    "match_cases",
    "overlaps",
    "parse_weekly",
]
