"""Flask integration of the storage layer: one session per request."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy.orm import Session, sessionmaker

from web.storage.engine import open_engine, session_factory

_KEY = "redvest.sessions"


def init_app(app: Flask) -> None:
    """Open the engine for ``app`` and close each request's session at teardown."""
    engine = open_engine(app.config["DATABASE_URL"])
    app.extensions[_KEY] = session_factory(engine)
    app.teardown_appcontext(_close_session)


def sessions(app: Flask) -> sessionmaker[Session]:
    """The app's session factory (for work outside a request, such as jobs)."""
    factory: sessionmaker[Session] = app.extensions[_KEY]
    return factory


def get_session() -> Session:
    """The current request's session."""
    if "db_session" not in g:
        g.db_session = current_app.extensions[_KEY]()
    session: Session = g.db_session
    return session


def _close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
