"""SQLAlchemy 2 models: one community's map, register, roster and walking network."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def _now() -> datetime:
    return datetime.now(UTC)


def new_session_nonce() -> str:
    """A fresh session nonce of a user (32 hex characters)."""
    return secrets.token_hex(16)


class Base(DeclarativeBase):
    """Declarative base of every redvest table."""


class Community(Base):
    """A neighbourhood committee's area (社区): the scope of all other rows."""

    __tablename__ = "community"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)

    buildings: Mapped[list[Building]] = relationship(
        back_populates="community", cascade="all, delete-orphan", order_by="Building.id"
    )


class Building(Base):
    """A building footprint with the vertical facts the cost model needs."""

    __tablename__ = "building"
    __table_args__ = (UniqueConstraint("community_id", "building_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    building_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200), default="")
    building_type: Mapped[str] = mapped_column(String(64), default="yes")
    levels: Mapped[int] = mapped_column(Integer)
    levels_source: Mapped[str] = mapped_column(String(16))
    units_per_floor: Mapped[int] = mapped_column(Integer)
    has_lift: Mapped[bool] = mapped_column(Boolean)
    basement_levels: Mapped[int] = mapped_column(Integer, default=0)
    entrance_lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    entrance_lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    footprint_wkb: Mapped[bytes] = mapped_column(LargeBinary)

    community: Mapped[Community] = relationship(back_populates="buildings")


class Household(Base):
    """One household of the register (personal data: phone, tags, requests)."""

    __tablename__ = "household"
    __table_args__ = (UniqueConstraint("community_id", "household_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    household_id: Mapped[str] = mapped_column(String(64))
    building_id: Mapped[str] = mapped_column(String(64))
    floor: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(32))
    residents: Mapped[int | None] = mapped_column(Integer, nullable=True)
    rented: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    since: Mapped[str] = mapped_column(String(10), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    tags: Mapped[str] = mapped_column(String(200), default="")
    requests: Mapped[str] = mapped_column(Text, default="")
    availability: Mapped[str] = mapped_column(String(200), default="")
    basement: Mapped[bool] = mapped_column(Boolean, default=False)


class Team(Base):
    """A volunteer team (usually three people in red vests)."""

    __tablename__ = "team"
    __table_args__ = (UniqueConstraint("community_id", "team_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    team_id: Mapped[str] = mapped_column(String(64))


class Volunteer(Base):
    """A volunteer of the roster (personal data: name, phone)."""

    __tablename__ = "volunteer"
    __table_args__ = (UniqueConstraint("community_id", "volunteer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    volunteer_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(40), default="")
    home_building: Mapped[str] = mapped_column(String(64), default="")
    skills: Mapped[str] = mapped_column(String(200), default="")
    team_id: Mapped[str] = mapped_column(String(64), default="")


class WalkEdge(Base):
    """One edge of the community's pedestrian graph (undirected)."""

    __tablename__ = "walk_edge"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    u: Mapped[str] = mapped_column(String(40))
    v: Mapped[str] = mapped_column(String(40))
    length_m: Mapped[float] = mapped_column(Float)
    highway: Mapped[str] = mapped_column(String(40), default="")
    geometry_wkb: Mapped[bytes] = mapped_column(LargeBinary)


class BuildingMatrixRecord(Base):
    """The community's building-to-building walking matrix, kept until its inputs change.

    ``key`` is the digest of what it was computed from (buildings, walking network,
    speed and detour factor); a matrix whose key no longer matches is recomputed.
    """

    __tablename__ = "building_matrix"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), unique=True)
    key: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    building_ids: Mapped[str] = mapped_column(Text)  # JSON list, the matrix's row order
    # float64 arrays, row-major and zlib-compressed; loaded only when the key matches.
    distance_m: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    time_s: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class ImportRecord(Base):
    """What one successful import stored, for the audit trail (no personal data)."""

    __tablename__ = "import_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    files: Mapped[str] = mapped_column(Text)
    counts: Mapped[str] = mapped_column(Text)


class TerritoryPlanRecord(Base):
    """A stored territory plan (包干到户): draft until published; plans keep their history."""

    __tablename__ = "territory_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("territory_plan.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    options: Mapped[str] = mapped_column(Text)  # JSON: tolerance, time limit, seed
    metrics: Mapped[str] = mapped_column(Text)  # JSON of PlanMetrics
    explanations: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of str
    summary: Mapped[str] = mapped_column(Text, default="")

    assignments: Mapped[list[PlanAssignment]] = relationship(
        back_populates="plan", cascade="all, delete-orphan"
    )


class PlanAssignment(Base):
    """One household's team in a plan."""

    __tablename__ = "plan_assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("territory_plan.id"), index=True)
    household_id: Mapped[str] = mapped_column(String(64))
    team_id: Mapped[str] = mapped_column(String(64))
    building_id: Mapped[str] = mapped_column(String(64))
    floor: Mapped[int] = mapped_column(Integer)
    workload_s: Mapped[float] = mapped_column(Float)

    plan: Mapped[TerritoryPlanRecord] = relationship(back_populates="assignments")


class PinRecord(Base):
    """A floor band the coordinator fixed to a team; every later plan respects it."""

    __tablename__ = "pin"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    building_id: Mapped[str] = mapped_column(String(64))
    first_floor: Mapped[int] = mapped_column(Integer)
    last_floor: Mapped[int] = mapped_column(Integer)
    team_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class User(UserMixin, Base):
    """A person who logs in: an admin, or a coordinator/viewer of some communities."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    # Part of every session cookie's user id: a new nonce (at log-out, at a password
    # change) makes the server refuse all cookies made before it.
    session_nonce: Mapped[str] = mapped_column(String(32), default=new_session_nonce)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    def get_id(self) -> str:
        """The id Flask-Login keeps in the session cookie: ``<id>:<nonce>``."""
        return f"{self.id}:{self.session_nonce}"


class Membership(Base):
    """A user's role in one community: ``coordinator`` (edits) or ``viewer`` (reads)."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "community_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))

    user: Mapped[User] = relationship(back_populates="memberships")


class JobRecord(Base):
    """A background job's state: shared by every page, browser and worker."""

    __tablename__ = "job"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    status: Mapped[str] = mapped_column(String(16), default="queued")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(String(200), default="")
    result: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    error: Mapped[str] = mapped_column(Text, default="")
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    worker: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class TeamLink(Base):
    """A team's phone link (issue 7): only the SHA-256 of its token is stored."""

    __tablename__ = "team_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    team_id: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class FieldStop(Base):
    """One stop of a team's stored visit route for a published plan (no personal data)."""

    __tablename__ = "field_stop"
    __table_args__ = (Index("ix_field_stop_plan_team", "plan_id", "team_id", "session", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("territory_plan.id"), index=True)
    team_id: Mapped[str] = mapped_column(String(64))
    session: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    household_id: Mapped[str] = mapped_column(String(64))
    building_id: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(200))
    floor: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(32))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    arrival: Mapped[str] = mapped_column(String(8), default="")


class FieldPath(Base):
    """The walking path of a team's stored route (WGS84 WKB)."""

    __tablename__ = "field_path"
    __table_args__ = (UniqueConstraint("plan_id", "team_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("territory_plan.id"), index=True)
    team_id: Mapped[str] = mapped_column(String(64))
    solver: Mapped[str] = mapped_column(String(16))
    # Loaded only by the map and the GPX download, not by every page view.
    path_wkb: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    gpx: Mapped[str] = mapped_column(Text, deferred=True)


class VisitRecord(Base):
    """What a team recorded at a door; ``key`` makes re-sent records count once."""

    __tablename__ = "visit_record"
    __table_args__ = (
        Index("ix_visit_record_team_household", "community_id", "team_id", "household_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    team_id: Mapped[str] = mapped_column(String(64))
    household_id: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16))
    rented: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    residents: Mapped[int | None] = mapped_column(Integer, nullable=True)
    since: Mapped[str] = mapped_column(String(10), default="")
    vulnerable: Mapped[str] = mapped_column(String(200), default="")
    requests: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class FieldSettings(Base):
    """What a community lets team pages show of the register (default: nothing personal)."""

    __tablename__ = "field_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), unique=True)
    show_phone: Mapped[bool] = mapped_column(Boolean, default=False)
    show_requests: Mapped[bool] = mapped_column(Boolean, default=False)
