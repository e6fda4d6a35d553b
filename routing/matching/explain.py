"""Why a case was left out, in words a coordinator acts on."""

from __future__ import annotations

import numpy as np

from routing.cases.taxonomy import Taxonomy
from routing.matching.candidates import fits
from routing.matching.instance import Instance, IntArray
from routing.matching.options import MatchOptions

# Reason codes, in the order they are tested.
REASON_CODES = (
    "unknown_category",  # the case's category is not in the taxonomy
    "no_volunteers",  # the roster is empty
    "no_skill",  # no volunteer holds a skill the category needs
    "no_availability",  # those with the skill are never free at the household's hours
    "at_cap",  # those free then already hold their monthly cap of open cases
    "taken",  # their room went to cases at least as urgent
)


def explain(
    instance: Instance,
    taxonomy: Taxonomy,
    options: MatchOptions,
    assigned: IntArray,
) -> tuple[list[str], list[str]]:
    """Reason code and message for every case, "" for assigned ones.

    ``taken`` is what is left when some fitting volunteer is free then and has room
    under the cap before the match: the flow reaches every fitting volunteer (through
    its hubs) and leaving out a case costs more than any reassignment, so its optimum
    proves each of them was filled with cases at least as urgent (the greedy baseline
    serves the most urgent first, so the same holds there).

    Parameters
    ----------
    instance : Instance
        The problem.
    taxonomy : Taxonomy
        The categories' skills, named in the messages.
    options : MatchOptions
        ``min_overlap_min``, named in the messages.
    assigned : ndarray of int
        Volunteer row per case, -1 when left out.

    Returns
    -------
    (list of str, list of str)
        Codes and messages, one per case.
    """
    codes, messages = [""] * instance.n_cases, [""] * instance.n_cases
    for case in np.flatnonzero(assigned < 0):
        codes[case], messages[case] = _reason(instance, taxonomy, options, int(case))
    return codes, messages


def _reason(
    instance: Instance,
    taxonomy: Taxonomy,
    options: MatchOptions,
    case: int,
) -> tuple[str, str]:
    name = str(instance.category[case])
    if instance.category_row[case] < 0:
        return "unknown_category", f"category {name!r} is not in the taxonomy"
    if instance.n_volunteers == 0:
        return "no_volunteers", "the roster has no volunteers"
    category = taxonomy[name]
    with_skill = (
        "" if category.skills_optional or not category.skills
        else " with the skill " + " or ".join(category.skills)
    )  # fmt: skip
    skilled, free = fits(instance, case)
    if not skilled.any():
        return "no_skill", f"no one{with_skill}"
    hours = instance.hours[instance.hours_row[case]] or "any time"
    if not free.any():
        return "no_availability", (
            f"no one{with_skill} is free for {options.min_overlap_min:g} min "
            f"during the household's hours ({hours})"
        )
    free_count = int(free.sum())
    if not (instance.remaining[free] > 0).any():
        return "at_cap", (
            f"everyone{with_skill} who is free then ({free_count}) is at their monthly cap"
        )
    return "taken", (
        f"the {free_count} volunteer(s){with_skill} free then are full "
        "with cases at least as urgent"
    )
