"""Propose a category for a request from the taxonomy's keyword table."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from routing.cases.taxonomy import DEFAULT_TAXONOMY, Taxonomy
from routing.cases.text import contains_keyword


@dataclass(frozen=True)
class Classification:
    """The proposed category and the keyword that decided it ("" for the fallback)."""

    category: str
    keyword: str

    @property
    def reason(self) -> str:
        """Why, for the coordinator: the matched keyword, or that none matched."""
        return f"keyword “{self.keyword}”" if self.keyword else "no keyword matched"


def classify(text: str, taxonomy: Taxonomy = DEFAULT_TAXONOMY) -> Classification:
    """Propose a category for a request.

    Every keyword of every category is looked for (case-insensitively; English keywords
    as whole words). The longest matching keyword decides, so "上门探访" (心理疏导)
    beats a shorter word of another category; between keywords of equal length the
    category listed first in the taxonomy wins, then the keyword listed first. Text no
    keyword matches goes to ``taxonomy.fallback`` (其他). The same text and taxonomy
    always give the same answer.

    Parameters
    ----------
    text : str
        The request as written.
    taxonomy : Taxonomy
        Categories and their keywords.

    Returns
    -------
    Classification
        The category and the matched keyword (its reason).
    """
    folded = str(text).casefold()
    for keyword, category in _ranked_keywords(taxonomy):
        if contains_keyword(folded, keyword):
            return Classification(category, keyword)
    return Classification(taxonomy.fallback, "")


@lru_cache(maxsize=16)
def _ranked_keywords(taxonomy: Taxonomy) -> tuple[tuple[str, str], ...]:
    """(keyword, category) in the order they are tried: longest, then table order."""
    ranked = [
        (-len(word), c_rank, w_rank, word, category.name)
        for c_rank, category in enumerate(taxonomy.categories)
        for w_rank, word in enumerate(category.keywords)
    ]
    return tuple((word, name) for *_, word, name in sorted(ranked))
