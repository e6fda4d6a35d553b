"""Requests text → individual needs, and one case per need of an imported register."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

import pandas as pd

from routing.cases.classify import classify
from routing.cases.status import Status
from routing.cases.taxonomy import DEFAULT_TAXONOMY, Taxonomy
from routing.cases.urgency import Urgency, derive_urgency

# Columns of a cases frame (``cases_from_register``; what the matcher reads is in
# routing.matching.columns). ``urgency`` is the lower-case Urgency name, ``status`` the
# Status value, ``source`` where the case came from: register | visit | coordinator | patrol.
CASE_COLUMNS: Final = (
    "case_id",  # str, "<household_id>-<n>": the household's n-th request, from 1
    "household_id",  # str, "" for a building's common need
    "building_id",  # str
    "category",  # str, a taxonomy category
    "keyword",  # str, the keyword that proposed the category, "" for the fallback
    "urgency",  # str, "normal" | "priority" | "urgent"
    "text",  # str, the request as written (personal data)
    "status",  # str, a Status value
    "source",  # str
)

# Sentence ends and line breaks always separate two requests.
_STRONG: Final = re.compile(r"[;；。！!？?\n\r]+")
# Numbered lists: "1. …", "2、…", "(3) …", "（4）…", "①…".
_NUMBERED: Final = re.compile(
    r"(?:^|(?<=[\s,，、:：]))(?:[(（]\d{1,2}[)）]|\d{1,2}[.、)）](?!\d))\s*|[\u2460-\u2473]\s*"
)
# Commas separate two requests only when every part names a need by a keyword (see below).
_COMMA: Final = re.compile(r"[,，]+")


@dataclass(frozen=True)
class Need:
    """One request with its proposed category, deciding keyword and default urgency."""

    text: str
    category: str
    keyword: str
    urgency: Urgency


def split_requests(text: str, taxonomy: Taxonomy = DEFAULT_TAXONOMY) -> tuple[str, ...]:
    """Cut a register's or a door record's requests into one text per need.

    Requests are separated by sentence ends (。！？), semicolons (; ；), line breaks and
    list numbers (1. 2、 (3) ①). A comma (, ，) separates two requests only when each
    part matches a keyword of the taxonomy, so "楼道灯坏了，电梯经常故障" is two needs
    but "需要代购药品，周三上午送到" stays one; the enumeration comma 、 never separates
    ("买菜、买药" is one errand). Empty parts and exact repeats are dropped.

    Parameters
    ----------
    text : str
        The 诉求 text as written.
    taxonomy : Taxonomy
        Whose keywords decide whether a comma separates two needs.

    Returns
    -------
    tuple of str
        The needs in the order written, stripped; ``()`` for empty text.
    """
    pieces: list[str] = []
    for sentence in _STRONG.split(str(text)):
        for item in _NUMBERED.split(sentence):
            pieces.extend(_split_commas(item.strip(" \t,，、:："), taxonomy))
    return tuple(dict.fromkeys(p for p in pieces if p))


def needs_of(text: str, tags: str = "", taxonomy: Taxonomy = DEFAULT_TAXONOMY) -> tuple[Need, ...]:
    """The needs in a requests text, each classified and given its default urgency.

    Parameters
    ----------
    text : str
        The requests as written (a register's 诉求 or a door record's requests).
    tags : str
        The household's ``;``-joined tags (they raise urgency; see ``derive_urgency``).
    taxonomy : Taxonomy
        Categories, keywords and urgency rules.

    Returns
    -------
    tuple of Need
        One per request, in the order written.
    """
    out = []
    for piece in split_requests(text, taxonomy):
        found = classify(piece, taxonomy)
        urgency = derive_urgency(piece, tags, taxonomy[found.category], taxonomy)
        out.append(Need(piece, found.category, found.keyword, urgency))
    return tuple(out)


def new_needs(
    text: str, held: str = "", tags: str = "", taxonomy: Taxonomy = DEFAULT_TAXONOMY
) -> tuple[Need, ...]:
    """The needs of a door record that the register's requests do not already hold.

    Parameters
    ----------
    text : str
        The requests a team recorded.
    held : str
        The household's requests in the register (their cases exist already).
    tags : str
        The household's ``;``-joined tags.
    taxonomy : Taxonomy
        Categories, keywords and urgency rules.

    Returns
    -------
    tuple of Need
        The new ones, in the order recorded: one case each.
    """
    known = set(split_requests(held, taxonomy))
    return tuple(n for n in needs_of(text, tags, taxonomy) if n.text not in known)


def cases_from_register(
    households: pd.DataFrame, taxonomy: Taxonomy = DEFAULT_TAXONOMY
) -> pd.DataFrame:
    """One registered case for every request in a household register.

    Parameters
    ----------
    households : DataFrame
        Per ``routing.schema.HOUSEHOLD_COLUMNS`` (``household_id``, ``building_id``,
        ``tags``, ``requests``).
    taxonomy : Taxonomy
        Categories, keywords and urgency rules.

    Returns
    -------
    DataFrame
        ``CASE_COLUMNS``, status ``registered`` and source ``register``, in register
        order; case ids ``<household_id>-1``, ``-2``, … per household.
    """
    rows = []
    with_text = households[households["requests"].fillna("").astype(str).str.strip() != ""]
    for household, building, tags, text in zip(
        with_text["household_id"].astype(str),
        with_text["building_id"].astype(str),
        with_text["tags"].fillna("").astype(str),
        with_text["requests"].astype(str),
        strict=True,
    ):
        for n, need in enumerate(needs_of(text, tags, taxonomy), start=1):
            rows.append(
                (f"{household}-{n}", household, building, need.category, need.keyword,
                 need.urgency.name.lower(), need.text, Status.REGISTERED.value, "register")
            )  # fmt: skip
    return pd.DataFrame(rows, columns=list(CASE_COLUMNS), dtype=object).astype(str)


def _split_commas(item: str, taxonomy: Taxonomy) -> list[str]:
    parts = [p.strip() for p in _COMMA.split(item) if p.strip()]
    if len(parts) > 1 and all(classify(p, taxonomy).keyword for p in parts):
        return parts
    return [item]
