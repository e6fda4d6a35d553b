"""Import pages: upload buildings, paths, households, volunteers; all or nothing."""

from web.scope import community_blueprint

bp = community_blueprint("imports", __name__, "/import", home="form")

from web.imports import tasks, views  # noqa: E402,F401  (registers the job and the routes)
