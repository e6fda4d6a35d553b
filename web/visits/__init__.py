"""Visits: plan each team's household visit sessions as a job, show and download them."""

from web.scope import community_blueprint

bp = community_blueprint("visits", __name__, "/visits")

from web.visits import tasks, views  # noqa: E402,F401  (registers the job and the routes)
