"""Bring a database to the newest schema revision with Alembic (migrations/ at the top level)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from web.storage.models import Base

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def alembic_config() -> Config:
    """The Alembic configuration of redvest's migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str | None:
    """The newest revision of the migrations folder."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def upgrade(engine: Engine) -> None:
    """Migrate ``engine``'s database to the head revision (a no-op when it is there).

    A database made before migrations existed (tables but no revision) gets its missing
    tables and is stamped at head, since its tables match the models of that time.
    """
    config = alembic_config()
    head = head_revision()
    with engine.begin() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
        if current == head:
            return
        config.attributes["connection"] = connection
        if current is None and inspect(connection).has_table("community"):
            Base.metadata.create_all(connection)
            command.stamp(config, "head")
            return
        command.upgrade(config, "head")
