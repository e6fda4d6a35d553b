"""Urgency levels of a case and how a case's urgency is derived by default."""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum
from typing import TYPE_CHECKING

from routing.cases.text import contains_keyword

if TYPE_CHECKING:
    from routing.cases.taxonomy import Category, Taxonomy


class Urgency(IntEnum):
    """How soon a case needs someone; higher is more urgent (the matcher serves it first)."""

    NORMAL = 0
    PRIORITY = 1
    URGENT = 2

    @property
    def label(self) -> str:
        """The Chinese label coordinators see (一般, 优先, 紧急)."""
        return _LABELS[self]

    @classmethod
    def parse(cls, value: object) -> Urgency:
        """An urgency from its level (0-2), English name or Chinese label.

        Parameters
        ----------
        value : object
            ``2``, ``"2"``, ``"urgent"``, ``"URGENT"`` or ``"紧急"``, or an ``Urgency``.

        Returns
        -------
        Urgency
            The level.
        """
        if isinstance(value, Urgency):
            return value
        text = str(value).strip()
        if text.lstrip("-").isdigit() and int(text) in cls._value2member_map_:
            return cls(int(text))
        by_name = {u.name.casefold(): u for u in cls} | {u.label: u for u in cls}
        found = by_name.get(text.casefold())
        if found is None:
            known = ", ".join(f"{u.name.lower()} ({u.label}, {u.value})" for u in cls)
            raise ValueError(f"unknown urgency {value!r}; known: {known}")
        return found


_LABELS = {Urgency.NORMAL: "一般", Urgency.PRIORITY: "优先", Urgency.URGENT: "紧急"}


def derive_urgency(
    text: str, tags: str | Iterable[str], category: Category, taxonomy: Taxonomy
) -> Urgency:
    """The default urgency of a request, before a coordinator changes it.

    The rules, in order:

    1. Start from the category's own urgency (``Category.urgency``; in the default
       taxonomy 医疗健康 is ``PRIORITY``, every other category ``NORMAL``).
    2. A household with a tag in ``taxonomy.raise_tags`` (default 独居老人, 残疾,
       困难家庭) is one level more urgent (at most ``URGENT``).
    3. Text with an urgent keyword (``taxonomy.urgent_keywords``: 紧急, 急, 马上, 立即,
       尽快, urgent, …) is ``URGENT`` — unless the keyword only occurs inside a calm
       phrase (``taxonomy.calm_keywords``: 不急, 不着急, not urgent, …): "不急" is not "急".

    Parameters
    ----------
    text : str
        The request as written.
    tags : str or iterable of str
        The household's tags, ``;``-joined as in the register or as a collection.
    category : Category
        The case's category.
    taxonomy : Taxonomy
        Where the urgent keywords, calm keywords and raising tags are set.

    Returns
    -------
    Urgency
        The derived level.
    """
    level = int(category.urgency)
    held = {t.strip() for t in (tags.split(";") if isinstance(tags, str) else tags)}
    if held & set(taxonomy.raise_tags):
        level += 1
    if _has_urgent_keyword(text, taxonomy):
        level = Urgency.URGENT
    return Urgency(min(level, Urgency.URGENT))


def _has_urgent_keyword(text: str, taxonomy: Taxonomy) -> bool:
    folded = text.casefold()
    # Blank out calm phrases first, longest first, so that "不急" does not count as "急".
    for calm in sorted(taxonomy.calm_keywords, key=len, reverse=True):
        folded = folded.replace(calm.casefold(), " ")
    return any(contains_keyword(folded, word) for word in taxonomy.urgent_keywords)
