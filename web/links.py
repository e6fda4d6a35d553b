"""Absolute links the service hands out (team links, QR codes): never from an untrusted Host.

A link printed on a route sheet or sent to a team must point at this service, whatever
``Host`` header the request that made it carried. The base is ``PUBLIC_URL`` (environment
``REDVEST_PUBLIC_URL``, e.g. ``https://redvest.example.org``, with the mount prefix if
any); without it, the request's host is used only when Flask checked it against
``TRUSTED_HOSTS`` (``REDVEST_TRUSTED_HOSTS='["redvest.example.org"]'``) or when it is
this machine (localhost, as ``redvest serve`` and the tests run).
"""

from __future__ import annotations

from typing import Any, Final

from flask import Flask, abort, current_app, request, url_for
from werkzeug.exceptions import SecurityError
from werkzeug.wrappers import Response

LOOPBACK: Final = frozenset({"localhost", "127.0.0.1", "::1"})


def _hostname(host: str) -> str:
    if host.startswith("["):  # [::1]:5000
        return host[1 : host.find("]")]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def init_app(app: Flask) -> None:
    """Answer a request to a host outside ``TRUSTED_HOSTS`` with a plain 400 (no page:
    no URL can be built for a host the app refused)."""

    @app.errorhandler(SecurityError)
    def untrusted_host(error: SecurityError) -> tuple[Response, int]:
        return Response(f"{error.description}\n", mimetype="text/plain"), 400


def public_base() -> str:
    """The service's public base URL, without a trailing slash.

    Aborts 409 when neither ``PUBLIC_URL`` nor ``TRUSTED_HOSTS`` is set and the request
    came to a host other than this machine: a link made from that header could point
    anywhere.
    """
    configured = str(current_app.config.get("PUBLIC_URL") or "")
    if configured:
        return configured.rstrip("/")
    trusted = current_app.config.get("TRUSTED_HOSTS") is not None
    if not trusted and _hostname(request.host).lower() not in LOOPBACK:
        abort(
            409,
            "links for teams need the service's public address: set REDVEST_PUBLIC_URL"
            " (or REDVEST_TRUSTED_HOSTS) and restart",
        )
    return request.url_root.rstrip("/")


def external_url(endpoint: str, **values: Any) -> str:
    """``url_for(endpoint, **values)`` as an absolute URL on ``public_base()``."""
    path = url_for(endpoint, **values)
    # url_for includes the mount prefix; PUBLIC_URL (and url_root) include it already.
    return public_base() + path.removeprefix(request.script_root)
