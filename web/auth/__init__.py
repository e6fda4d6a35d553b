"""Accounts: log-in, log-out, language choice; roles per community."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from web.auth import views  # noqa: E402,F401  (registers the routes)
