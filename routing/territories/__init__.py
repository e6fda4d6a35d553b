"""Balanced, compact, stable areas of responsibility (包干到户) in floor bands of buildings."""

from routing.progress import Progress
from routing.territories.options import Pin, TerritoryOptions
from routing.territories.plan import plan_territories, plan_with_workload, teams_from_volunteers
from routing.territories.result import (
    ASSIGNMENT_COLUMNS,
    Band,
    PlanMetrics,
    TeamArea,
    TerritoryPlan,
    split_bands,
)

__all__ = [
    "ASSIGNMENT_COLUMNS",
    "Band",
    "Pin",
    "PlanMetrics",
    "Progress",
    "TeamArea",
    "TerritoryOptions",
    "TerritoryPlan",
    "plan_territories",
    "plan_with_workload",
    "split_bands",
    "teams_from_volunteers",
]
