"""Team forming (routing/teams.py) on the demo roster: sizes, homes close together, skills spread.

Every property is measured here from the input files (homes as lon/lat of the buildings,
distances on the sphere), not with the module's own helpers.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from routing.sources import OsmExtract
from routing.teams import FormingOptions, form_teams, team_sizes

EARTH_RADIUS_M = 6_371_000.0
RANDOM_GROUPINGS = 30


@pytest.fixture(scope="module")
def roster(
    demo_volunteers: pd.DataFrame, helsinki_extract: OsmExtract
) -> tuple[pd.DataFrame, gpd.GeoDataFrame]:
    """The demo roster (300 volunteers) and the Helsinki extract's 483 buildings."""
    return demo_volunteers, helsinki_extract.buildings


def _homes_lonlat(volunteers: pd.DataFrame, buildings: gpd.GeoDataFrame) -> np.ndarray:
    """Longitude and latitude (radians) of each volunteer's home building."""
    inside = buildings.set_index("building_id").geometry.representative_point()
    points = inside.reindex(volunteers["home_building"].to_numpy())
    assert not points.isna().any(), "every demo volunteer has a known home"
    return np.radians(np.column_stack([points.x.to_numpy(), points.y.to_numpy()]))


def _metres(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Great-circle metres between rows of lon/lat radians (haversine)."""
    dlon, dlat = b[..., 0] - a[..., 0], b[..., 1] - a[..., 1]
    h = np.sin(dlat / 2) ** 2 + np.cos(a[..., 1]) * np.cos(b[..., 1]) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(h))


def _mean_pair_distance(labels: np.ndarray, homes: np.ndarray) -> float:
    """Mean over teams of the mean distance between two members' homes."""
    per_team = []
    for team in np.unique(labels):
        members = homes[labels == team]
        i, j = np.triu_indices(len(members), 1)
        per_team.append(_metres(members[i], members[j]).mean())
    return float(np.mean(per_team))


def _mean_variety(labels: np.ndarray, skills: pd.Series) -> float:
    """Mean over teams of the number of distinct skills among the members."""
    sets = skills.str.split(";").map(lambda cell: {s for s in cell if s})
    return float(np.mean([len(set().union(*sets[labels == team])) for team in np.unique(labels)]))


def test_team_sizes_are_balanced() -> None:
    assert team_sizes(9) == [3, 3, 3]
    assert team_sizes(10) == [4, 3, 3]
    assert team_sizes(11) == [3, 3, 3, 2]
    assert team_sizes(2) == [2]
    assert team_sizes(0) == []
    assert team_sizes(14, size=4) == [4, 4, 3, 3]


def test_every_volunteer_is_in_one_team_of_balanced_size(
    roster: tuple[pd.DataFrame, gpd.GeoDataFrame],
) -> None:
    volunteers, buildings = roster
    for size in (3, 4):
        labels = form_teams(volunteers, buildings, FormingOptions(size=size))
        assert labels.index.equals(volunteers.index)
        assert labels.notna().all() and (labels.str.fullmatch(r"T\d{3}")).all()
        counts = labels.value_counts()
        assert len(counts) == round(len(volunteers) / size)
        assert counts.max() - counts.min() <= 1 and counts.sum() == len(volunteers)


def test_members_live_closer_together_than_in_any_random_grouping(
    roster: tuple[pd.DataFrame, gpd.GeoDataFrame],
) -> None:
    volunteers, buildings = roster
    labels = form_teams(volunteers, buildings).to_numpy()
    homes = _homes_lonlat(volunteers, buildings)
    formed = _mean_pair_distance(labels, homes)
    rng = np.random.default_rng(0)
    random = [_mean_pair_distance(rng.permutation(labels), homes) for _ in range(RANDOM_GROUPINGS)]
    # On the demo, members of random teams live about 650 m apart, of formed teams 84 m.
    assert formed < 0.25 * min(random)


def test_skills_are_spread_at_little_cost_in_distance(
    roster: tuple[pd.DataFrame, gpd.GeoDataFrame],
) -> None:
    volunteers, buildings = roster
    homes = _homes_lonlat(volunteers, buildings)
    labels = form_teams(volunteers, buildings).to_numpy()
    blind = form_teams(volunteers.assign(skills=""), buildings).to_numpy()
    variety, blind_variety = (_mean_variety(x, volunteers["skills"]) for x in (labels, blind))
    assert variety > blind_variety and variety >= 2.0
    # A swap may stretch a team by at most SWAP_SLACK_M (150 m) from its centre.
    assert _mean_pair_distance(labels, homes) < _mean_pair_distance(blind, homes) + 150


def test_the_seed_decides_among_volunteers_at_one_place(
    roster: tuple[pd.DataFrame, gpd.GeoDataFrame],
) -> None:
    volunteers, buildings = roster
    # nobody's home is known: everyone stands at the centre, only the seed splits them
    nowhere = volunteers.assign(home_building="")

    def teams(seed: int) -> set[frozenset[str]]:
        labels = form_teams(nowhere, buildings, FormingOptions(seed=seed))
        return {frozenset(nowhere["volunteer_id"][labels == t]) for t in labels.unique()}

    assert teams(1) == teams(1)
    assert teams(1) != teams(2)
    assert {len(t) for t in teams(2)} == {3}
    # no map at all: still teams, by the seed
    assert len(set(form_teams(nowhere, buildings.iloc[:0], FormingOptions(seed=3)))) == 100


@pytest.mark.parametrize(
    ("options", "message"),
    [({"size": 0}, "team size"), ({"size": 2.5}, "team size"), ({"seed": -1}, "seed")],
)
def test_options_are_checked(options: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        FormingOptions(**options)  # type: ignore[arg-type]
