"""Team phone pages (issue 7): links by token or QR code, route map, visit records."""

from flask import Blueprint

from web.scope import community_blueprint

# The coordinator's side: team links, privacy switches, the records as they arrive.
# No home: a refused link or sheet answers its code (the page shows a token once).
bp = community_blueprint("field", __name__, "/field", home=None)
# What a team's phone opens by its link: the token in the URL is the credential.
phone_bp = Blueprint("team_phone", __name__, url_prefix="/t")

from web.field import coordinator, sheets, views  # noqa: E402,F401  (registers the routes)
