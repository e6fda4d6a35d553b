"""Read and validate input files into the typed frames of ``routing.schema``, all or nothing."""

from routing.sources.buildings import BUILDING_HEADERS, read_buildings
from routing.sources.households import read_households
from routing.sources.osm import OsmExtract, read_osm
from routing.sources.paths import read_paths
from routing.sources.tables import Table, map_headers, read_table
from routing.sources.volunteers import read_volunteers

__all__ = [
    "BUILDING_HEADERS",
    "OsmExtract",
    "Table",
    "map_headers",
    "read_buildings",
    "read_households",
    "read_osm",
    "read_paths",
    "read_table",
    "read_volunteers",
]
