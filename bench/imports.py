"""A team's phone page while import jobs read large files in the same process (issue 11).

Run from the repository root: ``.venv/bin/python bench/imports.py [--seconds 8]``.
Builds the demo database in a temporary folder, serves the app with waitress on
127.0.0.1 (8 threads, as ``redvest serve``) and has a client process fetch one team's
phone page ``/t/<token>`` in a loop, one request at a time. Phases: idle; while an import
job reads a 1,000,000-row households workbook (read up to the 100,000-row limit, then
refused); while one is refused for a 16 MiB+ CSV and a zip-bomb XLSX (both refused
before reading). Prints the page's p50/p95/max latency per phase and each job's time.
The client and the server share the machine's cores: compare phases, not machines.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from a checkout, installed or not

from tests.security.test_uploads import _million_rows  # noqa: E402
from web import create_app  # noqa: E402
from web.cli import main as cli  # noqa: E402
from web.field.tokens import create_link  # noqa: E402
from web.imports import tasks  # noqa: E402
from web.imports.uploads import Staged  # noqa: E402
from web.jobs import get_queue  # noqa: E402
from web.storage import frames  # noqa: E402
from web.storage.engine import database_url  # noqa: E402
from web.storage.models import Community  # noqa: E402

BOMB = ROOT / "tests" / "data" / "bad" / "households_zip_bomb.xlsx"


def _client(port: int, path: str, stop: float, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    """Fetch ``path`` until the clock passes ``stop``; put the latencies (ms) on ``out``."""
    times = []
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while time.time() < stop:
        started = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        assert response.status == 200, response.status
        times.append((time.perf_counter() - started) * 1000)
    out.put(times)


def _measure(port: int, path: str, seconds: float) -> list[float]:
    out: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    process = multiprocessing.Process(target=_client, args=(port, path, time.time() + seconds, out))
    process.start()
    times: list[float] = out.get()
    process.join()
    return times


def _staged(root: Path, files: dict[str, Path]) -> Staged:
    folder = root / f"bench-{time.monotonic_ns()}"
    folder.mkdir(parents=True)
    names = {}
    for kind, path in files.items():
        names[kind] = f"{kind}{''.join(path.suffixes[-1:])}"
        shutil.copy(path, folder / names[kind])
    return Staged(folder, names, {kind: path.name for kind, path in files.items()})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each phase")
    args = parser.parse_args()
    from waitress import create_server

    with tempfile.TemporaryDirectory(prefix="redvest-bench-") as tmp:
        folder = Path(tmp)
        db = folder / "bench.db"
        assert cli(["demo", "--db", str(db), "--time-limit", "1"]) == 0
        workbook, csv_file = folder / "rows.xlsx", folder / "big.csv"
        _million_rows(workbook, dimension=True)
        line = b"H0000001,w123456,3,301\r\n"
        csv_file.write_bytes(b"household_id,building,floor,unit\r\n" + line * (17 * 2**20 // 24))
        app = create_app(
            {
                "DATABASE_URL": database_url(db),
                "SECRET_KEY": "bench",
                "MAP_TILES": "none",
                "FIELD_RATE_PER_S": 1000,
                "FIELD_BURST": 1000,
            }
        )
        with app.app_context():
            from web.db import get_session

            session = get_session()
            community = session.get(Community, 1)
            assert community is not None
            team = frames.load_team_ids(session, community)[0]
            token, _ = create_link(session, community, team)
        server = create_server(app, host="127.0.0.1", port=0, threads=8)
        port = server.effective_port  # type: ignore[union-attr]
        threading.Thread(target=server.run, daemon=True).start()
        path = f"/t/{token}"
        rows = [("idle", _measure(port, path, args.seconds), "")]
        for label, files in (
            ("1,000,000-row XLSX", {"households": workbook}),
            ("17 MiB CSV + zip bomb", {"households": csv_file, "volunteers": BOMB}),
        ):
            with app.app_context():
                community = get_session().get(Community, 1)
                assert community is not None
                job = tasks.start(get_queue(), community, _staged(folder / "up", files))
            times = _measure(port, path, args.seconds)
            with app.app_context():
                while not (state := get_queue().state(job)) or not state.finished:
                    time.sleep(0.05)
                took = (state.updated_at - state.created_at).total_seconds()
                first = (state.result.get("problems") or [{}])[0].get("message", "")
            rows.append((label, times, f"job {took:.1f} s: {first[:60]}"))
        print(f"{'phase':24} {'requests':>8} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}  job")
        for label, times, note in rows:
            values = np.array(times)
            print(
                f"{label:24} {len(values):8d} {np.percentile(values, 50):7.1f} "
                f"{np.percentile(values, 95):7.1f} {values.max():7.1f}  {note}"
            )
        server.close()


if __name__ == "__main__":
    main()
