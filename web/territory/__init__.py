"""Territory plans: generate as a job, view on a map, move bands, re-balance, publish."""

from flask import Blueprint

bp = Blueprint("territory", __name__)

from web.territory import tasks, views  # noqa: E402,F401  (registers the job and the routes)
