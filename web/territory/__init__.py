"""Territory plans: generate as a job, view on a map, move bands, re-balance, publish."""

from web.scope import community_blueprint

bp = community_blueprint("territory", __name__, home="index")

from web.territory import tasks, views  # noqa: E402,F401  (registers the job and the routes)
