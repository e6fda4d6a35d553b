"""Routes of the import page: upload, check everything, store all or nothing."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from routing.errors import InputError
from web.auth.access import community_for
from web.db import get_session
from web.importer import run_import
from web.imports import bp
from web.imports.uploads import KINDS, saved


@bp.before_request
@login_required
def _logged_in() -> None:
    """Every import page needs a logged-in user."""


@bp.get("/communities/<int:community_id>/import")
def form(community_id: int) -> str:
    """The upload form."""
    community = community_for(community_id, edit=True)
    return render_template("imports/form.html", community=community, kinds=KINDS, problems=[])


@bp.post("/communities/<int:community_id>/import")
def upload(community_id: int) -> Response | tuple[str, int]:
    """Check every uploaded file; store everything, or nothing and show every problem."""
    community = community_for(community_id, edit=True)
    session = get_session()
    try:
        with saved(request.files) as import_request:
            counts = run_import(session, community.name, import_request)
    except InputError as error:
        page = render_template(
            "imports/form.html", community=community, kinds=KINDS, problems=error.problems
        )
        return page, 422
    except ValueError as error:
        flash(str(error), "error")
        return redirect(url_for(".form", community_id=community.id))
    summary = ", ".join(f"{k} {v}" for k, v in counts.items())
    flash(_("导入成功：%(summary)s", summary=summary), "info")
    return redirect(url_for("community.show", community_id=community.id))
