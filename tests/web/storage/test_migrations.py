"""Alembic: an empty database upgraded to head has exactly the models' schema."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from web.storage.engine import open_engine
from web.storage.migrate import head_revision, upgrade
from web.storage.models import Base


def test_upgrade_from_empty_matches_the_models(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'm.db'}")
    upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert context.get_current_revision() == head_revision()
        assert compare_metadata(context, Base.metadata) == []
    tables = set(inspect(engine).get_table_names())
    assert tables == set(Base.metadata.tables) | {"alembic_version"}


def test_open_engine_is_idempotent_and_adopts_a_database_without_revision(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    legacy = create_engine(f"sqlite:///{path}")
    # a database of the first storage release: some tables, no alembic_version
    Base.metadata.tables["community"].create(legacy)
    legacy.dispose()
    engine = open_engine(path)
    open_engine(path)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection)
        assert context.get_current_revision() == head_revision()
        assert compare_metadata(context, Base.metadata) == []
    with sqlite3.connect(path) as conn:
        assert conn.execute("select count(*) from alembic_version").fetchone() == (1,)
