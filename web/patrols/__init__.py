"""Patrols: plan routes and the rota as a job, then download the rota and route PDFs."""

from flask import Blueprint

bp = Blueprint("patrols", __name__)

from web.patrols import phone, tasks, views  # noqa: E402,F401  (the job and the routes)
