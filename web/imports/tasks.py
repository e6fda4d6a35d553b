"""The import job: check and store the staged uploads (or fail with every problem), remove them."""

from __future__ import annotations

import logging
import shutil
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from routing.errors import InputError, Problem
from routing.progress import Progress
from web.imports.operations import ImportRequest, run_import
from web.imports.uploads import Staged
from web.jobs import JobCancelledError, JobQueue, register
from web.storage.models import Community

KIND = "import"
log = logging.getLogger(__name__)


@register(KIND)
def import_task(
    session: Session, community: Community, params: dict[str, Any], progress: Progress
) -> dict[str, Any]:
    """Import the staged files; the result holds counts and notes.

    Refused files raise ``InputError``: the job fails and keeps every problem as a
    record (file, row, field, message), so that the page and the API show the table.
    """
    folder = Path(params["folder"])
    try:
        request = ImportRequest(
            **{kind: folder / name for kind, name in params["files"].items()},
            names=tuple(params["names"].items()),
        )
        result = run_import(session, community.name, request, progress)
    except InputError as error:
        raise _hidden(error, folder) from None
    except JobCancelledError:
        raise
    except Exception:  # never the server's paths or internals on the page
        log.exception("import job into community %s failed", community.id)
        message = "the import failed unexpectedly; nothing was stored"
        raise InputError([Problem("", None, None, message)]) from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "stored": True,
        "counts": result.counts,
        "notes": [asdict(note) for note in result.notes],
    }


def _hidden(error: InputError, folder: Path) -> InputError:
    """The same problems with the staging folder's path cut out of their messages."""
    # The readers name files as uploaded; a library's message might still carry a path.
    hidden = str(folder.resolve())
    problems = [replace(p, message=p.message.replace(hidden, "…")) for p in error.problems]
    return InputError(problems, error.omitted)


def start(queue: JobQueue, community: Community, staged: Staged) -> int:
    """Submit the import of ``staged``; returns the job id. The job removes the folder."""
    try:
        return queue.submit(community.id, KIND, staged.params())
    except BaseException:
        shutil.rmtree(staged.folder, ignore_errors=True)
        raise
