"""Visits: plan each team's household visit sessions as a job, show and download them."""

from flask import Blueprint

bp = Blueprint("visits", __name__)

from web.visits import tasks, views  # noqa: E402,F401  (registers the job and the routes)
