"""The JSON API under /api/v1 (the pages use it for jobs), described by an OpenAPI document."""

from flask import Blueprint

from web.scope import community_blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# One community's resources, /api/v1/communities/<id>/…: loaded and checked once per request.
community_bp = community_blueprint("community", __name__, home=None)

from web.api import views  # noqa: E402,F401  (registers the routes)

bp.register_blueprint(community_bp)
