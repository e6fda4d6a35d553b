"""One error handler: domain exceptions and HTTP errors become status codes, the same JSON
shape in the API, an error page or a flash message on the pages.

- ``InputError`` (FILE:ROW:FIELD problems): 422; API ``{"error", "problems", "omitted"}``,
  page: the problems table;
- ``ValueError`` 400 and ``ConflictError`` 409: API ``{"error"}``; a refused form returns to
  its page with the message flashed (``web.scope`` names each blueprint's page), else the
  error page;
- ``NotFoundError`` 404, ``ForbiddenError`` 403, ``JobLimitError`` 429: API ``{"error"}``,
  page: the error page.

Views and operations raise; no view catches these one by one.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, flash, jsonify, redirect, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.wrappers import Response

from routing.errors import ConflictError, ForbiddenError, InputError, NotFoundError
from web.jobs import JobLimitError
from web.scope import home_url

Answer = Response | tuple[Response | str, int] | tuple[Response | str, int, dict[str, str]]

# Most specific first: InputError is a ValueError, NotFoundError a LookupError.
CODES: tuple[tuple[type[Exception], int], ...] = (
    (InputError, 422),
    (NotFoundError, 404),
    (ForbiddenError, 403),
    (ConflictError, 409),
    (JobLimitError, 429),
    (ValueError, 400),
)
# Refusals of what a form sent: the form comes back with the message on top.
_BACK_TO_FORM = frozenset({400, 409})


def status_of(error: Exception) -> int:
    """The HTTP status of a domain exception (``CODES``)."""
    return next(code for kind, code in CODES if isinstance(error, kind))


def wants_json() -> bool:
    """Whether this request is the API's or a phone's JSON call (``/t/<token>/api/…``)
    rather than a page's."""
    if request.path.startswith("/api/"):
        return True
    return request.blueprint == "team_phone" and "/api/" in request.path


def error_json(message: str, **extra: Any) -> Response:
    """The API's one error shape: ``{"error": message, ...}``."""
    return jsonify({"error": message} | extra)


def init_app(app: Flask) -> None:
    """Register the handlers on ``app``."""
    app.register_error_handler(CSRFError, _csrf_refused)
    app.register_error_handler(HTTPException, _http_error)
    for kind, _code in CODES:
        app.register_error_handler(kind, _domain_error)


def _domain_error(error: Exception) -> Answer:
    code = status_of(error)
    if isinstance(error, InputError):
        problems = [asdict(p) for p in error.problems]
        if wants_json():
            return error_json(str(error), problems=problems, omitted=error.omitted), code
        page = render_template(
            "error.html",
            code=code,
            message=str(error),
            problems=error.problems,
            omitted=error.omitted,
        )
        return page, code
    if wants_json():
        return error_json(str(error)), code
    back = _back() if code in _BACK_TO_FORM and request.method == "POST" else None
    if back is not None:
        flash(str(error), "error")
        return redirect(back)
    return render_template("error.html", code=code, message=str(error)), code


def _back() -> str | None:
    """Where a refused form returns: the page it came from (this site only), else the
    community blueprint's home page."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path and referrer.path != request.path:
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return home_url()


def _csrf_refused(error: CSRFError) -> Answer:
    if wants_json():
        if not current_user.is_authenticated:  # no session, so no CSRF token either
            return error_json("log in first"), 401
        return error_json(f"CSRF check failed: {error.description}"), 400
    return render_template("error.html", code=400, message=error.description), 400


def _http_error(error: HTTPException) -> Answer:
    code = error.code or 500
    if code < 400:  # routing redirects are exceptions too
        return error.get_response()
    if wants_json():
        answer: Response | str = error_json(str(error.description))
    else:
        answer = render_template("error.html", code=code, message=error.description)
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        # RFC 9110: a 405 names the methods the resource has
        allow = ", ".join(sorted(error.valid_methods))
        return answer, code, {"Allow": allow}
    return answer, code
