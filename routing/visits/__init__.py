"""Visit routes: who knocks where, in which order, floor by floor (OR-Tools routing)."""

from routing.progress import Progress
from routing.visits.export import gpx_name, write_outputs
from routing.visits.model import RoutingProblem, Solution
from routing.visits.options import (
    ROUTES_PORTFOLIO,
    ROUTING_PORTFOLIO,
    TOUR_PORTFOLIO,
    UNITS_PER_SECOND,
    SearchConfig,
    VisitOptions,
)
from routing.visits.plan import plan_event_day, plan_visits, session_window
from routing.visits.result import (
    DROPPED_COLUMNS,
    STOP_COLUMNS,
    EventDayPlan,
    RouteTotals,
    SessionRoute,
    VisitMetrics,
    VisitPlan,
)
from routing.visits.search import SearchOutcome, portfolio_for, solve

__all__ = [
    "DROPPED_COLUMNS",
    "ROUTES_PORTFOLIO",
    "ROUTING_PORTFOLIO",
    "STOP_COLUMNS",
    "TOUR_PORTFOLIO",
    "UNITS_PER_SECOND",
    "EventDayPlan",
    "Progress",
    "RouteTotals",
    "RoutingProblem",
    "SearchConfig",
    "SearchOutcome",
    "SessionRoute",
    "Solution",
    "VisitMetrics",
    "VisitOptions",
    "VisitPlan",
    "gpx_name",
    "plan_event_day",
    "plan_visits",
    "portfolio_for",
    "session_window",
    "solve",
    "write_outputs",
]
