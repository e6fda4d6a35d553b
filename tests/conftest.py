"""Shared fixtures: the bundled data (paths, the Helsinki extract and the demo community read
once per session) and a guard that keeps tests off the network."""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from routing.costs import BuildingMatrix, building_matrix
from routing.network import WalkingNetwork
from routing.sources import OsmExtract, read_households, read_osm, read_volunteers

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
TEST_DATA = Path(__file__).resolve().parent / "data"
DEMO = DATA / "demo"


@pytest.fixture(autouse=True)
def _no_internet(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Refuse connections to anything but this machine."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else str(address)
        if (
            isinstance(host, str)
            and host not in ("127.0.0.1", "localhost", "::1", "")
            and not host.startswith("/")
        ):
            raise OSError(f"tests must not reach the network (tried {host})")
        return real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded)
    yield


@pytest.fixture
def local_server(tmp_path: Path) -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server of ``tmp_path``, standing for any URL a reader might reach: its
    base URL and the paths it was asked for."""
    asked: list[str] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(tmp_path), **kwargs)  # type: ignore[arg-type]

        def log_message(self, *args: object) -> None:
            asked.append(self.path)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", asked
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def helsinki_pbf() -> Path:
    """The real OSM extract of central Helsinki bundled in data/ (486 buildings)."""
    return DATA / "osm" / "helsinki.osm.pbf"


@pytest.fixture(scope="session")
def helsinki_extract(helsinki_pbf: Path) -> OsmExtract:
    """Buildings (486 in the file, 483 after repair) and walkable ways of the extract."""
    return read_osm(helsinki_pbf)


@pytest.fixture(scope="session")
def helsinki_network(helsinki_extract: OsmExtract) -> WalkingNetwork:
    """The Helsinki walking network (6,120 edges, 5,262 nodes)."""
    return WalkingNetwork.from_edges(helsinki_extract.walk_edges)


@pytest.fixture(scope="session")
def helsinki_matrix(
    helsinki_extract: OsmExtract, helsinki_network: WalkingNetwork
) -> BuildingMatrix:
    """Walking matrix between the 483 buildings' doors, default cost parameters."""
    return building_matrix(helsinki_extract.buildings, helsinki_network)


@pytest.fixture(scope="session")
def demo_households(helsinki_extract: OsmExtract) -> pd.DataFrame:
    """The demo register data/demo/households.csv as imported (4,524 households)."""
    return read_households(DEMO / "households.csv", helsinki_extract.buildings)


@pytest.fixture(scope="session")
def demo_volunteers(helsinki_extract: OsmExtract) -> pd.DataFrame:
    """The demo roster data/demo/volunteers.csv as imported (300 volunteers, 100 teams)."""
    return read_volunteers(DEMO / "volunteers.csv", helsinki_extract.buildings)
