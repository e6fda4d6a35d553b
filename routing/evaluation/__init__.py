"""Participation and the three-level evaluation: activity counted from records, scores beside it."""

from routing.evaluation.activity import (
    ACTIVITY_COLUMNS,
    attribute,
    service_hours,
    team_activity,
    volunteer_activity,
)
from routing.evaluation.completeness import (
    COMPLETENESS_COLUMNS,
    COMPLETENESS_FIELDS,
    registration_completeness,
)
from routing.evaluation.frames import (
    CASE_COLUMNS,
    CHANGE_COLUMNS,
    DOOR_COLUMNS,
    LEVELS,
    PAIR_VISIT_COLUMNS,
    PATROL_COLUMNS,
    RATING_COLUMNS,
    ROSTER_COLUMNS,
    SESSION_COLUMNS,
    ActivityRecords,
)
from routing.evaluation.period import Period, months
from routing.evaluation.ratings import SCORE_COLUMNS, EvaluationWeights, combined_scores
from routing.evaluation.report import (
    COMMUNITY_COLUMNS,
    TEAM_REPORT_COLUMNS,
    VOLUNTEER_DETAIL_COLUMNS,
    VOLUNTEER_REPORT_COLUMNS,
    Evaluation,
    evaluate,
    monthly,
)

__all__ = [
    "ACTIVITY_COLUMNS",
    "CASE_COLUMNS",
    "CHANGE_COLUMNS",
    "COMMUNITY_COLUMNS",
    "COMPLETENESS_COLUMNS",
    "COMPLETENESS_FIELDS",
    "DOOR_COLUMNS",
    "LEVELS",
    "PAIR_VISIT_COLUMNS",
    "PATROL_COLUMNS",
    "RATING_COLUMNS",
    "ROSTER_COLUMNS",
    "SCORE_COLUMNS",
    "SESSION_COLUMNS",
    "TEAM_REPORT_COLUMNS",
    "VOLUNTEER_DETAIL_COLUMNS",
    "VOLUNTEER_REPORT_COLUMNS",
    "ActivityRecords",
    "Evaluation",
    "EvaluationWeights",
    "Period",
    "attribute",
    "combined_scores",
    "evaluate",
    "monthly",
    "months",
    "registration_completeness",
    "service_hours",
    "team_activity",
    "volunteer_activity",
]
