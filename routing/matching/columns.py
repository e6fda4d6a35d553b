"""Columns the case matcher reads and writes, and the roster's resource columns (资源清单)."""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

# --- open cases (DataFrame, one row per case to match) -----------------------------------
MATCH_CASE_COLUMNS: Final = (
    "case_id",  # str, unique (required)
    "category",  # str, a taxonomy category (required)
    "building_id",  # str, a building of the distance matrix (required)
    "household_id",  # str, "" for a building's common need
    "urgency",  # Urgency level, name or label ("urgent", "紧急", 2); empty = normal
    "team_id",  # str, the household's own team (its 包干 area), "" when none
    "availability",  # str, the household's visiting hours "HH:MM-HH:MM;…", "" = any time
)
MATCH_CASE_REQUIRED: Final = ("case_id", "category", "building_id")

# --- volunteers (DataFrame, one row per volunteer) ------------------------------------------
MATCH_VOLUNTEER_COLUMNS: Final = (
    "volunteer_id",  # str, unique (required)
    "skills",  # str, ";"-joined (routing.schema.VOLUNTEER_COLUMNS)
    "home_building",  # str, "" = lives outside the community
    "team_id",  # str
    "availability",  # str, weekly windows (routing.matching.weekly), "" = any time
    "monthly_cap",  # int >= 0, most open cases a month; empty = MatchOptions.default_cap
    "open_cases",  # int >= 0, open cases the volunteer already holds; empty = 0
)
MATCH_VOLUNTEER_REQUIRED: Final = ("volunteer_id",)

# Optional roster columns of issue 13 (可提供资源, 可服务时间, 每月可接单数): canonical name →
# accepted headers, in the form of routing.schema.VOLUNTEER_HEADERS, for the roster reader.
ROSTER_RESOURCE_HEADERS: Final = MappingProxyType(
    {
        "resources": ("可提供资源", "resources", "offers"),
        "availability": ("可服务时间", "availability", "service_hours"),
        "monthly_cap": ("每月可接单数", "monthly_cap", "cases_per_month"),
    }
)

# --- the service list (one row per case given to the matcher) --------------------------------
ASSIGNMENT_COLUMNS: Final = (
    "case_id",
    "category",
    "household_id",
    "building_id",
    "volunteer_id",  # "" when unassigned
    "team_id",  # the assigned volunteer's team, "" when unassigned
    "distance_m",  # walking metres from the volunteer's home building; NaN when unassigned/unknown
    "reason",  # "" when assigned, else why not
)
# Further columns of MatchResult.assignments (not in the CSV contract).
ASSIGNMENT_EXTRA_COLUMNS: Final = (
    "urgency",  # str, lower-case Urgency name
    "household_team",  # str, the case's own team
    "skill_fit",  # str: "first" (the category's first skill or none needed), "other" (a
    # later-listed skill), "none" (no listed skill, optional-skill category), "" unassigned
    "reason_code",  # "" | unknown_category | no_volunteers | no_skill | no_availability |
    # at_cap | taken
)
