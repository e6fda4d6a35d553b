"""Teams: keep the roster's teams, form teams of three automatically, move members."""

from web.scope import community_blueprint

bp = community_blueprint("teams", __name__)

from web.teams import views  # noqa: E402,F401  (registers the routes)
