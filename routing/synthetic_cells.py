"""Synthetic estates side by side: one cell (community boundary) each, and paths across them."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Final

import numpy as np
import shapely

MARGIN_M: Final = 40.0  # from an estate's outermost path to its cell's edge: no buildings there
# A link into the row above stays this far from the corners of that row's cells, so that it
# crosses one boundary and runs inside one cell.
CLEARANCE_M: Final = 15.0
AVENUE: Final = "avenue"  # runs the sub-district's width in the margin above a row boundary
LINK: Final = "link"  # joins an estate's outermost path to an avenue or to its row neighbour


@dataclass(frozen=True, eq=False)
class Arrangement:
    """Where each estate goes and what joins them, in metres around the sub-district's centre."""

    shifts: np.ndarray  # (estates, 2): added to an estate's own coordinates
    cells: np.ndarray  # shapely Polygons, one per estate; they tile a rectangle
    links: tuple[np.ndarray, ...]  # per estate: LineStrings of avenues and links in its cell
    link_kinds: tuple[tuple[str, ...], ...]  # per estate: AVENUE or LINK per line


def arrange(extents: np.ndarray) -> Arrangement:
    """Place estates in rows, give each a cell and join them by avenues and links.

    Rows of nearly equal count run north to south; a row is as tall as its tallest
    estate plus margins and every row is stretched to the widest one, so the cells
    tile a rectangle. Each estate sits in the middle of its cell. Between two rows an
    avenue runs the whole width inside the upper row's margin; every estate is linked
    to the avenue below it and to the one above it, and to its neighbours in the row.
    Each line is clipped to the cells it crosses, so every piece lies in one cell and
    pieces meet on the boundary. Cells share the vertices of their common edges, so
    adjacent cells never overlap, not even after reprojection.

    Parameters
    ----------
    extents : numpy.ndarray
        ``(estates, 4)`` bounds ``(x0, y0, x1, y1)`` of each estate's path lines in its
        own frame; the outermost paths must run along these bounds (a ring road).

    Returns
    -------
    Arrangement
        Shifts, cells and the clipped joining lines, in estate order.
    """
    count = len(extents)
    width = extents[:, 2] - extents[:, 0] + 2 * MARGIN_M
    height = extents[:, 3] - extents[:, 1] + 2 * MARGIN_M
    rows = np.array_split(np.arange(count), max(1, round(math.sqrt(count))))
    total_w = max(width[row].sum() for row in rows)
    row_h = np.array([height[row].max() for row in rows])
    y_edges = row_h.sum() / 2 - np.concatenate([[0.0], np.cumsum(row_h)])
    y_edges[-1] = -row_h.sum() / 2
    x_edges = []
    for row in rows:
        stretched = width[row] + (total_w - width[row].sum()) / len(row)
        edges = -total_w / 2 + np.concatenate([[0.0], np.cumsum(stretched)])
        edges[-1] = total_w / 2  # every row ends exactly where the others do
        x_edges.append(edges)
    bounds = np.empty((count, 4))
    for r, row in enumerate(rows):
        bounds[row] = np.column_stack(
            [x_edges[r][:-1], np.full(len(row), y_edges[r + 1]), x_edges[r][1:],
             np.full(len(row), y_edges[r])]
        )  # fmt: skip
    shifts = (bounds[:, :2] + bounds[:, 2:]) / 2 - (extents[:, :2] + extents[:, 2:]) / 2
    boxes = extents + np.tile(shifts, 2)  # the estates' outermost paths, once shifted
    cells = np.array([_cell(bounds[k], x_edges, r) for r, row in enumerate(rows) for k in row])
    lines, kinds = _joining_lines(rows, boxes, x_edges, y_edges)
    links, link_kinds = _clip(lines, kinds, cells)
    return Arrangement(shifts, cells, links, link_kinds)


def _cell(bounds: np.ndarray, x_edges: list[np.ndarray], r: int) -> shapely.Polygon:
    """The cell's rectangle with the corners of the cells above and below on its edges."""
    x0, y0, x1, y1 = bounds
    below = x_edges[r + 1] if r + 1 < len(x_edges) else np.empty(0)
    above = x_edges[r - 1] if r > 0 else np.empty(0)
    bottom = [(x, y0) for x in below if x0 < x < x1]
    top = [(x, y1) for x in above[::-1] if x0 < x < x1]
    return shapely.Polygon([(x0, y0), *bottom, (x1, y0), (x1, y1), *top, (x0, y1)])


def _joining_lines(
    rows: list[np.ndarray], boxes: np.ndarray, x_edges: list[np.ndarray], y_edges: np.ndarray
) -> tuple[list[shapely.LineString], list[str]]:
    """Avenues between rows, links from each estate to them and between row neighbours."""
    lines: list[shapely.LineString] = []
    kinds: list[str] = []
    half_w = x_edges[0][-1]
    avenue_y = y_edges[1:-1] + MARGIN_M / 2  # inside the upper row's bottom margin
    for y in avenue_y:
        lines.append(shapely.LineString([(-half_w, y), (half_w, y)]))
        kinds.append(AVENUE)
    for r, row in enumerate(rows):
        for k in row:
            x0, y0, x1, y1 = boxes[k]
            if r + 1 < len(rows):  # down to the avenue in this cell's margin
                x = (x0 + x1) / 2
                lines.append(shapely.LineString([(x, y0), (x, avenue_y[r])]))
                kinds.append(LINK)
            if r > 0:  # up across the boundary to the avenue in the cell above
                x = _clear_x(x0, x1, x_edges[r - 1])
                lines.append(shapely.LineString([(x, y1), (x, avenue_y[r - 1])]))
                kinds.append(LINK)
        middle = (y_edges[r] + y_edges[r + 1]) / 2  # every estate of the row spans it
        for left, right in itertools.pairwise(row):
            lines.append(shapely.LineString([(boxes[left, 2], middle), (boxes[right, 0], middle)]))
            kinds.append(LINK)
    return lines, kinds


def _clear_x(x0: float, x1: float, corners: np.ndarray) -> float:
    """A point of [x0, x1], nearest its middle, at least CLEARANCE_M from every corner."""
    middle = (x0 + x1) / 2
    for step in range(int((x1 - x0) / CLEARANCE_M) + 1):
        for x in (middle + step * CLEARANCE_M, middle - step * CLEARANCE_M):
            inside = x0 + CLEARANCE_M <= x <= x1 - CLEARANCE_M
            if inside and np.abs(corners - x).min() >= CLEARANCE_M:
                return float(x)
    raise ValueError(f"no room for a link between x={x0:.1f} and x={x1:.1f}")


def _clip(
    lines: list[shapely.LineString], kinds: list[str], cells: np.ndarray
) -> tuple[tuple[np.ndarray, ...], tuple[tuple[str, ...], ...]]:
    """The pieces of each line inside each cell (lines of positive length only)."""
    if not lines:
        return tuple(np.empty(0, dtype=object) for _ in cells), tuple(() for _ in cells)
    shared = np.asarray(lines, dtype=object)
    links, link_kinds = [], []
    for cell in cells:
        parts, source = shapely.get_parts(shapely.intersection(shared, cell), return_index=True)
        keep = (shapely.get_type_id(parts) == 1) & (shapely.length(parts) > 0)
        links.append(parts[keep])
        link_kinds.append(tuple(kinds[i] for i in source[keep]))
    return tuple(links), tuple(link_kinds)
