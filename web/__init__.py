"""redvest's Flask service: app factory, storage, pages."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from web import db
from web.store import database_url


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the Flask app; nothing is created at import time.

    Parameters
    ----------
    config
        Overrides; ``DATABASE_URL`` defaults to ``sqlite:///<instance>/redvest.db``.
    """
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(
        DATABASE_URL=database_url(Path(app.instance_path) / "redvest.db"),
        JSON_AS_ASCII=False,
    )
    app.config.from_prefixed_env("REDVEST")
    if config:
        app.config.update(config)

    db.init_app(app)

    from web.community import bp as community_bp

    app.register_blueprint(community_bp)
    return app
