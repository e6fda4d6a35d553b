"""Patrols: street, checkpoint and building routes that fit the shift, and a fair rota."""

from routing.patrols.calendar import team_calendar, write_team_calendars
from routing.patrols.changes import PatrolRef, Swap, SwapError, apply_swap, replan_rota
from routing.patrols.checkpoints import StreetCheckpoints, attach_checkpoints, snap_checkpoints
from routing.patrols.coverage import edges_in_area, plan_patrol_routes, walk_line
from routing.patrols.demand import RouteDemand
from routing.patrols.kinds import KIND_NAMES, PatrolKind, default_kind, kind_label
from routing.patrols.options import PatrolOptions, RotaOptions
from routing.patrols.points import plan_checkpoint_routes
from routing.patrols.postman import PostmanWalk, StreetGraph, Walk, postman_walk
from routing.patrols.result import PatrolPlan, PatrolRoute
from routing.patrols.rota import Rota, RotaConflict, solve_rota
from routing.patrols.shift import SlotTooShortError
from routing.patrols.towers import plan_building_routes

__all__ = [
    "KIND_NAMES",
    "PatrolKind",
    "PatrolOptions",
    "PatrolPlan",
    "PatrolRef",
    "PatrolRoute",
    "PostmanWalk",
    "Rota",
    "RotaConflict",
    "RotaOptions",
    "RouteDemand",
    "SlotTooShortError",
    "StreetCheckpoints",
    "StreetGraph",
    "Swap",
    "SwapError",
    "Walk",
    "apply_swap",
    "attach_checkpoints",
    "default_kind",
    "edges_in_area",
    "kind_label",
    "plan_building_routes",
    "plan_checkpoint_routes",
    "plan_patrol_routes",
    "postman_walk",
    "replan_rota",
    "snap_checkpoints",
    "solve_rota",
    "team_calendar",
    "walk_line",
    "write_team_calendars",
]
