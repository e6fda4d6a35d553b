"""Routes of the import page: upload, check and store in a background job, show the result."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from routing.errors import InputError
from web.db import get_session
from web.imports import bp, tasks
from web.imports.operations import KINDS
from web.imports.uploads import IMPORT_MAX_CONTENT_LENGTH, stage
from web.jobs import get_queue
from web.jobs.queue import latest_job
from web.scope import community, editor


@bp.url_value_preprocessor
def _body_limit(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Only the upload may send a large body; this runs before the CSRF check reads it."""
    if endpoint == "imports.upload":
        request.max_content_length = current_app.config.get(
            "IMPORT_MAX_CONTENT_LENGTH", IMPORT_MAX_CONTENT_LENGTH
        )


@bp.errorhandler(InputError)
def _refused(error: InputError) -> tuple[str, int]:
    """Refused uploads come back as the form with its table of problems (422)."""
    page = render_template(
        "imports/form.html", community=community(), kinds=KINDS, job=None, problems=error.problems
    )
    return page, 422


def uploads_root() -> Path:
    """The private folder (under the instance folder) where uploads wait for their job."""
    return Path(current_app.instance_path) / "imports"


@bp.get("")
@editor
def form() -> str:
    """The upload form, and the newest import job: progress, then result or problems."""
    job = latest_job(get_session(), community().id, tasks.KIND)
    return render_template(
        "imports/form.html", community=community(), kinds=KINDS, job=job, problems=[]
    )


@bp.post("")
@editor
def upload() -> Response:
    """Save the files and start the import job; files over their size limit are refused."""
    staged = stage(request.files, uploads_root())
    tasks.start(get_queue(), community(), staged)
    flash(_("文件已上传，正在检查和导入"), "info")
    return redirect(url_for(".form"))
