"""Which vector format a file is, told by its own bytes; GDAL kept to those formats, offline.

GDAL picks a driver from a file's content, not its name: a ``buildings.gpkg`` holding
VRT XML opens as VRT and reads whatever file or URL the XML names. So every vector file
is checked here against the signature its suffix promises before GDAL sees it, and GDAL
is opened with that one driver, in a process where only the three drivers redvest reads
are registered and network access is off.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import struct
import tempfile
import threading
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final
from urllib.request import pathname2url

import pyogrio

from routing.errors import ProblemCollector
from routing.sources.limits import FileLimits, check_size, check_zip

GEOJSON: Final = "GeoJSON"
GPKG: Final = "GPKG"
SHAPEFILE: Final = "ESRI Shapefile"
ALLOWED_DRIVERS: Final = (GEOJSON, GPKG, SHAPEFILE)
SUFFIXES: Final = {".geojson": GEOJSON, ".json": GEOJSON, ".gpkg": GPKG, ".shp": SHAPEFILE}
ZIP_SUFFIX: Final = ".zip"  # a zipped Shapefile: .shp, .shx, .dbf (and .prj, .cpg) inside
# GDAL options that keep it off the network whatever a file names (defence in depth:
# paths from files never reach GDAL, and only three file drivers are registered).
GDAL_OFFLINE: Final = {
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".redvest-network-is-off",
    "GDAL_HTTP_PROXY": "127.0.0.1:9",
    "GDAL_HTTPS_PROXY": "127.0.0.1:9",
    "GDAL_HTTP_TIMEOUT": "1",
    "GDAL_HTTP_CONNECTTIMEOUT": "1",
    "GDAL_HTTP_MAX_RETRY": "0",
    "GDAL_HTTP_NETRC": "NO",
    "OGR_SQLITE_ALLOW_EXTERNAL_ACCESS": "NO",
}
_SQLITE_MAGIC = b"SQLite format 3\x00"
_GPKG_IDS = (b"GPKG", b"GP10", b"GP11")  # application_id at byte 68
_SHAPE_CODE = 9994  # big-endian file code at byte 0 of .shp and .shx
_SHAPE_TYPES = frozenset({0, 1, 3, 5, 8, 11, 13, 15, 18, 21, 23, 25, 28, 31})
_DBF_VERSIONS = frozenset({0x02, 0x03, 0x30, 0x31, 0x32, 0x43, 0x63, 0x83, 0x8B, 0xCB, 0xF5})
_SIDECARS = (".shx", ".dbf", ".prj", ".cpg")
_MAX_SIDECAR_TEXT = 64 * 1024  # a .prj or .cpg is a line of text
# A GeoJSON "crs" member may only name a CRS: a "link" one would make GDAL fetch a URL.
_CRS_NAME = re.compile(r"(urn:ogc:def:crs:(EPSG:[0-9.]*:\d+|OGC:1\.3:CRS84|OGC::CRS84)|EPSG:\d+)")
_hardened = False
_harden_lock = threading.Lock()


def harden_gdal() -> None:
    """Register only the GeoJSON, GPKG and Shapefile drivers and turn GDAL's network off.

    Process-wide and idempotent: redvest reads and writes no other vector format.
    """
    global _hardened
    with _harden_lock:  # two import jobs may start together
        if _hardened:
            return
        others = sorted(set(pyogrio.list_drivers()) - set(ALLOWED_DRIVERS))
        pyogrio.set_gdal_config_options({**GDAL_OFFLINE, "GDAL_SKIP": ",".join(others)})
        from pyogrio._ogr import _register_drivers  # GDALAllRegister applies GDAL_SKIP

        _register_drivers()
        _hardened = True


@dataclass(frozen=True)
class VectorSource:
    """A checked vector file and the one driver that may open it."""

    driver: str
    path: Path

    def gdal_path(self) -> str:
        """The path GDAL opens, with a driver prefix where GDAL has one (no other driver
        is tried then); a GPKG path holding ':' cannot carry the prefix."""
        text = str(self.path.resolve())
        if self.driver == GEOJSON:
            return f"GeoJSON:{text}"
        if self.driver == GPKG and ":" not in text:
            return f"GPKG:{text}"
        return text


@contextmanager
def vector_source(
    path: Path, limits: FileLimits, problems: ProblemCollector, what: str
) -> Iterator[VectorSource | None]:
    """The checked source of ``path``, or None with problems added.

    A zipped Shapefile is unpacked (within ``limits``) into a private temporary folder
    that exists while the context is open.
    """
    driver = SUFFIXES.get(path.suffix.lower())
    if driver is None and path.suffix.lower() != ZIP_SUFFIX:
        problems.add(
            None,
            None,
            f"unsupported file type '{path.suffix[:12]}' "
            "(use GeoJSON, GeoPackage, or a Shapefile as .shp or .zip)",
        )
        yield None
        return
    if str(path).startswith("/vsi") or not path.is_file():
        problems.add(None, None, "file not found")
        yield None
        return
    if path.stat().st_size == 0:
        problems.add(None, None, "empty file")
        yield None
        return
    if not check_size(path, limits, problems):
        yield None
        return
    if driver is None:
        with tempfile.TemporaryDirectory(prefix="redvest-shp-") as folder:
            shp = _unzip_shapefile(path, Path(folder), limits, problems)
            ok = shp is not None and _shapefile_ok(shp, problems)
            yield VectorSource(SHAPEFILE, shp) if ok and shp is not None else None
        return
    if driver == GEOJSON:
        ok = _geojson_ok(path, problems, what)
    elif driver == GPKG:
        ok = _geopackage_ok(path, problems)
    else:
        ok = _shapefile_ok(path, problems)
    yield VectorSource(driver, path) if ok else None


# --- GeoJSON ------------------------------------------------------------------------


def _geojson_ok(path: Path, problems: ProblemCollector, what: str) -> bool:
    """Parse GeoJSON ourselves first: GDAL's messages do not say where the text breaks."""
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    if not text.lstrip().startswith("{"):
        problems.add(None, None, "not GeoJSON: the file is not a JSON object")
        return False
    try:
        document = json.loads(text)
    except json.JSONDecodeError as err:
        truncated = " (file truncated?)" if err.pos >= len(text.rstrip()) else ""
        where = f"line {err.lineno} column {err.colno}"
        problems.add(None, None, f"invalid JSON at {where}: {err.msg}{truncated}")
        return False
    del text
    kind = document.get("type")
    if kind == "FeatureCollection" and not document.get("features"):
        problems.add(None, None, f"no features: the file holds no {what}")
        return False
    if kind not in ("FeatureCollection", "Feature"):
        problems.add(None, None, "not GeoJSON: expected a FeatureCollection")
        return False
    return _crs_ok(document.get("crs"), problems)


def _crs_ok(crs: Any, problems: ProblemCollector) -> bool:
    if crs is None:
        return True
    name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
    is_named = isinstance(crs, dict) and crs.get("type") == "name"
    if is_named and isinstance(name, str) and _CRS_NAME.fullmatch(name):
        return True
    problems.add(
        None,
        "crs",
        "unsupported crs member: name the CRS as urn:ogc:def:crs:EPSG::<code>, "
        "or reproject the file to WGS84 and leave crs out",
    )
    return False


# --- GeoPackage ---------------------------------------------------------------------


def _geopackage_ok(path: Path, problems: ProblemCollector) -> bool:
    """A SQLite database that says it is a GeoPackage, with its contents table, no views."""
    with path.open("rb") as handle:
        header = handle.read(100)
    if not header.startswith(_SQLITE_MAGIC):
        problems.add(None, None, "not a GeoPackage: the file is not a SQLite database")
        return False
    if header[68:72] not in _GPKG_IDS:
        problems.add(None, None, "not a GeoPackage: a SQLite database of another kind")
        return False
    # Read-only and immutable: no journal or lock file is made beside the upload.
    uri = f"file:{pathname2url(str(path.resolve()))}?mode=ro&immutable=1"
    try:
        with closing(sqlite3.connect(uri, uri=True)) as connection:
            kinds = dict(
                connection.execute(
                    "SELECT type, count(*) FROM sqlite_master "
                    "WHERE type = 'view' OR name = 'gpkg_contents' GROUP BY type"
                ).fetchall()
            )
    except sqlite3.DatabaseError:
        problems.add(None, None, "damaged GeoPackage: the SQLite database cannot be read")
        return False
    if "table" not in kinds:
        problems.add(None, None, "not a GeoPackage: no gpkg_contents table")
        return False
    if "view" in kinds:
        problems.add(None, None, "GeoPackage views are not supported: save the layer as a table")
        return False
    return True


# --- Shapefile ----------------------------------------------------------------------


def _shape_header(path: Path) -> tuple[int, int, int, int] | None:
    """File code, length in bytes, version and shape type of a .shp/.shx header."""
    with path.open("rb") as handle:
        header = handle.read(100)
    if len(header) < 100:
        return None
    code, words = struct.unpack(">i20xi", header[:28])
    version, shape_type = struct.unpack("<ii", header[28:36])
    return code, words * 2, version, shape_type


def _sidecar(shp: Path, suffix: str) -> Path | None:
    """The companion file of ``shp`` with ``suffix``, in either letter case."""
    for candidate in (shp.with_suffix(suffix), shp.with_suffix(suffix.upper())):
        if candidate.is_file():
            return candidate
    return None


def _shapefile_ok(shp: Path, problems: ProblemCollector) -> bool:
    """The .shp and its .shx are Shapefiles by their headers; the .dbf is a dBASE table."""
    header = _shape_header(shp)
    if header is None or header[0] != _SHAPE_CODE or header[2] != 1000:
        problems.add(None, None, "not a Shapefile: the .shp header is not a Shapefile header")
        return False
    if header[3] not in _SHAPE_TYPES or header[1] > shp.stat().st_size:
        problems.add(None, None, "damaged Shapefile: the .shp header does not match the file")
        return False
    shx, dbf = _sidecar(shp, ".shx"), _sidecar(shp, ".dbf")
    if shx is None or dbf is None:
        problems.add(
            None,
            None,
            "a Shapefile needs its .shx and .dbf files: give them beside the .shp, "
            "or upload the .shp, .shx, .dbf and .prj together as one .zip",
        )
        return False
    index = _shape_header(shx)
    if index is None or index[0] != _SHAPE_CODE or index[1] > shx.stat().st_size:
        problems.add(None, None, "damaged Shapefile: the .shx is not its index")
        return False
    with dbf.open("rb") as handle:
        version = handle.read(1)
    if not version or version[0] not in _DBF_VERSIONS:
        problems.add(None, None, "damaged Shapefile: the .dbf is not a dBASE table")
        return False
    for suffix in (".prj", ".cpg"):
        text = _sidecar(shp, suffix)
        if text is not None and text.stat().st_size > _MAX_SIDECAR_TEXT:
            problems.add(None, None, f"damaged Shapefile: the {suffix} file is too large")
            return False
    return True


def _unzip_shapefile(
    archive_path: Path, folder: Path, limits: FileLimits, problems: ProblemCollector
) -> Path | None:
    """Unpack the one Shapefile of a zip into ``folder`` under fixed names; its .shp path.

    Member names are never used as paths: each member is read (within its declared,
    checked size) and written as ``layer.<suffix>``.
    """
    try:
        with zipfile.ZipFile(archive_path) as archive:
            if not check_zip(archive, limits, problems):
                return None
            members = [m for m in archive.infolist() if not m.is_dir()]
            shps = [m for m in members if m.filename.lower().endswith(".shp")]
            if len(shps) != 1:
                problems.add(
                    None, None, f"the zip must hold exactly one .shp file, it holds {len(shps)}"
                )
                return None
            stem = shps[0].filename[:-4].lower()
            wanted = {".shp", *_SIDECARS}
            for member in members:
                name = member.filename.lower()
                suffix = name[len(stem) :]
                if name.startswith(stem) and suffix in wanted:
                    if member.flag_bits & 0x1:
                        problems.add(None, None, "encrypted zip files are not supported")
                        return None
                    with (
                        archive.open(member) as source,
                        (folder / f"layer{suffix}").open("wb") as target,
                    ):
                        shutil.copyfileobj(source, target)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError):
        problems.add(None, None, "not a readable zip file (damaged or truncated?)")
        return None
    return folder / "layer.shp"
