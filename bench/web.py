"""Team pages under load: 50 phones against gunicorn on 127.0.0.1 for 60 s (issue 7).

Run from the repository root: ``.venv/bin/python bench/web.py [--clients 50]
[--seconds 60] [--workers N] [--threads 8] [--client both|wrk|python]``. Builds the demo
database in a temporary folder (the demo stores every team's route when it publishes),
makes one link per team (a phone per team, as in the field), starts gunicorn, and has
every phone loop with no pause: its page, its stop list, one visit record (a new
idempotency key each time). Two load generators, one after the other against the same
server: wrk (C; overall percentiles) and Python threads in several processes (per-route
percentiles; the client shares the two cores, so its numbers include its own queueing).
Prints p50/p95/p99, errors, throughput, the server's CPU per request, page weight and
whether a raw token reached gunicorn's access log. Needs gunicorn (bench extra) and wrk
(``apt-get install wrk``) unless ``--client python``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from a checkout, installed or not

from web.cli import main as cli  # noqa: E402
from web.field.routes import stops_of  # noqa: E402
from web.field.tokens import create_link  # noqa: E402
from web.plans import latest_plan  # noqa: E402
from web.storage import frames  # noqa: E402
from web.storage.engine import database_url, open_engine, session_factory  # noqa: E402


def prepare(folder: Path, clients: int) -> tuple[str, list[tuple[str, list[int]]]]:
    """The demo database and, per client, a team token and its stop ids."""
    db = folder / "bench.db"
    assert cli(["demo", "--db", str(db), "--time-limit", "1"]) == 0
    engine = open_engine(db)
    links = []
    with session_factory(engine)() as session:
        community = frames.find_community(session, None)
        assert community is not None
        plan = latest_plan(session, community, published=True)
        assert plan is not None
        for team in frames.load_team_ids(session, community)[:clients]:
            token, _ = create_link(session, community, team)
            links.append((token, [s.id for s in stops_of(session, plan.id, team)]))
    engine.dispose()
    return database_url(db), links


def free_port() -> int:
    """An unused TCP port on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start(
    url: str, port: int, workers: int, threads: int, keep_alive: int, access_log: Path
) -> subprocess.Popen[bytes]:
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
        str(threads),
        "-b",
        f"127.0.0.1:{port}",
        "--keep-alive",
        str(keep_alive),
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


WRK_SCRIPT = """
-- Generated by bench/web.py: phones cycling page -> stop list -> visit record.
local links = {%(links)s}
local tid = 0
function setup(thread)
  thread:set("tid", tid)
  tid = tid + 1
end
function init(args)
  n = 0
end
function request()
  n = n + 1
  local cycle = math.floor((n - 1) / 3)
  local link = links[((cycle * %(threads)d + tid) %% #links) + 1]
  local step = (n - 1) %% 3
  if step == 0 then
    return wrk.format("GET", "/t/" .. link[1])
  elseif step == 1 then
    return wrk.format("GET", "/t/" .. link[1] .. "/api/stops")
  end
  local stops = link[2]
  local body = string.format(
    '{"key":"wrk-%%d-%%08d","stop_id":%%d,"status":"visited","tenure":"owned","residents":"2","since":"2015"}',
    tid, n, stops[(cycle %% #stops) + 1])
  return wrk.format("POST", "/t/" .. link[1] .. "/api/visits",
    {["Content-Type"] = "application/json"}, body)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK %%d %%d %%d %%d %%d %%d %%d %%.3f %%.3f %%.3f %%.3f\\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.mean / 1000))
end
"""


def run_wrk(
    port: int, links: list[tuple[str, list[int]]], clients: int, seconds: float, folder: Path
) -> dict[str, float]:
    """wrk (C, two threads) with ``clients`` connections; its percentiles and errors."""
    threads = 2
    table = ", ".join("{" + json.dumps(t) + ", {" + ",".join(map(str, s)) + "}}" for t, s in links)
    script = folder / "phones.lua"
    script.write_text(WRK_SCRIPT % {"links": table, "threads": threads}, encoding="utf-8")
    command = ["wrk", "-t", str(threads), "-c", str(clients), "-d", f"{seconds:.0f}s"]
    command += ["--timeout", "10s", "-s", str(script), f"http://127.0.0.1:{port}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("WRK "))
    values = [float(v) for v in line.split()[1:]]
    names = [
        "requests",
        "duration_us",
        "connect",
        "read",
        "write",
        "status",
        "timeout",
        "p50",
        "p95",
        "p99",
        "mean",
    ]
    return dict(zip(names, values, strict=True))


def run_python(
    port: int, links: list[tuple[str, list[int]]], seconds: float, think: float, processes: int
) -> list[tuple[str, float, int]]:
    """One Python thread per phone (``client``), spread over ``processes`` processes so
    that one interpreter lock does not queue 50 phones; every request's route, time,
    status."""
    until = time.time() + seconds
    shares = [links[k::processes] for k in range(processes)]
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        parts = pool.starmap(_phones, [(port, share, until, think) for share in shares if share])
    return [row for part in parts for row in part]


def _phones(
    port: int, links: list[tuple[str, list[int]]], until: float, think: float
) -> list[tuple[str, float, int]]:
    results: list[tuple[str, float, int]] = []
    threads = [
        threading.Thread(target=client, args=(port, t, s, until, think, results)) for t, s in links
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def server_cpu_s(server: subprocess.Popen[bytes]) -> float:
    """CPU seconds (user + system) used so far by gunicorn's workers."""
    ticks = os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    total = 0
    for pid in children:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def main() -> None:
    """Run the benchmark and print a markdown report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    # One worker process per core, threads to overlap SQLite and socket waits: on 2
    # cores -w 2 --threads 8 beat -w 3/-w 4 (fewer processes contending for the cores).
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker")
    parser.add_argument("--keep-alive", type=int, default=2, help="gunicorn --keep-alive (s)")
    parser.add_argument("--think", type=float, default=0.0, help="python client: pause per cycle")
    parser.add_argument("--processes", type=int, default=5, help="python client: processes")
    parser.add_argument(
        "--client",
        default="both",
        choices=("python", "wrk", "both"),
        help="load generator: Python threads (per-route numbers), wrk, or one after the other",
    )
    args = parser.parse_args()
    if args.client != "python" and shutil.which("wrk") is None:
        sys.exit("wrk not found: apt-get install wrk, or run with --client python")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url, links = prepare(folder, args.clients)
        port, access_log = free_port(), folder / "access.log"
        server = start(url, port, args.workers, args.threads, args.keep_alive, access_log)
        runs: list[tuple[str, Any, float, tuple[float, float]]] = []
        try:
            sizes = weight(port, links[0][0])
            for kind in ("wrk", "python") if args.client == "both" else (args.client,):
                before, cpu = os.getloadavg()[0], server_cpu_s(server)
                if kind == "wrk":
                    result: Any = run_wrk(port, links, args.clients, args.seconds, folder)
                else:
                    result = run_python(port, links, args.seconds, args.think, args.processes)
                runs.append(
                    (kind, result, server_cpu_s(server) - cpu, (before, os.getloadavg()[0]))
                )
        finally:
            server.terminate()
            server.wait(timeout=30)
        log_text = access_log.read_text(encoding="utf-8")
        leaked = any(token in log_text for token, _ in links)
    print(
        f"{args.clients} clients × {args.seconds:.0f} s, gunicorn gthread -w {args.workers} "
        f"--threads {args.threads} --keep-alive {args.keep_alive}, {os.cpu_count()} CPUs"
    )
    for kind, result, cpu, load in runs:
        if kind == "wrk":
            report_wrk(args, result, cpu, load)
        else:
            report_python(args, result, cpu, load)
    report_weight(sizes)
    print(f"raw token in gunicorn access log: {'YES' if leaked else 'no'}")


def report_wrk(
    args: argparse.Namespace, r: dict[str, float], cpu: float, load: tuple[float, float]
) -> None:
    """The wrk run's table."""
    errors = int(sum(r[k] for k in ("connect", "read", "write", "status", "timeout")))
    seconds = r["duration_us"] / 1e6
    print(f"\nwrk -t 2 -c {args.clients} (load {load[0]:.2f} → {load[1]:.2f}):\n")
    print(
        "| route | requests | p50 ms | p95 ms | p99 ms | errors | requests/s "
        "| server CPU ms/request |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| page+stops+visit | {r['requests']:.0f} | {r['p50']:.1f} | {r['p95']:.1f} | "
        f"{r['p99']:.1f} | {errors} | {r['requests'] / seconds:.0f} | "
        f"{1000 * cpu / max(r['requests'], 1):.2f} |"
    )


def report_python(
    args: argparse.Namespace,
    results: list[tuple[str, float, int]],
    cpu: float,
    load: tuple[float, float],
) -> None:
    """The Python client's table, per route."""
    print(
        f"\nPython client, one thread per phone in {args.processes} processes, "
        f"think {args.think:g} s "
        f"(load {load[0]:.2f} → {load[1]:.2f}):\n"
    )
    print("| route | requests | p50 ms | p95 ms | p99 ms | errors |")
    print("|---|---:|---:|---:|---:|---:|")
    for name in ("page", "stops", "visit", "all"):
        rows = [r for r in results if name in (r[0], "all")] if name != "all" else results
        ms = np.array([r[1] for r in rows]) * 1000
        errors = sum(1 for r in rows if r[2] not in (200, 201))
        p50, p95, p99 = np.percentile(ms, [50, 95, 99])
        print(f"| {name} | {len(rows)} | {p50:.1f} | {p95:.1f} | {p99:.1f} | {errors} |")
    print(
        f"\nthroughput {len(results) / args.seconds:.0f} requests/s, server CPU "
        f"{1000 * cpu / max(len(results), 1):.2f} ms/request"
    )


def report_weight(sizes: dict[str, int]) -> None:
    """Bytes a phone downloads."""
    own = sizes["html"] + sizes["map"] + sizes["field.js"] + sizes["field.css"]
    vendor = sizes["vendor"] + sizes["vendor_css"] + sizes["jquery"]
    print(
        f"\npage weight: own {own / 1024:.1f} KB (page {sizes['html']} B, map {sizes['map']} B, "
        f"field.js {sizes['field.js']} B, field.css {sizes['field.css']} B); stop list "
        f"{sizes['stops']} B; service worker {sizes['field-sw.js']} B; vendored "
        f"Leaflet+jQuery {vendor / 1024:.1f} KB (cached once); total "
        f"{(own + vendor) / 1024:.1f} KB"
    )


if __name__ == "__main__":
    main()
