"""Common needs: cases of one category from many households of one building, shown together."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Final

import pandas as pd

COMMON_NEED_COLUMNS: Final = (
    "building_id",  # str
    "category",  # str
    "text",  # str, the group's most frequent request text (the first written on a tie)
    "households",  # int, distinct households asking
    "cases",  # int
    "case_ids",  # tuple of str, in the order of the input
    "label",  # str, e.g. "楼道灯坏了 ×12, 3座"
)


def common_needs(
    cases: pd.DataFrame,
    building_names: Mapping[str, str] | None = None,
    *,
    min_households: int = 2,
) -> pd.DataFrame:
    """Group cases by building and category where several households ask for the same.

    Parameters
    ----------
    cases : DataFrame
        With ``case_id``, ``household_id``, ``building_id``, ``category`` and ``text``
        (pass the open cases only to see what is still to do).
    building_names : mapping of str to str, optional
        building_id → the name shown in labels ("3座"); the id where missing or empty.
    min_households : int
        Smallest number of distinct households that makes a common need (>= 2).

    Returns
    -------
    DataFrame
        ``COMMON_NEED_COLUMNS``, most households first, then by building and category.
    """
    if min_households < 2:
        raise ValueError(f"a common need takes at least 2 households, got {min_households}")
    names = building_names or {}
    rows = []
    frame = cases.reset_index(drop=True)
    for (building, category), group in frame.groupby(["building_id", "category"], sort=True):
        households = group.loc[group["household_id"].astype(str) != "", "household_id"].nunique()
        if households < min_households:
            continue
        texts = list(group["text"].astype(str))
        counts = Counter(texts)
        # Most frequent; on a tie the text written first.
        text = min(counts, key=lambda t: (-counts[t], texts.index(t)))
        where = names.get(str(building)) or str(building)
        rows.append(
            (str(building), str(category), text, int(households), len(group),
             tuple(group["case_id"].astype(str)), f"{text} ×{households}, {where}")
        )  # fmt: skip
    out = pd.DataFrame(rows, columns=list(COMMON_NEED_COLUMNS))
    order = out.sort_values(
        ["households", "building_id", "category"], ascending=[False, True, True], kind="stable"
    )
    return order.reset_index(drop=True)
