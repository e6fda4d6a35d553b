"""Fuzz /api/v1 with schemathesis, logged in with CSRF, against the demo; count server errors.

Run from the repository root (needs the ``bench`` extras: ``pip install -e '.[bench]'``)::

    .venv/bin/python bench/api_fuzz.py [--max-examples 100] [--seed 1] [--checks all]

It builds the demo database in a temporary folder, serves the app on 127.0.0.1 from a
thread, logs in as the demo coordinator, then runs ``schemathesis run`` on
``/api/v1/openapi.json`` with the session cookie and the ``X-CSRFToken`` header, and
prints schemathesis's summary and the number of responses with a 5xx status. The exit
status is 1 when any request got a server error. Results: ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import logging
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from web import create_app  # noqa: E402
from web.cli import main as redvest  # noqa: E402
from web.db import sessions  # noqa: E402
from web.demo import DEMO_PASSWORD, DEMO_USER  # noqa: E402
from web.jobs.queue import ACTIVE  # noqa: E402
from web.storage.engine import database_url  # noqa: E402
from web.storage.models import JobRecord  # noqa: E402

CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


@contextmanager
def serving(db: Path, exports: Path) -> Iterator[tuple[str, Any]]:
    """The demo app on a free port of 127.0.0.1; yields its base URL and the app."""
    app = create_app(
        {
            "DATABASE_URL": database_url(db),
            "SECRET_KEY": "fuzz-secret",
            "MAP_TILES": "none",
            "PLAN_TIME_LIMIT_S": 1.0,
            "EXPORTS_DIR": str(exports),
            "FIELD_ROUTE_SOLVER": "sweep",
            "JOB_WORKERS": 1,
        }
    )
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", app
    finally:
        server.shutdown()
        thread.join(timeout=10)


def log_in(base: str) -> tuple[str, str]:
    """Log in as the demo coordinator: the session cookie's value and the CSRF token."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login").read().decode("utf-8")
    token = CSRF.search(page)
    assert token is not None, "no CSRF token on the log-in page"
    form = {"username": DEMO_USER, "password": DEMO_PASSWORD, "csrf_token": token.group(1)}
    opener.open(f"{base}/login", urllib.parse.urlencode(form).encode("ascii")).read()
    home = opener.open(f"{base}/").read().decode("utf-8")
    token = CSRF.search(home)
    cookie = next((c.value for c in jar if c.name == "session"), None)
    assert token is not None and cookie, "the log-in failed"
    return cookie, token.group(1)


def fuzz(base: str, cookie: str, csrf: str, args: argparse.Namespace, report: Path) -> int:
    """Run schemathesis; returns its exit status."""
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        f"{base}/api/v1/openapi.json",
        "--header", f"Cookie: session={cookie}",
        "--header", f"X-CSRFToken: {csrf}",
        "--checks", args.checks,
        # The session is a cookie the run cannot drop (it rides in a header): do not
        # generate or remove the security parameters themselves.
        "--generation-with-security-parameters", "false",
        "--generation-database", "none",  # nothing left in the working folder
        "--max-examples", str(args.max_examples),
        "--seed", str(args.seed),
        "--workers", "1",
        "--no-color",
        "--report", "ndjson",
        "--report-ndjson-path", str(report),
    ]  # fmt: skip
    print("$", " ".join(c if " " not in c else repr(c) for c in command), flush=True)
    # schemathesis keeps a cache of its findings in the working folder: the temporary one
    return subprocess.run(command, check=False, cwd=report.parent).returncode


def stop_jobs(app: Any) -> None:
    """Cancel the jobs the fuzzing started (a plan may run for minutes) and wait for them."""
    queue = app.extensions["redvest.jobs"]
    with sessions(app)() as session:
        active = session.scalars(select(JobRecord.id).where(JobRecord.status.in_(ACTIVE)))
        for job_id in list(active):
            queue.cancel(job_id)
    queue.shutdown()


def count_responses(report: Path) -> tuple[int, dict[int, int]]:
    """Requests made and responses by status code, from schemathesis's ndjson events."""
    statuses: dict[int, int] = {}
    total = 0
    for line in report.read_text(encoding="utf-8").splitlines():
        for status in re.findall(r'"status_code":\s*(\d{3})', line):
            statuses[int(status)] = statuses.get(int(status), 0) + 1
            total += 1
    return total, dict(sorted(statuses.items()))


def main() -> int:
    """Build the demo, serve it, fuzz the API; 1 when any response was a server error."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--checks", default="all")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="redvest-fuzz-"))
    try:
        db = folder / "demo.db"
        assert redvest(["demo", "--db", str(db), "--time-limit", "1"]) == 0
        with serving(db, folder / "exports") as (base, app):
            cookie, csrf = log_in(base)
            began = time.monotonic()
            code = fuzz(base, cookie, csrf, args, folder / "events.ndjson")
            took = time.monotonic() - began
            stop_jobs(app)
        total, statuses = count_responses(folder / "events.ndjson")
        errors = sum(n for status, n in statuses.items() if status >= 500)
        print(
            json.dumps(
                {"requests": total, "by_status": statuses, "server_errors": errors,
                 "schemathesis_exit": code, "seconds": round(took, 1)}
            )
        )  # fmt: skip
        return 1 if errors else 0
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
