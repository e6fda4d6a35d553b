"""Team phone pages (issue 7): links by token or QR code, route map, visit records."""

from flask import Blueprint

bp = Blueprint("field", __name__)

from web.field import coordinator, sheets, views  # noqa: E402,F401  (registers the routes)
