"""The three-level evaluation: self-assessment, team (party group) and community ratings."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import pandas as pd

from routing.evaluation.frames import LEVELS

SCORE_COLUMNS: Final = ("self_score", "team_score", "community_score", "score")


@dataclass(frozen=True)
class EvaluationWeights:
    """Weights of the three levels in the combined score.

    The combined score is the weighted mean of the levels a volunteer was rated at (a
    level not rated yet leaves the others' weights to share the whole); it is shown
    beside the counted activity, never instead of it.

    Attributes
    ----------
    self_assessment : float
        The volunteer's own assessment, 0.2.
    team : float
        The team's / party group's rating, 0.4.
    community : float
        The community committee's rating, 0.4.
    """

    self_assessment: float = 0.2
    team: float = 0.4
    community: float = 0.4

    def __post_init__(self) -> None:
        values = (self.self_assessment, self.team, self.community)
        for name, value in zip(("self_assessment", "team", "community"), values, strict=True):
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            if not (ok and math.isfinite(value) and value >= 0):
                raise ValueError(f"{name} must be a weight >= 0, got {value!r}")
        if sum(values) <= 0:
            raise ValueError("at least one level needs a weight > 0")

    def by_level(self) -> dict[str, float]:
        """Weight by level name (``LEVELS``)."""
        return dict(zip(LEVELS, (self.self_assessment, self.team, self.community), strict=True))


def combined_scores(
    ratings: pd.DataFrame, period_label: str, weights: EvaluationWeights
) -> pd.DataFrame:
    """Each level's score and the combined score of every volunteer rated in a period.

    Parameters
    ----------
    ratings : DataFrame
        Per ``RATING_COLUMNS``; several ratings of one level (several raters) are averaged.
    period_label : str
        The period rated (``Period.label``, e.g. "2026-03").
    weights : EvaluationWeights
        The levels' weights.

    Returns
    -------
    DataFrame
        ``SCORE_COLUMNS`` indexed by ``volunteer_id`` (NaN for a level not rated).
    """
    mine = ratings[ratings["period"].astype(str) == period_label]
    scores = pd.to_numeric(mine["score"]).rename("score")
    table = (
        pd.concat([mine[["volunteer_id", "level"]], scores], axis=1)
        .groupby(["volunteer_id", "level"])["score"]
        .mean()
        .unstack("level")
        .reindex(columns=list(LEVELS))
    )
    w = pd.Series(weights.by_level())
    rated = table.notna()
    weight_sum = rated.mul(w, axis=1).sum(axis=1)
    combined = table.fillna(0).mul(w, axis=1).sum(axis=1) / weight_sum.where(weight_sum > 0)
    out = pd.DataFrame(
        {
            "self_score": table["self"],
            "team_score": table["team"],
            "community_score": table["community"],
            "score": combined,
        },
        columns=list(SCORE_COLUMNS),
    )
    out.index.name = "volunteer_id"
    return out.astype(float)
