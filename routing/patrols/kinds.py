"""Patrol kinds (street coverage, checkpoints, building floors) with their checklists."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, Final, Literal, cast, get_args

KindName = Literal["street", "checkpoints", "building"]
KIND_NAMES: Final[tuple[KindName, ...]] = get_args(KindName)
MAX_ITEMS: Final = 8  # checklist columns that fit an A4 sheet beside the names
MAX_ITEM_CHARS: Final = 24
# Most times a week a route can be asked for: every slot of every day.
MAX_PER_WEEK: Final = 7 * 12


@dataclass(frozen=True)
class PatrolKind:
    """What one kind of patrol walks, checks and how often; JSON-serialisable.

    Attributes
    ----------
    kind : {"street", "checkpoints", "building"}
        Street coverage (every street once, the postman walk), checkpoints (points from
        a file, in their hours), or building patrols (every floor of chosen towers, by
        the stairs).
    label : str
        Printed name, e.g. "创文巡查"; "" = the kind's default name of the sheet's language.
    checklist : tuple of str
        What is checked at each checkpoint or floor: one column to tick per item.
    stop_s : float
        Seconds spent at each checkpoint (street entrances, checkpoints without their own
        service minutes) or on each floor checked.
    per_week : int or None
        How often each route of this kind is walked: times a week, or None for every
        slot of every patrol day (streets, as before kinds existed).
    """

    kind: KindName
    checklist: tuple[str, ...]
    stop_s: float
    per_week: int | None = None
    label: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KIND_NAMES:
            raise ValueError(f"kind must be one of {', '.join(KIND_NAMES)}, got {self.kind!r}")
        items = self.checklist
        if not isinstance(items, tuple) or not 1 <= len(items) <= MAX_ITEMS:
            raise ValueError(f"checklist needs 1..{MAX_ITEMS} items, got {items!r}")
        for item in items:
            if not (isinstance(item, str) and item.strip() == item and item):
                raise ValueError(f"checklist items must be non-blank trimmed text, got {item!r}")
            if len(item) > MAX_ITEM_CHARS:
                raise ValueError(f"checklist item {item!r} is longer than {MAX_ITEM_CHARS}")
        if len(set(items)) < len(items):
            raise ValueError(f"checklist items must be distinct, got {items!r}")
        stop = self.stop_s
        valid = isinstance(stop, int | float) and not isinstance(stop, bool)
        if not (valid and math.isfinite(stop) and 0 <= stop <= 4 * 3600):
            raise ValueError(f"stop_s must be seconds in 0..14400, got {stop!r}")
        week = self.per_week
        if week is not None and not (
            isinstance(week, int) and not isinstance(week, bool) and 1 <= week <= MAX_PER_WEEK
        ):
            raise ValueError(f"per_week must be None or an int in 1..{MAX_PER_WEEK}, got {week!r}")
        if not isinstance(self.label, str) or len(self.label) > 40:
            raise ValueError(f"label must be text of at most 40 characters, got {self.label!r}")

    def to_dict(self) -> dict[str, Any]:
        """The kind as plain JSON values (the checklist as a list)."""
        out = asdict(self)
        out["checklist"] = list(self.checklist)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PatrolKind:
        """The kind from ``to_dict``'s output; unknown keys and bad values raise ValueError.

        Missing keys take the defaults of ``default_kind(data["kind"])``.
        """
        if not isinstance(data, Mapping) or "kind" not in data:
            raise ValueError("a patrol kind needs a 'kind' key")
        unknown = sorted(set(data) - {"kind", "checklist", "stop_s", "per_week", "label"})
        if unknown:
            raise ValueError(f"unknown patrol kind keys: {', '.join(map(str, unknown))}")
        base = default_kind(cast(KindName, data["kind"]))
        checklist = data.get("checklist", base.checklist)
        if not isinstance(checklist, list | tuple):
            raise ValueError(f"checklist must be a list of text, got {checklist!r}")
        return cls(
            kind=base.kind,
            checklist=tuple(checklist),
            stop_s=data.get("stop_s", base.stop_s),
            per_week=data.get("per_week", base.per_week),
            label=data.get("label", base.label),
        )


# Default checklists: tidy-city street inspection (创文巡查); standing water and vendor
# spots (防控登革热, 劝导占道经营); the stairwells and fire exits of towers (楼栋巡查).
_CHECKLISTS: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "street": {
        "zh": ("路面垃圾", "乱堆乱放", "占道经营", "设施损坏", "积水"),
        "en": ("Litter", "Clutter", "Street vending", "Damaged facilities", "Standing water"),
    },
    "checkpoints": {
        "zh": ("已到点", "积水清除", "垃圾", "占道经营", "设施损坏"),
        "en": ("Visited", "Water removed", "Litter", "Street vending", "Damage"),
    },
    "building": {
        "zh": ("楼道照明", "消防门", "安全出口堵塞", "杂物堆放"),
        "en": ("Stairwell lights", "Fire doors", "Blocked exits", "Clutter"),
    },
}
_STOP_S: Final[dict[str, float]] = {"street": 120.0, "checkpoints": 300.0, "building": 60.0}
# Streets every slot of every day (as before kinds); checkpoints and towers weekly.
_PER_WEEK: Final[dict[str, int | None]] = {"street": None, "checkpoints": 1, "building": 1}


# Printed names of the kinds, where a kind's ``label`` is empty.
KIND_LABELS: Final = {
    "street": {"zh": "街道巡查", "en": "Street patrol"},
    "checkpoints": {"zh": "点位巡查", "en": "Checkpoint patrol"},
    "building": {"zh": "楼栋巡查", "en": "Building patrol"},
}


def kind_label(kind: str, lang: str = "zh", label: str = "") -> str:
    """The printed name of a kind: ``label`` when given, else the kind's default name.

    Parameters
    ----------
    kind : str
        A kind name (unknown names are printed as they are).
    lang : {"zh", "en"}
        Language of the default names.
    label : str
        The kind's own label, e.g. "防控登革热".
    """
    if label:
        return label
    names = KIND_LABELS.get(kind)
    return names.get(lang, names["zh"]) if names else kind


def default_kind(kind: KindName, lang: str = "zh") -> PatrolKind:
    """The default configuration of a kind, its checklist in ``lang`` ("zh" or "en").

    Parameters
    ----------
    kind : {"street", "checkpoints", "building"}
        The patrol kind.
    lang : {"zh", "en"}
        Language of the checklist items.

    Returns
    -------
    PatrolKind
        Street: every slot, 2 min at each entrance listed; checkpoints: weekly, 5 min
        at each point without its own service time; building: weekly, 1 min a floor.
    """
    if kind not in KIND_NAMES:
        raise ValueError(f"kind must be one of {', '.join(KIND_NAMES)}, got {kind!r}")
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', got {lang!r}")
    return PatrolKind(kind, _CHECKLISTS[kind][lang], _STOP_S[kind], _PER_WEEK[kind])


def planned_kind(planner: str, kind: PatrolKind | None, name: KindName) -> PatrolKind:
    """The kind a planner plans: ``kind``, or the default of ``name`` when None.

    Raises
    ------
    ValueError
        ``kind`` is of another name than ``name`` (the message names ``planner``).
    """
    if kind is None:
        return default_kind(name)
    if kind.kind != name:
        raise ValueError(f"{planner} plans {name} patrols, not {kind.kind!r}")
    return kind
