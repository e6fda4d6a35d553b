"""Keyword matching in request text, shared by the classifier and the urgency rules."""

from __future__ import annotations

import re
from functools import lru_cache


def contains_keyword(folded: str, keyword: str) -> bool:
    """Whether casefolded text holds a keyword.

    Chinese keywords match anywhere (Chinese has no spaces between words); keywords in
    ASCII must stand alone, so "leak" matches "a leak" but not "bleak".

    Parameters
    ----------
    folded : str
        The text, already ``str.casefold()``-ed.
    keyword : str
        The keyword as written; it is casefolded here.

    Returns
    -------
    bool
        True when the keyword occurs.
    """
    word = keyword.casefold()
    if word.isascii():
        return _ascii_pattern(word).search(folded) is not None
    return word in folded


@lru_cache(maxsize=1024)
def _ascii_pattern(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])")
