"""Import pages: upload buildings, paths, households, volunteers; all or nothing."""

from flask import Blueprint

bp = Blueprint("imports", __name__)

from web.imports import tasks, views  # noqa: E402,F401  (registers the job and the routes)
