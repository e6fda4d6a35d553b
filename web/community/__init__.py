"""Community pages: the list of communities, and what a community holds (buildings,
households, volunteers, teams)."""

from flask import Blueprint

from web.scope import community_blueprint

# The communities the user may open, and a new one (admins): no community in the URL.
communities_bp = Blueprint("communities", __name__)
# One community: /communities/<id>, its map and its buildings.
bp = community_blueprint("community", __name__)

from web.community import views  # noqa: E402,F401  (registers the routes)
