"""redvest's Flask service: app factory, storage, pages."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, request
from flask_babel import get_locale
from werkzeug.wrappers import Response

from web import db, errors, headers, ids, jobs, links
from web.auth import throttle
from web.extensions import babel, csrf, login_manager
from web.storage.engine import database_url

TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def _secret_key(instance: Path) -> str:
    """The installation's session key, made once and kept in the instance folder."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32), encoding="ascii")
        path.chmod(0o600)
    return path.read_text(encoding="ascii").strip()


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the Flask app; nothing is created at import time.

    Parameters
    ----------
    config
        Overrides; ``DATABASE_URL`` defaults to the environment's ``DATABASE_URL``, else
        ``sqlite:///<instance>/redvest.db``.
        ``MAP_TILES`` is osm (default), tianditu (with ``TIANDITU_KEY``), amap or none.
        ``PROXY_FIX`` is the number of trusted reverse proxies in front (default 0).
    """
    app = Flask(__name__, instance_relative_config=True)
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(
        # PostgreSQL (or any SQLAlchemy URL) by the DATABASE_URL environment variable.
        DATABASE_URL=os.environ.get("DATABASE_URL") or database_url(instance / "redvest.db"),
        JSON_AS_ASCII=False,
        MAP_TILES="osm",
        TIANDITU_KEY="",
        PLAN_TIME_LIMIT_S=10.0,
        JOB_WORKERS=2,
        PROXY_FIX=0,
        BABEL_DEFAULT_LOCALE="zh",
        BABEL_TRANSLATION_DIRECTORIES=str(TRANSLATIONS),
        # Small by default; the import upload alone raises it (web.imports.views).
        MAX_CONTENT_LENGTH=1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
    )
    app.config.from_prefixed_env("REDVEST")
    if config:
        app.config.update(config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(instance)

    db.init_app(app)
    jobs.init_app(app, db.sessions(app))
    csrf.init_app(app)
    ids.init_app(app)
    links.init_app(app)
    throttle.init_app(app)
    _init_login(app)
    headers.init_app(app)

    from web.auth.views import select_locale

    babel.init_app(app, locale_selector=select_locale)
    _register_blueprints(app)
    errors.init_app(app)
    app.context_processor(lambda: {"locale": str(get_locale())})
    return app


def _init_login(app: Flask) -> None:
    from web.auth.users import session_user
    from web.db import get_session
    from web.storage.models import User

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = ""

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        return session_user(get_session(), user_id)

    @login_manager.unauthorized_handler
    def unauthorized() -> Response | tuple[Response, int]:
        from flask import redirect, url_for

        if errors.wants_json():
            return errors.error_json("log in first"), 401
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _register_blueprints(app: Flask) -> None:
    from web import api, auth, community, field, imports, patrols, teams, territory, visits

    for bp in (auth.bp, community.communities_bp, community.bp, imports.bp, teams.bp,
               territory.bp, patrols.bp, patrols.phone_bp, api.bp, field.bp, field.phone_bp,
               visits.bp):  # fmt: skip
        app.register_blueprint(bp)
