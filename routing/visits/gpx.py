"""GPX 1.1 documents: one waypoint per stop and a track along the walking path."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import shapely

GPX_NAMESPACE: Final = "http://www.topografix.com/GPX/1/1"
_SCHEMA: Final = "http://www.topografix.com/GPX/1/1/gpx.xsd"
_XSI: Final = "http://www.w3.org/2001/XMLSchema-instance"


@dataclass(frozen=True)
class Waypoint:
    """A named point (WGS84). Never put personal data (phones, requests, tags) in one."""

    lon: float
    lat: float
    name: str
    description: str = ""


def gpx_document(name: str, waypoints: Sequence[Waypoint], track: shapely.LineString) -> str:
    """A GPX 1.1 document with the waypoints and one single-segment track.

    Parameters
    ----------
    name : str
        Name of the document and the track.
    waypoints : sequence of Waypoint
        Written as ``<wpt>`` in order.
    track : shapely.LineString
        WGS84 line written as the track's points.

    Returns
    -------
    str
        The XML text, UTF-8 declared.
    """
    ET.register_namespace("", GPX_NAMESPACE)
    root = ET.Element(
        _tag("gpx"),
        {
            "version": "1.1",
            "creator": "redvest",
            f"{{{_XSI}}}schemaLocation": f"{GPX_NAMESPACE} {_SCHEMA}",
        },
    )
    metadata = ET.SubElement(root, _tag("metadata"))
    ET.SubElement(metadata, _tag("name")).text = name
    for point in waypoints:
        wpt = ET.SubElement(root, _tag("wpt"), _latlon(point.lon, point.lat))
        ET.SubElement(wpt, _tag("name")).text = point.name
        if point.description:
            ET.SubElement(wpt, _tag("desc")).text = point.description
    trk = ET.SubElement(root, _tag("trk"))
    ET.SubElement(trk, _tag("name")).text = name
    segment = ET.SubElement(trk, _tag("trkseg"))
    for lon, lat in shapely.get_coordinates(track):
        ET.SubElement(segment, _tag("trkpt"), _latlon(lon, lat))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=False).join(
        ('<?xml version="1.0" encoding="UTF-8"?>\n', "\n")
    )


def _tag(local: str) -> str:
    return f"{{{GPX_NAMESPACE}}}{local}"


def _latlon(lon: float, lat: float) -> dict[str, str]:
    return {"lat": f"{lat:.7f}", "lon": f"{lon:.7f}"}
