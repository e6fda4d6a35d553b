"""Column names, header aliases and defaults of the frames that flow through redvest.

Every reader in ``routing.sources`` returns frames with exactly these columns, in
WGS84 where there is geometry. ``data/README.md`` documents the same schema for users.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

WGS84: Final = "EPSG:4326"

# --- buildings (GeoDataFrame, EPSG:4326, one row per building) ---------------------
BUILDING_COLUMNS: Final = (
    "building_id",  # str, unique
    "name",  # str, "" when unknown (e.g. "3座")
    "building_type",  # str, the OSM building=* value or the file's type, "yes" when unknown
    "levels",  # int >= 1, floors above ground
    "levels_source",  # "levels" | "height" | "default"
    "units_per_floor",  # int >= 1
    "has_lift",  # bool
    "basement_levels",  # int >= 0
    "entrance_lon",  # float, NaN until an entrance is given or snapped
    "entrance_lat",  # float
    "geometry",  # Polygon | MultiPolygon footprint
)

# Storey height used to turn a height in metres into levels (levels = round(height / 3.0)).
STOREY_HEIGHT_M: Final = 3.0
# Building types of one household per floor; every other type holds flats.
HOUSE_TYPES: Final = frozenset({"house", "detached", "semidetached_house", "terrace", "bungalow"})
# Levels when neither building:levels nor height is known, by building type.
DEFAULT_LEVELS_BY_TYPE: Final = MappingProxyType(
    {
        "apartments": 6,
        "residential": 6,
        "dormitory": 6,
        "house": 2,
        "detached": 2,
        "semidetached_house": 2,
        "terrace": 2,
        "bungalow": 1,
        "garage": 1,
        "garages": 1,
        "shed": 1,
        "kiosk": 1,
        "roof": 1,
        "hut": 1,
        "commercial": 3,
        "retail": 2,
        "office": 5,
        "public": 3,
        "school": 3,
        "university": 4,
        "church": 1,
    }
)
DEFAULT_LEVELS_OTHER: Final = 4
# Units (households) per floor when the input does not say, by building type.
DEFAULT_UNITS_PER_FLOOR_BY_TYPE: Final = MappingProxyType(dict.fromkeys(HOUSE_TYPES, 1))
DEFAULT_UNITS_PER_FLOOR_OTHER: Final = 4
# A building has a lift when the input says so, else when it has at least this many levels.
LIFT_MIN_LEVELS: Final = 7

# --- households (DataFrame, one row per household) ---------------------------------
HOUSEHOLD_COLUMNS: Final = (
    "household_id",  # str, unique
    "building_id",  # str, a known building
    "floor",  # int: 1..levels, or -basement_levels..-1 when basement is true
    "unit",  # str, e.g. "2401"
    "residents",  # Int64 (nullable) >= 0
    "rented",  # boolean (nullable)
    "since",  # str ISO date "YYYY-MM-DD" or "YYYY-MM", "" when unknown
    "phone",  # str, "" when unknown (personal data)
    "tags",  # str, canonical tags joined by ";" (e.g. "独居老人;残疾")
    "requests",  # str, free text (personal data)
    "availability",  # str, "HH:MM-HH:MM" windows joined by ";", "" = any time
    "basement",  # bool, the explicit negative-floor flag
)

# Canonical tag names (Chinese, as offices write them) and accepted English spellings.
HOUSEHOLD_TAGS: Final = MappingProxyType(
    {
        "独居老人": ("elderly_alone", "elderly living alone", "lone elderly"),
        "残疾": ("disabled", "disability"),
        "困难家庭": ("hardship", "family in difficulty", "low_income"),
        "退役军人": ("veteran",),
        "孕妇": ("pregnant",),
        "婴幼儿": ("infant",),
    }
)
# Tags whose households receive hardship visits and weigh more in workloads.
HARDSHIP_TAGS: Final = frozenset({"独居老人", "残疾", "困难家庭"})

# --- volunteers (DataFrame, one row per volunteer) ---------------------------------
# The skill words offices write in the roster's 技能 column (rosters may list others); the
# pairing rules (routing.pairing) match households' needs on them.
VOLUNTEER_SKILLS: Final = ("医护", "心理疏导", "外语", "驾驶", "维修", "法律", "社工")

VOLUNTEER_COLUMNS: Final = (
    "volunteer_id",  # str, unique
    "name",  # str (personal data)
    "phone",  # str (personal data)
    "home_building",  # str building_id or "" when unknown / outside the community
    "skills",  # str joined by ";"
    "team_id",  # str or "" when not yet in a team
)

# --- header aliases: canonical column -> accepted headers (compared case-insensitively,
# surrounding spaces and a trailing "(...)"/"（…）" unit note ignored) --------------------
HOUSEHOLD_HEADERS: Final = MappingProxyType(
    {
        "household_id": ("户号", "household_id", "household", "id"),
        "building_id": ("楼栋", "building", "building_id"),
        "floor": ("楼层", "floor"),
        "unit": ("房号", "unit", "room"),
        "residents": ("人数", "residents", "persons"),
        "rented": ("是否出租", "rented"),
        "since": ("入住时间", "since", "moved_in"),
        "phone": ("联系电话", "phone", "contact"),
        "tags": ("标签", "tags"),
        "requests": ("诉求", "requests", "needs"),
        "availability": ("可访时间", "availability", "available"),
        "basement": ("地下室", "basement"),
    }
)
HOUSEHOLD_REQUIRED: Final = ("household_id", "building_id", "floor", "unit")

VOLUNTEER_HEADERS: Final = MappingProxyType(
    {
        "volunteer_id": ("编号", "志愿者编号", "volunteer_id", "id"),
        "name": ("姓名", "name"),
        "phone": ("电话", "联系电话", "phone"),
        "home_building": ("住址楼栋", "居住楼栋", "home_building"),
        "skills": ("技能", "skills"),
        "team_id": ("队伍", "小组", "team", "team_id"),
    }
)
VOLUNTEER_REQUIRED: Final = ("volunteer_id", "name")

# Values read as true / false in yes-no columns (是否出租, 地下室, lift).
TRUE_WORDS: Final = frozenset({"是", "出租", "租", "y", "yes", "true", "1", "rented", "有"})
FALSE_WORDS: Final = frozenset({"否", "自住", "n", "no", "false", "0", "owned", "无", "没有"})
