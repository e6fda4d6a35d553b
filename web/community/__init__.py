"""Community pages: what a community holds (buildings, households, volunteers, teams)."""

from flask import Blueprint

bp = Blueprint("community", __name__)

from web.community import views  # noqa: E402,F401  (registers the routes)
