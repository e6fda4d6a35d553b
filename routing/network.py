"""Walking graph from OSM ways or any line layer: snapping, travel matrices and paths."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import ArrayLike, NDArray
from pyproj import CRS, Transformer
from scipy.sparse.csgraph import connected_components, dijkstra
from shapely.ops import substring

from routing.graph import contract, undirected_csr
from routing.schema import WGS84
from routing.walking import (
    CLOSED_ACCESS,
    DEFAULT_DETOUR_FACTOR,
    WALK_HIGHWAYS,
    TravelMatrix,
    WalkingSpeed,
    coords,
    filter_walkable,
    straight_line_matrix,
)

__all__ = [
    "CLOSED_ACCESS",
    "DEFAULT_DETOUR_FACTOR",
    "WALK_HIGHWAYS",
    "Snap",
    "TravelMatrix",
    "WalkingNetwork",
    "WalkingSpeed",
    "filter_walkable",
    "straight_line_matrix",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

# Largest dijkstra output (float64 cells) computed at once; bigger source sets are split
# into blocks of rows so memory stays bounded (2**25 cells = 256 MB).
_MAX_BLOCK_CELLS: Final = 2**25


@dataclass(frozen=True, eq=False)
class Snap:
    """Points snapped to the walking network: one entry per input point."""

    edge: IntArray  # row of WalkingNetwork.edges
    fraction: FloatArray  # position along the edge from its u end, 0..1
    offset_m: FloatArray  # fraction × length_m
    lon: FloatArray  # the snapped point (WGS84)
    lat: FloatArray
    distance_m: FloatArray  # straight access leg, point to snapped point


class WalkingNetwork:
    """The largest connected part of a walking line layer, as an undirected graph.

    Build it with ``from_edges`` (pyrosm-like edges) or ``from_lines`` (any lines).
    ``length_graph`` and ``time_graph`` are CSR graphs over the nodes; matrices run
    dijkstra on a contracted graph of junctions, ``path`` on the full graph.
    """

    def __init__(self, edges: gpd.GeoDataFrame, speed: WalkingSpeed, dropped_edges: int):
        """Use ``from_edges`` or ``from_lines``; ``edges`` must be connected and clean."""
        self.edges = edges
        self.speed = speed
        self.dropped_edges = dropped_edges
        self.crs: CRS = edges.estimate_utm_crs()
        self._to_metric = Transformer.from_crs(WGS84, self.crs, always_xy=True)
        self._to_wgs84 = Transformer.from_crs(self.crs, WGS84, always_xy=True)
        ends = pd.concat([edges["u"], edges["v"]], ignore_index=True)
        codes, self._node_ids = pd.factorize(ends)
        self._u, self._v = codes[: len(edges)], codes[len(edges) :]
        length = edges["length_m"].to_numpy(dtype=float)
        self._weights = np.stack([length, speed.edge_time_s(length, edges["highway"])])
        self._lines = edges.geometry.to_crs(self.crs).to_numpy()
        self._tree = shapely.STRtree(self._lines)
        self.length_graph, self.time_graph = (
            undirected_csr(self._u, self._v, w, self.node_count) for w in self._weights
        )
        self._chains = contract(self._u, self._v, self._weights, self.node_count)

    @classmethod
    def from_edges(
        cls,
        edges: gpd.GeoDataFrame,
        speed: WalkingSpeed = WalkingSpeed(),
    ) -> WalkingNetwork:
        """Build from edges with node ids, as pyrosm's ``get_network(nodes=True)`` gives.

        Edges are taken as walkable (run ``filter_walkable`` on raw OSM ways first) and
        undirected; only the largest connected component is kept.

        Parameters
        ----------
        edges : GeoDataFrame
            LineStrings with ``u``, ``v`` (node ids) and optionally ``length`` or
            ``length_m`` (metres; else measured in a metric CRS) and ``highway``.
        speed : WalkingSpeed
            Turns lengths into walking times.

        Returns
        -------
        WalkingNetwork
            With ``dropped_edges`` counting the edges outside the largest component.
        """
        missing = sorted({"u", "v", "geometry"} - set(edges.columns))
        if missing:
            raise ValueError(f"edges lack column(s) {missing}")
        if edges.crs is None:
            raise ValueError("edges have no CRS; expected WGS84 (EPSG:4326)")
        lines = edges.loc[~(edges.geometry.isna() | edges.geometry.is_empty)].to_crs(WGS84)
        if lines.empty or not (lines.geom_type == "LineString").all():
            raise ValueError("edges must be a non-empty set of LineStrings")
        length = np.full(len(lines), np.nan)
        for column in ("length_m", "length"):
            if column in lines.columns:
                given = pd.to_numeric(lines[column], errors="coerce").to_numpy(dtype=float)
                length = np.where(np.isfinite(length), length, given)
        if not np.isfinite(length).all():
            measured = lines.geometry.to_crs(lines.estimate_utm_crs()).length.to_numpy()
            length = np.where(np.isfinite(length), length, measured)
        highway = lines["highway"] if "highway" in lines.columns else pd.Series("", lines.index)
        frame = gpd.GeoDataFrame(
            {"u": lines["u"].to_numpy(), "v": lines["v"].to_numpy(), "length_m": length,
             "highway": highway.fillna("").astype(str).to_numpy()},
            geometry=lines.geometry.to_numpy(), crs=WGS84,
        )  # fmt: skip
        codes, ids = pd.factorize(pd.concat([frame["u"], frame["v"]], ignore_index=True))
        if (codes < 0).any():
            raise ValueError("edges have missing u or v node ids")
        m = len(frame)
        ones = np.ones(m)
        labels = connected_components(undirected_csr(codes[:m], codes[m:], ones, len(ids)))[1]
        keep = labels[codes[:m]] == np.bincount(labels).argmax()
        return cls(frame.loc[keep].reset_index(drop=True), speed, int((~keep).sum()))

    @classmethod
    def from_lines(
        cls,
        lines: gpd.GeoDataFrame | gpd.GeoSeries,
        speed: WalkingSpeed = WalkingSpeed(),
    ) -> WalkingNetwork:
        """Build from any line layer, noded where lines cross or touch.

        Parameters
        ----------
        lines : GeoDataFrame or GeoSeries
            (Multi)LineStrings with a CRS; an optional ``highway`` column is carried
            over to the noded pieces.
        speed : WalkingSpeed
            Turns lengths into walking times.

        Returns
        -------
        WalkingNetwork
            Nodes are the pieces' endpoints rounded to the centimetre.
        """
        if lines.crs is None:
            raise ValueError("lines have no CRS; expected WGS84 (EPSG:4326)")
        frame = lines.to_frame("geometry") if isinstance(lines, gpd.GeoSeries) else lines
        frame = frame.to_crs(WGS84)
        crs = frame.estimate_utm_crs()
        parts, row = shapely.get_parts(frame.geometry.to_crs(crs).to_numpy(), return_index=True)
        is_line = np.isin(shapely.get_type_id(parts), [1, 2])
        parts, row = parts[is_line], row[is_line]
        pieces = shapely.get_parts(shapely.union_all(parts, grid_size=0.01))  # nodes on a cm grid
        pieces = pieces[shapely.length(pieces) > 0]
        ends = [shapely.get_coordinates(shapely.get_point(pieces, i)) for i in (0, -1)]
        _, node = np.unique(np.round(np.concatenate(ends), 2), axis=0, return_inverse=True)
        middles = shapely.line_interpolate_point(pieces, 0.5, normalized=True)
        hit = shapely.STRtree(parts).query_nearest(middles, all_matches=False)
        source = np.empty(len(pieces), dtype=np.intp)
        source[hit[0]] = row[hit[1]]
        has_highway = "highway" in frame.columns
        highway = frame["highway"].to_numpy(dtype=object)[source] if has_highway else ""
        node = node.ravel()
        edges = gpd.GeoDataFrame(
            {"u": node[: len(pieces)], "v": node[len(pieces) :],
             "length_m": shapely.length(pieces), "highway": highway},
            geometry=pieces, crs=crs,
        )  # fmt: skip
        return cls.from_edges(edges.to_crs(WGS84), speed)

    @property
    def node_count(self) -> int:
        """Number of graph nodes."""
        return len(self._node_ids)

    @property
    def edge_count(self) -> int:
        """Number of edges kept."""
        return len(self.edges)

    def snap(self, lon: ArrayLike, lat: ArrayLike) -> Snap:
        """Snap WGS84 points to their nearest edge.

        Parameters
        ----------
        lon, lat : array_like
            Coordinates of the points.

        Returns
        -------
        Snap
            Edge, position along it, snapped point and access distance per point.
        """
        points = self._metric_points(lon, lat)
        edge = self._nearest(points)
        lines = self._lines[edge]
        fraction = np.nan_to_num(shapely.line_locate_point(lines, points, normalized=True))
        snapped = shapely.line_interpolate_point(lines, fraction, normalized=True)
        x, y = self._to_wgs84.transform(shapely.get_x(snapped), shapely.get_y(snapped))
        offset = fraction * self._weights[0, edge]
        return Snap(edge, fraction, offset, x, y, shapely.distance(points, snapped))

    def matrix(
        self, src_lon: ArrayLike, src_lat: ArrayLike, dst_lon: ArrayLike, dst_lat: ArrayLike
    ) -> TravelMatrix:
        """Shortest walking distances and fastest walking times between points.

        Each point joins the graph as a virtual node on its nearest edge (access leg +
        partial edge to either end). Identical points are computed once. Distances are
        the shortest, times the fastest: the two may follow different ways (round steps).

        Parameters
        ----------
        src_lon, src_lat, dst_lon, dst_lat : array_like
            WGS84 coordinates of the sources (rows) and targets (columns).

        Returns
        -------
        TravelMatrix
            ``distance_m`` and ``time_s`` of shape (n_src, n_dst), ``method="network"``.
        """
        src, src_back = _unique_points(src_lon, src_lat)
        dst, dst_back = _unique_points(dst_lon, dst_lat)
        a, b = self._attach(src), self._attach(dst)
        on_chain = _pairs(a.chain[:, None], b.chain[:, None])
        same = _pairs(src, dst)
        out = []
        for k in (0, 1):  # metres, seconds
            cost = self._combine(a, b, k, on_chain)
            cost[same] = 0.0
            if len(src) < len(src_back) or len(dst) < len(dst_back):
                cost = cost[np.ix_(src_back, dst_back)]
            out.append(cost)
        note = f"walking network: {self.edge_count} edges, {self.node_count} nodes"
        return TravelMatrix(out[0], out[1], "network", note)

    def path(
        self,
        lon_a: float,
        lat_a: float,
        lon_b: float,
        lat_b: float,
        weight: Literal["distance", "time"] = "distance",
    ) -> shapely.LineString:
        """The walking path from a to b for drawing, access legs included.

        Parameters
        ----------
        lon_a, lat_a, lon_b, lat_b : float
            WGS84 coordinates of the two points.
        weight : {"distance", "time"}
            Shortest or fastest path.

        Returns
        -------
        shapely.LineString
            WGS84 line from a to b.
        """
        if weight not in ("distance", "time"):
            raise ValueError(f"weight must be 'distance' or 'time', got {weight!r}")
        k = 0 if weight == "distance" else 1
        snap = self.snap([lon_a, lon_b], [lat_a, lat_b])
        edge, frac, w = snap.edge, snap.fraction, self._weights[k]
        ends = np.stack([self._u[edge], self._v[edge]], axis=1)  # (point, end)
        cost = np.stack([frac * w[edge], (1 - frac) * w[edge]], axis=1)
        graph = (self.length_graph, self.time_graph)[k]
        dist, pred = dijkstra(graph, indices=ends[0], return_predecessors=True)
        total = cost[0][:, None] + dist[:, ends[1]] + cost[1][None, :]
        i, j = np.unravel_index(np.argmin(total), total.shape)
        first, last = self._lines[edge]
        if edge[0] == edge[1] and abs(frac[0] - frac[1]) * w[edge[0]] <= total[i, j]:
            middle = [shapely.get_coordinates(substring(first, frac[0], frac[1], True))]
        else:
            nodes = _walk_back(pred[i], ends[0, i], ends[1, j])
            middle = [
                shapely.get_coordinates(substring(first, frac[0], float(i), True)),
                *self._path_edges(nodes, k),
                shapely.get_coordinates(substring(last, float(j), frac[1], True)),
            ]
        points = shapely.get_coordinates(self._metric_points([lon_a, lon_b], [lat_a, lat_b]))
        xy = np.concatenate([points[:1], *middle, points[1:]])
        xy = xy[np.r_[True, np.any(np.diff(xy, axis=0) != 0, axis=1)]]
        if len(xy) == 1:  # a and b are the same point
            xy = np.repeat(xy, 2, axis=0)
        return shapely.LineString(np.column_stack(self._to_wgs84.transform(xy[:, 0], xy[:, 1])))

    def snap_entrances(self, buildings: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        """Fill unknown entrances with the footprint point nearest the walking network.

        Parameters
        ----------
        buildings : GeoDataFrame
            Footprints with ``entrance_lon``/``entrance_lat`` (NaN when unknown).

        Returns
        -------
        GeoDataFrame
            A copy; entrances already given are kept.
        """
        if buildings.crs is None:
            raise ValueError("buildings have no CRS; expected WGS84 (EPSG:4326)")
        out = buildings.copy()
        for column in ("entrance_lon", "entrance_lat"):
            if column not in out.columns:
                out[column] = np.nan
        unknown = out["entrance_lon"].isna() | out["entrance_lat"].isna()
        missing = (unknown & ~(out.geometry.isna() | out.geometry.is_empty)).to_numpy()
        if missing.any():
            rings = shapely.boundary(out.geometry[missing].to_crs(self.crs).to_numpy())
            link = shapely.shortest_line(rings, self._lines[self._nearest(rings)])
            door = shapely.get_point(link, 0)
            lon, lat = self._to_wgs84.transform(shapely.get_x(door), shapely.get_y(door))
            out.loc[missing, "entrance_lon"] = lon
            out.loc[missing, "entrance_lat"] = lat
        return out

    def _metric_points(self, lon: ArrayLike, lat: ArrayLike) -> NDArray[np.object_]:
        lon, lat = coords(lon), coords(lat)
        if lon.shape != lat.shape:
            raise ValueError(f"{len(lon)} longitudes but {len(lat)} latitudes")
        return shapely.points(*self._to_metric.transform(lon, lat))

    def _nearest(self, geoms: NDArray[np.object_]) -> IntArray:
        """Index of the nearest edge to each geometry (ties: the first found)."""
        found = self._tree.query_nearest(geoms, all_matches=False)
        edge = np.empty(len(geoms), dtype=np.intp)
        edge[found[0]] = found[1]
        return edge

    def _attach(self, lonlat: FloatArray) -> _Attached:
        """Virtual nodes of points on the contracted graph."""
        snap = self.snap(lonlat[:, 0], lonlat[:, 1])
        ch, edge = self._chains, snap.edge
        chain = ch.chain[edge]
        sign = np.where(ch.forward[edge], 1.0, -1.0)
        pos = ch.start[:, edge] + sign * snap.fraction * self._weights[:, edge]
        pos = np.clip(pos, 0.0, ch.total[:, chain])
        access = np.stack([snap.distance_m, snap.distance_m / self.speed.speed_mps])
        cost = access[:, :, None] + np.stack([pos, ch.total[:, chain] - pos], axis=2)
        cost[:, ch.dead[chain]] = np.inf  # nothing lies beyond a dead end
        return _Attached(chain, ch.ends[chain], pos, cost, access)

    def _combine(
        self, a: _Attached, b: _Attached, k: int, on_chain: tuple[IntArray, IntArray]
    ) -> FloatArray:
        """Cost a → b for weight k: best of the 2×2 chain ends, or straight along a chain."""
        graph = self._chains.graphs[k]
        out = np.empty((len(a.chain), len(b.chain)))
        rows_per_block = max(1, _MAX_BLOCK_CELLS // (2 * max(graph.shape[0], len(b.chain))))
        for lo in range(0, len(a.chain), rows_per_block):  # one block unless memory-bound
            rows = slice(lo, lo + rows_per_block)
            hubs, inverse = np.unique(a.ends[rows], return_inverse=True)
            inverse = inverse.reshape(-1, 2)
            dist = dijkstra(graph, indices=hubs)
            to_b = np.take(dist, b.ends[:, 0], axis=1)
            to_b += b.cost[k, :, 0]
            np.minimum(to_b, np.take(dist, b.ends[:, 1], axis=1) + b.cost[k, :, 1], out=to_b)
            del dist
            block = out[rows]
            np.add(to_b[inverse[:, 0]], a.cost[k, rows, 0][:, None], out=block)
            np.minimum(block, to_b[inverse[:, 1]] + a.cost[k, rows, 1][:, None], out=block)
        i, j = on_chain
        along = a.access[k, i] + b.access[k, j] + np.abs(a.pos[k, i] - b.pos[k, j])
        out[i, j] = np.minimum(out[i, j], along)
        return out

    def _path_edges(self, nodes: IntArray, k: int) -> list[FloatArray]:
        """Coordinates of the lightest edge between consecutive nodes, oriented along."""
        n = self.node_count
        keys = np.concatenate([self._u * n + self._v, self._v * n + self._u]).astype(np.int64)
        order = np.lexsort((np.tile(self._weights[k], 2), keys))
        index = pd.Index(keys[order])
        ids = np.tile(np.arange(self.edge_count), 2)[order][~index.duplicated()]
        edge = ids[
            index.drop_duplicates().get_indexer(
                pd.Index(nodes[:-1].astype(np.int64) * n + nodes[1:])
            )
        ]
        forward = self._u[edge] == nodes[:-1]
        coords = [shapely.get_coordinates(line) for line in self._lines[edge]]
        return [c if fw else c[::-1] for c, fw in zip(coords, forward, strict=True)]


@dataclass(frozen=True, eq=False)
class _Attached:
    """Points as virtual nodes on the contracted graph; axis 0 of pos/cost/access is
    (metres, seconds)."""

    chain: IntArray  # (n,)
    ends: IntArray  # (n, 2) first and last junction of the chain
    pos: FloatArray  # (2, n) position along the chain
    cost: FloatArray  # (2, n, 2) to either end junction, access leg included
    access: FloatArray  # (2, n) straight leg from the point to the network


def _unique_points(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatArray, IntArray]:
    """Distinct (lon, lat) rows in order of appearance and the index back to the input."""
    xy = np.column_stack([coords(lon), coords(lat)])
    group = pd.DataFrame(xy).groupby([0, 1], sort=False).ngroup()
    back: IntArray = np.asarray(group, dtype=np.intp)
    return xy[np.unique(back, return_index=True)[1]], back


def _walk_back(pred: IntArray, source: int, target: int) -> IntArray:
    """Nodes of a shortest path from dijkstra's predecessor row (one path, sequential)."""
    nodes = [int(target)]
    while nodes[-1] != source:
        nodes.append(int(pred[nodes[-1]]))
    return np.array(nodes[::-1], dtype=np.intp)


def _pairs(left: NDArray[Any], right: NDArray[Any]) -> tuple[IntArray, IntArray]:
    """(i, j) of every left row equal to a right row (few: sorted join, no n×m mask)."""
    keys = [f"k{c}" for c in range(left.shape[1])]
    frame_l = pd.DataFrame(left, columns=keys).assign(i=np.arange(len(left)))
    frame_r = pd.DataFrame(right, columns=keys).assign(j=np.arange(len(right)))
    pairs = frame_l.merge(frame_r, on=keys)
    return pairs["i"].to_numpy(np.intp), pairs["j"].to_numpy(np.intp)
