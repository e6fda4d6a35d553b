"""Patrols: street-coverage routes split among teams, and a fair multi-week rota."""

from routing.patrols.checkpoints import attach_checkpoints, snap_checkpoints
from routing.patrols.coverage import edges_in_area, plan_patrol_routes, walk_line
from routing.patrols.options import PatrolOptions, RotaOptions
from routing.patrols.postman import PostmanWalk, StreetGraph, Walk, postman_walk
from routing.patrols.result import PatrolPlan, PatrolRoute
from routing.patrols.rota import Rota, RotaConflict, solve_rota

__all__ = [
    "PatrolOptions",
    "PatrolPlan",
    "PatrolRoute",
    "PostmanWalk",
    "Rota",
    "RotaConflict",
    "RotaOptions",
    "StreetGraph",
    "Walk",
    "attach_checkpoints",
    "edges_in_area",
    "plan_patrol_routes",
    "postman_walk",
    "snap_checkpoints",
    "solve_rota",
    "walk_line",
]
