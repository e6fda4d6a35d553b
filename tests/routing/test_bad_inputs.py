"""Every file of the bad-input corpus (tests/data/bad) is refused with the expected problems."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pytest

from routing.errors import InputError, Problem
from routing.sources import (
    read_buildings,
    read_households,
    read_osm,
    read_paths,
    read_volunteers,
)

DATA = Path(__file__).resolve().parents[1] / "data"
BAD = DATA / "bad"
Expected = tuple[int | None, str | None, str]


def load_expected() -> dict[str, tuple[str, list[Expected]]]:
    """file → (kind, [(row, field, message substring), ...]) from expected.csv."""
    corpus: dict[str, tuple[str, list[Expected]]] = {}
    with (BAD / "expected.csv").open(encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle):
            row = int(record["row"]) if record["row"] else None
            _, problems = corpus.setdefault(record["file"], (record["kind"], []))
            problems.append((row, record["field"] or None, record["message"]))
    return corpus


CORPUS = load_expected()


@pytest.fixture(scope="module")
def buildings() -> gpd.GeoDataFrame:
    """The 4 good buildings the bad household and volunteer files refer to."""
    return read_buildings(DATA / "good" / "buildings.geojson")


def reader(kind: str, buildings: gpd.GeoDataFrame) -> Callable[[Path], object]:
    readers: dict[str, Callable[[Path], object]] = {
        "households": lambda path: read_households(path, buildings),
        "volunteers": lambda path: read_volunteers(path, buildings),
        "buildings": read_buildings,
        "osm": read_osm,
        "paths": read_paths,
    }
    return readers[kind]


def test_corpus_is_large_and_complete() -> None:
    kinds = [kind for kind, _ in CORPUS.values()]
    assert len(CORPUS) >= 20
    assert set(kinds) == {"households", "volunteers", "buildings", "osm", "paths"}
    for name in CORPUS:
        assert (BAD / name).is_file(), name


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_bad_file_is_refused_with_every_expected_problem(
    name: str, buildings: gpd.GeoDataFrame
) -> None:
    kind, expected = CORPUS[name]
    with pytest.raises(InputError) as caught:
        reader(kind, buildings)(BAD / name)
    problems = list(caught.value.problems)
    unmatched = [e for e in expected if not _take(problems, e)]
    assert not unmatched, f"missing {unmatched}; got {[str(p) for p in caught.value.problems]}"
    assert not problems, f"unexpected extra problems: {[str(p) for p in problems]}"


def _take(problems: list[Problem], expected: Expected) -> bool:
    """Remove and report the first problem matching (row, field, message substring)."""
    row, field, text = expected
    for index, problem in enumerate(problems):
        if (problem.row, problem.field) == (row, field) and text in problem.message:
            del problems[index]
            return True
    return False


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_problems_print_as_file_row_field_message(name: str, buildings: gpd.GeoDataFrame) -> None:
    kind, _ = CORPUS[name]
    with pytest.raises(InputError) as caught:
        reader(kind, buildings)(BAD / name)
    shape = re.compile(rf"{re.escape(name)}:(\d*):(.*?): (\S.*)", re.DOTALL)
    for problem in caught.value.problems:
        match = shape.fullmatch(str(problem))
        assert match, str(problem)
        assert match[1] == ("" if problem.row is None else str(problem.row))
        assert match[3] == problem.message
