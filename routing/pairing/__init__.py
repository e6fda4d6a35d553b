"""Hardship-family pairing (一对一 / 多对一): rules, OR-Tools pairing, recurring visits, ICS."""

from routing.pairing.ics import address_labels, volunteer_calendar
from routing.pairing.options import PairingOptions, PairingWeights
from routing.pairing.request import PairingRequest
from routing.pairing.result import (
    DROPPED_COLUMNS,
    LOAD_COLUMNS,
    PAIR_COLUMNS,
    PAIR_DETAIL_COLUMNS,
    PairingMetrics,
    PairingResult,
)
from routing.pairing.rules import DEMAND_COLUMNS, PairingRules, paired_households
from routing.pairing.schedule import (
    UNSCHEDULED_COLUMNS,
    VISIT_COLUMNS,
    VisitSchedule,
    schedule_visits,
)
from routing.pairing.solve import greedy_pairing, solve_pairing
from routing.pairing.status import RECORD_COLUMNS, STATE_COLUMNS, overdue, visit_states
from routing.pairing.weekly import VOLUNTEER_AVAILABILITY, parse_weekly

__all__ = [
    "DEMAND_COLUMNS",
    "DROPPED_COLUMNS",
    "LOAD_COLUMNS",
    "PAIR_COLUMNS",
    "PAIR_DETAIL_COLUMNS",
    "RECORD_COLUMNS",
    "STATE_COLUMNS",
    "UNSCHEDULED_COLUMNS",
    "VISIT_COLUMNS",
    "VOLUNTEER_AVAILABILITY",
    "PairingMetrics",
    "PairingOptions",
    "PairingRequest",
    "PairingResult",
    "PairingRules",
    "PairingWeights",
    "VisitSchedule",
    "address_labels",
    "greedy_pairing",
    "overdue",
    "paired_households",
    "parse_weekly",
    "schedule_visits",
    "solve_pairing",
    "visit_states",
    "volunteer_calendar",
]
