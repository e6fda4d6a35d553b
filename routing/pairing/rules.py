"""The community's pairing rule table: who is paired, with how many volunteers, how often."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final

import pandas as pd

from routing.errors import InputError, Problem
from routing.visits.windows import describe, parse_availability

RULES_FILE: Final = "pairing rules"
# What the rule table returns for every paired household (see ``paired_households``).
DEMAND_COLUMNS: Final = (
    "household_id",
    "building_id",
    "floor",
    "unit",
    "tags",  # the ";"-joined tags that made the household paired ("" when only marked)
    "needed",  # volunteers the household needs (>= 1)
    "skills",  # ";"-joined skills that fit its needs ("" when no skill rule applies)
    "every_weeks",  # a visit every this many weeks
    "availability",  # its visiting hours as the register gives them, "" = any time
    "marked",  # bool: the coordinator set the number of volunteers
)
MAX_VOLUNTEERS_PER_HOUSEHOLD: Final = 10
MAX_EVERY_WEEKS: Final = 13  # a quarter of a year
# Reports one problem: (field, message).
Bad = Callable[[str, str], None]


@dataclass(frozen=True)
class PairingRules:
    """Which households are paired, with how many volunteers, what skills, how often.

    Tags are the canonical register tags (``routing.schema.HOUSEHOLD_TAGS``). A household
    with several paired tags takes the largest number of volunteers, every fitting skill
    and the most frequent visits of its tags. Households a coordinator marks (see
    ``paired_households``) are paired whatever their tags.

    Attributes
    ----------
    volunteers_needed : tuple of (str, int)
        Tag → volunteers per household: 独居老人 1 (一对一), 残疾 2, 困难家庭 2 (多对一).
    fitting_skills : tuple of (str, tuple of str)
        Tag → roster skills that fit the need: 心理疏导 for 独居老人, 医护 for 残疾,
        社工 for 困难家庭 (the demo roster's skill words). A tag without an entry has no
        skill preference.
    every_weeks : tuple of (str, int)
        Tag → weeks between visits: 独居老人 1 (weekly), 残疾 and 困难家庭 2
        (fortnightly). Every paired tag needs one.
    marked_volunteers : int
        Volunteers for a marked household when the mark gives no number, 1.
    marked_every_weeks : int
        Weeks between visits of a marked household none of whose tags is paired, 2.
    default_hours : str
        Visiting hours assumed for a household or volunteer who gives none ("" = any
        time), ``"08:00-20:00"``: nobody is sent to a door at midnight.
    """

    volunteers_needed: tuple[tuple[str, int], ...] = (("独居老人", 1), ("残疾", 2), ("困难家庭", 2))
    fitting_skills: tuple[tuple[str, tuple[str, ...]], ...] = (
        ("独居老人", ("心理疏导",)),
        ("残疾", ("医护",)),
        ("困难家庭", ("社工",)),
    )
    every_weeks: tuple[tuple[str, int], ...] = (("独居老人", 1), ("残疾", 2), ("困难家庭", 2))
    marked_volunteers: int = 1
    marked_every_weeks: int = 2
    default_hours: str = "08:00-20:00"

    def __post_init__(self) -> None:
        problems: list[Problem] = []

        def bad(field: str, message: str) -> None:
            problems.append(Problem(RULES_FILE, None, field, message))

        _check_tag_tables(self, bad)
        _check_scalars(self, bad)
        if problems:
            raise InputError(problems)

    @property
    def needed_by_tag(self) -> Mapping[str, int]:
        """Tag → volunteers per household, read-only."""
        return MappingProxyType(dict(self.volunteers_needed))

    @property
    def skills_by_tag(self) -> Mapping[str, tuple[str, ...]]:
        """Tag → fitting skills, read-only."""
        return MappingProxyType(dict(self.fitting_skills))

    @property
    def weeks_by_tag(self) -> Mapping[str, int]:
        """Tag → weeks between visits, read-only."""
        return MappingProxyType(dict(self.every_weeks))

    @property
    def hours(self) -> tuple[float, float]:
        """``default_hours`` as (start, end) seconds since midnight."""
        return parse_availability(self.default_hours)[0]

    def to_dict(self) -> dict[str, Any]:
        """The table as plain JSON-ready values (tag tables as objects)."""
        return {
            "volunteers_needed": dict(self.volunteers_needed),
            "fitting_skills": {tag: list(words) for tag, words in self.fitting_skills},
            "every_weeks": dict(self.every_weeks),
            "marked_volunteers": self.marked_volunteers,
            "marked_every_weeks": self.marked_every_weeks,
            "default_hours": describe([self.hours]),
        }

    def to_json(self) -> str:
        """``to_dict`` as JSON text (Chinese kept readable)."""
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> PairingRules:
        """Rules from ``to_dict``'s shape; missing keys keep their defaults.

        Parameters
        ----------
        values : mapping
            ``volunteers_needed`` and ``every_weeks`` as {tag: int}, ``fitting_skills`` as
            {tag: [skill, ...]}, ``marked_volunteers``, ``marked_every_weeks`` and
            ``default_hours`` as plain values. Missing fields keep their defaults (those
            of tags left out of a given ``volunteers_needed`` dropped).

        Returns
        -------
        PairingRules
            The validated table; an ``InputError`` names every bad field.
        """
        if not isinstance(values, Mapping):
            raise InputError([Problem(RULES_FILE, None, None, "expected an object of fields")])
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(values) - known)
        if unknown:
            problems = [Problem(RULES_FILE, None, k, "unknown field") for k in unknown]
            raise InputError(problems)
        fields: dict[str, Any] = {}
        for name in ("volunteers_needed", "every_weeks", "fitting_skills"):
            if name in values:
                fields[name] = _pairs(values[name], name, skills=name == "fitting_skills")
        for name in ("marked_volunteers", "marked_every_weeks", "default_hours"):
            if name in values:
                fields[name] = values[name]
        if "volunteers_needed" in fields:
            # Default skills and frequencies of tags no longer paired are dropped with them.
            paired = {tag for tag, _ in fields["volunteers_needed"]}
            for name in ("every_weeks", "fitting_skills"):
                default = cls.__dataclass_fields__[name].default
                fields.setdefault(name, tuple(e for e in default if e[0] in paired))  # type: ignore[union-attr]
        return cls(**fields)

    @classmethod
    def from_json(cls, text: str) -> PairingRules:
        """Rules from ``to_json``'s text."""
        try:
            values = json.loads(text)
        except json.JSONDecodeError as error:
            raise InputError([Problem(RULES_FILE, None, None, f"not JSON: {error}")]) from None
        return cls.from_dict(values)


def paired_households(
    households: pd.DataFrame,
    rules: PairingRules | None = None,
    marks: Mapping[str, int | None] | None = None,
) -> pd.DataFrame:
    """The households the rule table pairs, with what each needs.

    Parameters
    ----------
    households : DataFrame
        The register per ``HOUSEHOLD_COLUMNS`` (``household_id``, ``building_id``,
        ``floor``, ``unit``, ``tags``, ``availability``).
    rules : PairingRules, optional
        The community's table; default ``PairingRules()``.
    marks : mapping of str to int or None, optional
        Household → volunteers it needs, set by a coordinator: any household can be
        marked; ``None`` takes ``rules.marked_volunteers`` (or the tags' number when its
        tags are paired); 0 takes a household out of pairing whatever its tags.

    Returns
    -------
    DataFrame
        One row per paired household per ``DEMAND_COLUMNS``, in register order.
    """
    rules = rules if rules is not None else PairingRules()
    marks = dict(marks or {})
    ids = households["household_id"].astype(str)
    _check_marks(marks, set(ids))
    needed_by, weeks_by, skills_by = rules.needed_by_tag, rules.weeks_by_tag, rules.skills_by_tag
    rows = []
    for position, (hid, text) in enumerate(zip(ids, households["tags"].fillna(""), strict=True)):
        paired = [t for t in _tags(text) if t in needed_by]
        mark = marks.get(hid)
        if mark == 0 or (not paired and hid not in marks):
            continue
        needed = max((needed_by[t] for t in paired), default=rules.marked_volunteers)
        if mark is not None:
            needed = mark
        skills = [s for t in paired for s in skills_by.get(t, ())]
        weeks = min((weeks_by[t] for t in paired), default=rules.marked_every_weeks)
        rows.append((position, ";".join(paired), needed, ";".join(dict.fromkeys(skills)), weeks))
    picked = households.iloc[[r[0] for r in rows]]
    out = pd.DataFrame(
        {
            "household_id": picked["household_id"].astype(str).to_numpy(),
            "building_id": picked["building_id"].astype(str).to_numpy(),
            "floor": picked["floor"].to_numpy(dtype="int64"),
            "unit": picked["unit"].astype(str).to_numpy(),
            "tags": [r[1] for r in rows],
            "needed": pd.array([r[2] for r in rows], dtype="int64"),
            "skills": [r[3] for r in rows],
            "every_weeks": pd.array([r[4] for r in rows], dtype="int64"),
            "availability": picked["availability"].fillna("").astype(str).to_numpy(),
            "marked": picked["household_id"].astype(str).isin(marks).to_numpy(),
        },
        columns=list(DEMAND_COLUMNS),
    )
    return out


def split_words(text: object) -> list[str]:
    """The non-empty words of a ";"-joined cell (tags, skills), in order, each once."""
    return _tags(text)


def _tags(text: object) -> list[str]:
    words = (w.strip() for w in str(text if isinstance(text, str) else "").split(";"))
    return list(dict.fromkeys(w for w in words if w))


def _check_marks(marks: Mapping[str, int | None], known: set[str]) -> None:
    problems = []
    for hid, value in marks.items():
        if hid not in known:
            problems.append(Problem("marks", None, "household_id", f"unknown household {hid}"))
        elif value is not None and not (
            isinstance(value, int)
            and not isinstance(value, bool)
            and 0 <= value <= MAX_VOLUNTEERS_PER_HOUSEHOLD
        ):
            message = f"{hid}: volunteers needed must be a whole number 0..10, got {value!r}"
            problems.append(Problem("marks", None, "volunteers", message))
    if problems:
        raise InputError(problems)


def _check_tag_tables(rules: PairingRules, bad: Bad) -> None:
    """Every paired tag has a count 1..10 and a frequency 1..13; no stray tags or skills."""
    needed = _table(rules.volunteers_needed, "volunteers_needed", bad)
    weeks = _table(rules.every_weeks, "every_weeks", bad)
    skills = _table(rules.fitting_skills, "fitting_skills", bad)
    for tag, count in needed.items():
        if not _count(count, MAX_VOLUNTEERS_PER_HOUSEHOLD):
            bad("volunteers_needed", f"{tag}: a whole number 1..10, got {count!r}")
        if tag not in weeks:
            bad("every_weeks", f"{tag} is paired but has no visit frequency")
    for tag, count in weeks.items():
        if not _count(count, MAX_EVERY_WEEKS):
            bad("every_weeks", f"{tag}: a whole number of weeks 1..13, got {count!r}")
    for name, table in (("every_weeks", weeks), ("fitting_skills", skills)):
        for tag in sorted(set(table) - set(needed)):
            bad(name, f"{tag} is not a paired tag (not in volunteers_needed)")
    for tag, words in skills.items():
        if not (isinstance(words, tuple) and words and all(_word(w) for w in words)):
            bad("fitting_skills", f"{tag}: a non-empty list of skill words, got {words!r}")


def _check_scalars(rules: PairingRules, bad: Bad) -> None:
    """The marked household's count and frequency, and one window of default hours."""
    if not _count(rules.marked_volunteers, MAX_VOLUNTEERS_PER_HOUSEHOLD):
        bad("marked_volunteers", f"a whole number 1..10, got {rules.marked_volunteers!r}")
    if not _count(rules.marked_every_weeks, MAX_EVERY_WEEKS):
        bad("marked_every_weeks", f"a whole number 1..13, got {rules.marked_every_weeks!r}")
    try:
        if len(parse_availability(rules.default_hours)) != 1:
            bad("default_hours", f"one HH:MM-HH:MM window, got {rules.default_hours!r}")
    except ValueError as error:
        bad("default_hours", str(error))


def _table(entries: object, name: str, bad: Bad) -> dict[str, Any]:
    """A (tag, value) table as a dict, reporting malformed entries and repeated tags."""
    out: dict[str, Any] = {}
    if not isinstance(entries, tuple):
        bad(name, f"expected a tuple of (tag, value) pairs, got {type(entries).__name__}")
        return out
    for entry in entries:
        if not (isinstance(entry, tuple) and len(entry) == 2 and _word(entry[0])):
            bad(name, f"expected (tag, value), got {entry!r}")
        elif entry[0] in out:
            bad(name, f"{entry[0]} is given twice")
        else:
            out[entry[0]] = entry[1]
    return out


def _pairs(value: object, name: str, *, skills: bool) -> tuple[tuple[str, Any], ...]:
    if not isinstance(value, Mapping):
        message = f"expected an object of tag → value, got {type(value).__name__}"
        raise InputError([Problem(RULES_FILE, None, name, message)])
    if skills:
        return tuple(
            (str(k), tuple(v) if isinstance(v, list | tuple) else v) for k, v in value.items()
        )
    return tuple((str(k), v) for k, v in value.items())


def _word(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip()) and ";" not in value


def _count(value: object, top: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= top
