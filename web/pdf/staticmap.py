"""A static route map drawn with fpdf2 vector primitives from our own geometry (no tiles)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import geopandas as gpd
import numpy as np
import shapely
from fpdf import FPDF
from numpy.typing import NDArray
from pyproj import Transformer

from routing.schema import WGS84
from web.pdf.fonts import FAMILY

FloatArray = NDArray[np.float64]

ROUTE_RGB: Final = (200, 30, 30)
ARROW_RGB: Final = (120, 0, 0)
START_RGB: Final = (20, 60, 140)
BUILDING_RGB: Final = (225, 222, 215)
STREET_RGB: Final = (175, 175, 175)
PAD_M: Final = 40.0  # margin around the route, metres
ARROWS_MAX: Final = 60
SCALE_STEPS_M: Final = (10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000)


@dataclass(frozen=True)
class Box:
    """A rectangle on the page, millimetres from the top-left corner."""

    x: float
    y: float
    w: float
    h: float

    def __post_init__(self) -> None:
        if not (self.w > 0 and self.h > 0):
            raise ValueError(f"a map box needs a positive size, got {self.w} × {self.h}")


@dataclass(frozen=True, eq=False)
class MapLayers:
    """What the map shows, all in WGS84."""

    route: shapely.LineString
    start: tuple[float, float]
    checkpoints: tuple[tuple[float, float], ...] = ()
    buildings: gpd.GeoSeries | None = None
    streets: gpd.GeoSeries | None = None


class _Paper:
    """Projection from WGS84 to millimetres in the box, north up, equal scale on both axes."""

    def __init__(self, layers: MapLayers, box: Box):
        crs = gpd.GeoSeries([layers.route], crs=WGS84).estimate_utm_crs()
        self.crs = crs
        self._to_metric = Transformer.from_crs(WGS84, crs, always_xy=True)
        xy = self.metric(shapely.get_coordinates(layers.route))
        lo, hi = xy.min(axis=0) - PAD_M, xy.max(axis=0) + PAD_M
        span = hi - lo
        self.scale = min(box.w / span[0], box.h / span[1])  # mm per metre
        centre = (lo + hi) / 2
        self.lo = centre - np.array([box.w, box.h]) / self.scale / 2
        self.hi = centre + np.array([box.w, box.h]) / self.scale / 2
        self.box = box

    def metric(self, lonlat: FloatArray) -> FloatArray:
        x, y = self._to_metric.transform(lonlat[:, 0], lonlat[:, 1])
        return np.column_stack([x, y])

    def paper(self, xy: FloatArray) -> FloatArray:
        """Metres → millimetres on the page."""
        px = self.box.x + (xy[:, 0] - self.lo[0]) * self.scale
        py = self.box.y + self.box.h - (xy[:, 1] - self.lo[1]) * self.scale
        return np.column_stack([px, py])

    def lonlat_to_paper(self, lonlat: FloatArray) -> FloatArray:
        return self.paper(self.metric(np.asarray(lonlat, dtype=float).reshape(-1, 2)))

    def visible(self, shapes: gpd.GeoSeries | None) -> NDArray[np.object_]:
        """Geometries in the box, projected to metres."""
        if shapes is None or shapes.empty:
            return np.empty(0, dtype=object)
        metric = shapes.to_crs(self.crs).to_numpy()
        frame = shapely.box(*self.lo, *self.hi)
        return metric[shapely.intersects(metric, frame)]


def draw_map(pdf: FPDF, box: Box, layers: MapLayers, *, start_label: str, note: str) -> None:
    """Draw buildings, streets, the route with direction arrows, checkpoints and the start.

    Parameters
    ----------
    pdf : FPDF
        Document whose current page receives the map.
    box : Box
        Where on the page, in millimetres.
    layers : MapLayers
        Geometry to draw (WGS84).
    start_label : str
        Label next to the start square.
    note : str
        Small text in the lower right corner (the map data attribution).
    """
    paper = _Paper(layers, box)
    with pdf.local_context():
        pdf.set_fill_color(252, 252, 250)
        pdf.set_draw_color(120, 120, 120)
        pdf.set_line_width(0.3)
        pdf.rect(box.x, box.y, box.w, box.h, style="DF")
        with pdf.rect_clip(box.x, box.y, box.w, box.h):
            _buildings(pdf, paper, paper.visible(layers.buildings))
            _streets(pdf, paper, paper.visible(layers.streets))
            route = paper.lonlat_to_paper(shapely.get_coordinates(layers.route))
            _route(pdf, route)
            _arrows(pdf, route)
            _start(pdf, paper.lonlat_to_paper(np.array(layers.start))[0], start_label)
            _checkpoints(pdf, paper, layers.checkpoints)
        _scale_bar(pdf, paper)
        _north(pdf, box)
        pdf.set_font(FAMILY, "", 6)
        pdf.set_text_color(90, 90, 90)
        width = pdf.get_string_width(note) + 2
        pdf.text(box.x + box.w - width, box.y + box.h - 1.5, note)


def _buildings(pdf: FPDF, paper: _Paper, shapes: NDArray[np.object_]) -> None:
    pdf.set_fill_color(*BUILDING_RGB)
    pdf.set_draw_color(190, 186, 178)
    pdf.set_line_width(0.1)
    parts = shapely.get_parts(shapes)
    for ring in shapely.get_exterior_ring(parts[shapely.get_type_id(parts) == 3]):
        pdf.polygon([tuple(p) for p in paper.paper(shapely.get_coordinates(ring))], style="DF")


def _streets(pdf: FPDF, paper: _Paper, shapes: NDArray[np.object_]) -> None:
    pdf.set_draw_color(*STREET_RGB)
    pdf.set_line_width(0.25)
    for line in shapely.get_parts(shapes):
        pdf.polyline([tuple(p) for p in paper.paper(shapely.get_coordinates(line))])


def _route(pdf: FPDF, xy: FloatArray) -> None:
    pdf.set_draw_color(*ROUTE_RGB)
    pdf.set_line_width(0.7)
    with pdf.local_context(stroke_opacity=0.8):
        pdf.polyline([tuple(p) for p in xy])


def _arrows(pdf: FPDF, xy: FloatArray) -> None:
    """Small triangles along the route pointing the way it is walked."""
    if len(xy) < 2:
        return
    line = shapely.LineString(xy)
    spacing = max(10.0, line.length / ARROWS_MAX)
    at = np.arange(spacing / 2, line.length - 0.5, spacing)
    here = shapely.get_coordinates(shapely.line_interpolate_point(line, at))
    ahead = shapely.get_coordinates(shapely.line_interpolate_point(line, at + 0.5))
    pdf.set_fill_color(*ARROW_RGB)
    for (x, y), (ax, ay) in zip(here, ahead, strict=True):
        dx, dy = ax - x, ay - y
        norm = math.hypot(dx, dy)
        if norm == 0:
            continue
        ux, uy = dx / norm, dy / norm
        tip = (x + 1.6 * ux, y + 1.6 * uy)
        left = (x - 1.0 * ux - 1.0 * uy, y - 1.0 * uy + 1.0 * ux)
        right = (x - 1.0 * ux + 1.0 * uy, y - 1.0 * uy - 1.0 * ux)
        pdf.polygon([tip, left, right], style="F")


def _start(pdf: FPDF, xy: FloatArray, label: str) -> None:
    x, y = float(xy[0]), float(xy[1])
    pdf.set_fill_color(*START_RGB)
    pdf.set_draw_color(255, 255, 255)
    pdf.set_line_width(0.4)
    pdf.rect(x - 1.8, y - 1.8, 3.6, 3.6, style="DF")
    pdf.set_font(FAMILY, "", 7)
    pdf.set_text_color(*START_RGB)
    pdf.text(x + 2.6, y + 1.0, label)


def _checkpoints(pdf: FPDF, paper: _Paper, points: tuple[tuple[float, float], ...]) -> None:
    if not points:
        return
    xy = paper.lonlat_to_paper(np.array(points, dtype=float))
    pdf.set_font(FAMILY, "", 6)
    pdf.set_line_width(0.35)
    for number, (x, y) in enumerate(xy.tolist(), start=1):
        pdf.set_fill_color(255, 255, 255)
        pdf.set_draw_color(*START_RGB)
        pdf.circle(x, y, 2.2, style="DF")
        text = str(number)
        pdf.set_text_color(*START_RGB)
        pdf.text(x - pdf.get_string_width(text) / 2, y + 0.8, text)


def _scale_bar(pdf: FPDF, paper: _Paper) -> None:
    """A bar of a round length about a fifth of the map's width, lower left."""
    want = paper.box.w * 0.2 / paper.scale
    metres = min(SCALE_STEPS_M, key=lambda m: abs(math.log(m / want)))
    length = metres * paper.scale
    x, y = paper.box.x + 4, paper.box.y + paper.box.h - 4
    pdf.set_font(FAMILY, "", 7)
    label = f"{metres / 1000:g} km" if metres >= 1000 else f"{metres} m"
    with pdf.local_context(fill_opacity=0.85):  # keep the bar legible over the drawing
        pdf.set_fill_color(255, 255, 255)
        width = length + pdf.get_string_width(label) + 5
        pdf.rect(x - 2, y - 3.5, width, 5.5, style="F")
    pdf.set_draw_color(40, 40, 40)
    pdf.set_line_width(0.5)
    pdf.line(x, y, x + length, y)
    for tick in (x, x + length):
        pdf.line(tick, y - 1.2, tick, y)
    pdf.set_text_color(40, 40, 40)
    pdf.text(x + length + 1.5, y + 0.8, label)


def _north(pdf: FPDF, box: Box) -> None:
    x, y = box.x + box.w - 7, box.y + 5
    pdf.set_fill_color(40, 40, 40)
    pdf.polygon([(x, y), (x - 2, y + 5), (x + 2, y + 5)], style="F")
    pdf.set_font(FAMILY, "", 7)
    pdf.set_text_color(40, 40, 40)
    pdf.text(x - pdf.get_string_width("N") / 2, y + 8.5, "N")
