"""Rate limits (Flask-Limiter): failed log-ins per account and per address, public pages.

Counters live in memory by default (one process); ``RATELIMIT_STORAGE_URI`` (environment
``REDVEST_RATELIMIT_STORAGE_URI``, e.g. ``redis://127.0.0.1:6379``) shares them between
the workers of a deployment.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import Flask, current_app, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from werkzeug.wrappers import Response

from web.extensions import limiter

View = TypeVar("View", bound=Callable[..., Any])

DEFAULTS = {
    # Explicit per app: the limiter is one object, and would keep another app's choice.
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_STRATEGY": "moving-window",
    "RATELIMIT_HEADERS_ENABLED": True,
    # Failed log-ins: after this many the account (or address) waits, right password or not.
    "LOGIN_LIMIT_PER_ACCOUNT": "10 per 15 minutes",
    "LOGIN_LIMIT_PER_ADDRESS": "30 per 15 minutes",
    # Anonymous pages (a patrol sheet's QR code page and its map), per address.
    "PUBLIC_PAGE_LIMIT": "120 per minute",
}


def init_app(app: Flask) -> None:
    """Bind the limiter to ``app`` with redvest's defaults (kept where configured)."""
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    # Behind reverse proxies the client's address comes from ProxyFix (``PROXY_FIX``,
    # web.headers): without it every client of a proxy would share one address's limits.
    limiter.init_app(app)


def _setting(name: str) -> Callable[[], str]:
    return lambda: str(current_app.config[name])


def _account() -> str:
    # Names are compared as typed, but "Admin" and "admin " must share one counter.
    return "account:" + (request.form.get("username") or "").strip().casefold()[:80]


def _address() -> str:
    return "address:" + (get_remote_address() or "unknown")


def _failed(response: Response) -> bool:
    return response.status_code == 401


def _too_many() -> str:
    return _("登录失败次数过多，请稍后再试")


def login_limits(view: View) -> View:
    """Refuse ``view``'s POSTs (429) once an account or an address has failed to log in
    too often; only failures (401) count, so a right password never uses one up."""
    for key, setting in (
        (_account, "LOGIN_LIMIT_PER_ACCOUNT"),
        (_address, "LOGIN_LIMIT_PER_ADDRESS"),
    ):
        limit = limiter.limit(
            _setting(setting),
            key_func=key,
            methods=["POST"],
            deduct_when=_failed,
            error_message=_too_many,
        )
        view = cast(View, limit(view))
    return view


def public_page_limit() -> str:
    """The limit of anonymous pages per address (``PUBLIC_PAGE_LIMIT``)."""
    return str(current_app.config["PUBLIC_PAGE_LIMIT"])
