"""A synthetic low-rise estate: rows of 3–7-storey buildings along a street grid."""

from __future__ import annotations

import math
from typing import Final

import numpy as np
import shapely

from routing.synthetic import EstateLayout

WIDTH_M: Final = 20.0  # east-west side of a footprint (the side with the entrance)
DEPTH_M: Final = 12.0  # north-south side
SETBACK_M: Final = 6.0  # from a street to the facade facing it
GAP_M: Final = 6.0  # between neighbours in a row
PER_ROW: Final = 4  # buildings in a row between two cross streets
COURTYARD_M: Final = 14.0  # between the two rows of a block
# Largest east-west shift of a building, in whole half metres (less than half a gap): doors
# across a street then face each other exactly or stand at least half a metre apart.
JITTER_M: Final = 2
LEVELS: Final = (3, 7)  # storeys, drawn uniformly (no lifts)
UNITS_PER_FLOOR: Final = (2, 4)  # flats per floor, drawn uniformly
BLOCK_WIDTH_M: Final = 2 * SETBACK_M + PER_ROW * WIDTH_M + (PER_ROW - 1) * GAP_M  # 110 m
BLOCK_DEPTH_M: Final = 2 * (SETBACK_M + DEPTH_M) + COURTYARD_M  # 50 m between streets


def street_layout(rng: np.random.Generator, buildings: int) -> EstateLayout:
    """Blocks between east-west streets and cross streets, two rows of buildings each.

    Every block holds ``2 * PER_ROW`` buildings: the northern row faces the street to
    its north, the southern row the street to its south; each entrance is the middle of
    the facade facing the street and is joined to it by a spur. Blocks fill a nearly
    square grid row by row from the north-west; the last block may be partly empty.

    Parameters
    ----------
    rng : numpy.random.Generator
        Draws each building's east-west shift (up to ``JITTER_M``).
    buildings : int
        Number of buildings, numbered in block order.

    Returns
    -------
    EstateLayout
        Footprints of ``WIDTH_M`` × ``DEPTH_M``; lines are the streets (kind "street",
        the outermost ones enclosing the estate) and one spur per entrance ("spur").
    """
    if buildings < 1:
        raise ValueError(f"need buildings >= 1, got {buildings}")
    blocks = math.ceil(buildings / (2 * PER_ROW))
    cols = max(1, round(math.sqrt(blocks * BLOCK_DEPTH_M / BLOCK_WIDTH_M)))
    rows = math.ceil(blocks / cols)
    width, height = cols * BLOCK_WIDTH_M, rows * BLOCK_DEPTH_M
    # Street coordinates are computed once and indexed, so that spur ends lie exactly on them.
    xs = -width / 2 + np.arange(cols + 1) * BLOCK_WIDTH_M
    ys = height / 2 - np.arange(rows + 1) * BLOCK_DEPTH_M

    block, within = np.divmod(np.arange(buildings), 2 * PER_ROW)
    col, row = block % cols, block // cols
    south = within >= PER_ROW
    place = within % PER_ROW
    west = (
        xs[col]
        + SETBACK_M
        + place * (WIDTH_M + GAP_M)
        + rng.integers(-2 * JITTER_M, 2 * JITTER_M + 1, size=buildings) / 2
    )
    street_y = np.where(south, ys[row + 1], ys[row])
    door_y = np.where(south, street_y + SETBACK_M, street_y - SETBACK_M)
    south_side = np.where(south, door_y, door_y - DEPTH_M)
    footprints = np.asarray(shapely.box(west, south_side, west + WIDTH_M, south_side + DEPTH_M))
    door_x = west + WIDTH_M / 2
    entrances = np.column_stack([door_x, door_y])
    spurs = shapely.linestrings(np.stack([entrances, np.column_stack([door_x, street_y])], axis=1))
    along_x = [shapely.LineString([(xs[0], y), (xs[-1], y)]) for y in ys]
    along_y = [shapely.LineString([(x, ys[-1]), (x, ys[0])]) for x in xs]
    lines = np.concatenate([along_x, along_y, spurs])
    kinds = ("street",) * (len(along_x) + len(along_y)) + ("spur",) * buildings
    return EstateLayout(footprints, entrances, lines, kinds)
