"""Team pages under load: 50 phones against gunicorn on 127.0.0.1 for 60 s (issue 7).

Run from the repository root: ``.venv/bin/python bench/web.py [--clients 50]
[--seconds 60] [--workers 3] [--solver sweep]``. Builds the demo database in a
temporary folder, makes one link per team (a client per team, as in the field), starts
gunicorn, and has every client loop: its page, its stop list, one visit record. Prints
p50/p95/p99 latency per route, errors, throughput, page weight and whether a raw token
reached gunicorn's access log. Needs gunicorn (bench extra).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from a checkout, installed or not

from web import store  # noqa: E402
from web.cli import main as cli  # noqa: E402
from web.field.routes import RouteOptions, ensure, stops_of  # noqa: E402
from web.field.tokens import create_link  # noqa: E402
from web.plans import latest_plan  # noqa: E402


def prepare(folder: Path, clients: int, solver: str) -> tuple[str, list[tuple[str, list[int]]]]:
    """The demo database and, per client, a team token and its stop ids."""
    db = folder / "bench.db"
    assert cli(["demo", "--db", str(db), "--time-limit", "1"]) == 0
    engine = store.open_engine(db)
    links = []
    with store.session_factory(engine)() as session:
        community = store.find_community(session, None)
        assert community is not None
        plan = latest_plan(session, community, published=True)
        assert plan is not None
        for team in store.load_team_ids(session, community)[:clients]:
            token, _ = create_link(session, community, team)
            ensure(session, community, plan, team, RouteOptions(solver, 2.0))
            links.append((token, [s.id for s in stops_of(session, plan.id, team)]))
    engine.dispose()
    return store.database_url(db), links


def free_port() -> int:
    """An unused TCP port on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start(url: str, port: int, workers: int, access_log: Path) -> subprocess.Popen[bytes]:
    """gunicorn (gthread) serving the app; returns once it answers."""
    env = os.environ | {
        "DATABASE_URL": url,
        "REDVEST_MAP_TILES": "none",
        "REDVEST_SECRET_KEY": "bench",
        "REDVEST_FIELD_ROUTE_SOLVER": "sweep",
        # one phone per team here; the per-client bucket is exercised by the tests
        "REDVEST_FIELD_RATE_PER_S": "1000",
        "REDVEST_FIELD_BURST": "1000",
    }
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "-w",
        str(workers),
        "-k",
        "gthread",
        "--threads",
        "4",
        "-b",
        f"127.0.0.1:{port}",
        "--access-logfile",
        str(access_log),
        "web:create_app()",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    for _ in range(200):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/login")
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def client(
    port: int,
    token: str,
    stops: list[int],
    until: float,
    think: float,
    out: list[tuple[str, float, int]],
) -> None:
    """One phone: page, stop list, a visit record, again and again until ``until``."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    n = 0
    while time.time() < until:
        key = f"bench-{token[:6]}-{n}"
        body = json.dumps(
            {
                "key": key,
                "stop_id": stops[n % len(stops)],
                "status": "visited",
                "tenure": "owned",
                "residents": "2",
                "since": "2015",
            }
        )
        for name, method, path, data in (
            ("page", "GET", f"/t/{token}", None),
            ("stops", "GET", f"/t/{token}/api/stops", None),
            ("visit", "POST", f"/t/{token}/api/visits", body),
        ):
            began = time.perf_counter()
            try:
                conn.request(method, path, body=data, headers={"Content-Type": "application/json"})
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = 0
            out.append((name, time.perf_counter() - began, status))
        n += 1
        time.sleep(think)  # a volunteer reads the list and knocks before the next record


def weight(port: int, token: str) -> dict[str, int]:
    """Bytes of the page, its map, its own JS/CSS, and the vendored Leaflet/jQuery."""
    paths = {
        "html": f"/t/{token}",
        "map": f"/t/{token}/map",
        "stops": f"/t/{token}/api/stops",
        "field.js": "/static/field.js",
        "field.css": "/static/field.css",
        "field-sw.js": "/t/sw.js",
        "vendor": "/static/vendor/leaflet-1.9.3/leaflet.js",
        "vendor_css": "/static/vendor/leaflet-1.9.3/leaflet.css",
        "jquery": "/static/vendor/jquery-3.7.1/jquery.min.js",
    }
    out = {}
    for name, path in paths.items():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", path)
        out[name] = len(conn.getresponse().read())
    return out


def main() -> None:
    """Run the benchmark and print a markdown report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--think", type=float, default=0.0, help="seconds between cycles")
    parser.add_argument("--solver", default="sweep", choices=("sweep", "visits"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url, links = prepare(folder, args.clients, args.solver)
        port, access_log = free_port(), folder / "access.log"
        server = start(url, port, args.workers, access_log)
        try:
            load_before = os.getloadavg()
            sizes = weight(port, links[0][0])
            results: list[tuple[str, float, int]] = []
            until = time.time() + args.seconds
            threads = [
                threading.Thread(target=client, args=(port, t, s, until, args.think, results))
                for t, s in links
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            load_after = os.getloadavg()
        finally:
            server.terminate()
            server.wait(timeout=30)
        log_text = access_log.read_text(encoding="utf-8")
        leaked = any(token in log_text for token, _ in links)
    report(args, results, sizes, load_before, load_after, leaked)


def report(
    args: argparse.Namespace,
    results: list[tuple[str, float, int]],
    sizes: dict[str, int],
    before: tuple[float, float, float],
    after: tuple[float, float, float],
    leaked: bool,
) -> None:
    """Print the table."""
    print(
        f"{args.clients} clients × {args.seconds:.0f} s, gunicorn gthread -w {args.workers} "
        f"--threads 4, think {args.think:g} s, {os.cpu_count()} CPUs, "
        f"load {before[0]:.2f} → {after[0]:.2f}"
    )
    print("\n| route | requests | p50 ms | p95 ms | p99 ms | errors |")
    print("|---|---:|---:|---:|---:|---:|")
    for name in ("page", "stops", "visit", "all"):
        rows = [r for r in results if name in (r[0], "all")] if name != "all" else results
        ms = np.array([r[1] for r in rows]) * 1000
        errors = sum(1 for r in rows if r[2] not in (200, 201))
        p50, p95, p99 = np.percentile(ms, [50, 95, 99])
        print(f"| {name} | {len(rows)} | {p50:.1f} | {p95:.1f} | {p99:.1f} | {errors} |")
    print(f"\nthroughput {len(results) / args.seconds:.0f} requests/s")
    own = sizes["html"] + sizes["map"] + sizes["field.js"] + sizes["field.css"]
    vendor = sizes["vendor"] + sizes["vendor_css"] + sizes["jquery"]
    print(
        f"page weight: own {own / 1024:.1f} KB (page {sizes['html']} B, map {sizes['map']} B, "
        f"field.js {sizes['field.js']} B, field.css {sizes['field.css']} B); stop list "
        f"{sizes['stops']} B; service worker {sizes['field-sw.js']} B; vendored "
        f"Leaflet+jQuery {vendor / 1024:.1f} KB (cached once); total "
        f"{(own + vendor) / 1024:.1f} KB"
    )
    print(f"raw token in gunicorn access log: {'YES' if leaked else 'no'}")


if __name__ == "__main__":
    main()
