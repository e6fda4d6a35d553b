"""Household tags: which of them make a household a hardship household."""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd
from numpy.typing import NDArray

# Tags whose households receive hardship visits and weigh more in workloads.
HARDSHIP_TAGS: Final = frozenset({"独居老人", "残疾", "困难家庭"})


def split_tags(text: object) -> frozenset[str]:
    """The tags of one ``;``-joined cell (``HOUSEHOLD_COLUMNS['tags']``); NaN/None are none."""
    if not isinstance(text, str):
        return frozenset()
    return frozenset(part.strip() for part in text.split(";") if part.strip())


def is_hardship(tags: object) -> bool:
    """Whether one ``;``-joined tags cell holds a tag in ``HARDSHIP_TAGS``."""
    return not split_tags(tags).isdisjoint(HARDSHIP_TAGS)


def has_hardship_tag(tags: pd.Series) -> NDArray[np.bool_]:
    """Per row, whether any ``;``-joined tag is in ``HARDSHIP_TAGS`` (NaN = no tags)."""
    values = pd.Series(tags.fillna("").astype(str).to_numpy(), dtype=object)
    parts = values.str.split(";").explode().str.strip()
    found = parts.isin(HARDSHIP_TAGS).groupby(level=0).any()
    return found.reindex(values.index, fill_value=False).to_numpy(dtype=bool)


__all__ = ["HARDSHIP_TAGS", "has_hardship_tag", "is_hardship", "split_tags"]
