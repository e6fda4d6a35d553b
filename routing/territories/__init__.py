"""Balanced, compact, stable areas of responsibility (包干到户) in floor bands of buildings."""

from routing.progress import Progress
from routing.territories.metrics import ASSIGNMENT_COLUMNS, PlanMetrics, split_bands
from routing.territories.options import Pin, TerritoryOptions
from routing.territories.plan import (
    Anchors,
    plan_territories,
    plan_with_workload,
    teams_from_volunteers,
)
from routing.territories.result import Band, TeamArea, TerritoryPlan

__all__ = [
    "ASSIGNMENT_COLUMNS",
    "Anchors",
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
