"""Patrols: plan routes and the rota as a job, then download the rota and route PDFs."""

from flask import Blueprint

from web.scope import community_blueprint

bp = community_blueprint("patrols", __name__, "/patrols")
# The pages a route sheet's QR code opens: no log-in, no community in the URL.
phone_bp = Blueprint("patrol_phone", __name__, url_prefix="/r")

from web.patrols import phone, tasks, views  # noqa: E402,F401  (the job and the routes)
