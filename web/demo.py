"""The demo's finishing touches: a coordinator account, a published plan, its team routes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from routing.territories import Progress
from web.auth.users import create_user, grant, set_password
from web.field.routes import RouteOptions
from web.storage import frames
from web.storage.engine import open_engine, session_factory
from web.storage.models import User
from web.territory.operations import PlanRequest, plan_territories, publish_plan

DEMO_USER = "demo"
DEMO_PASSWORD = "redvest-demo"  # demo only: printed by `make demo`
# The visit planner takes ~1.5 s a team (2.5 min for the 100 demo teams); the sweep ~3 s
# for all, so the demo's links open at once. A later publish uses the app's solver.
DEMO_ROUTES = RouteOptions(solver="sweep")


@dataclass(frozen=True)
class DemoLogin:
    """What `make demo` prints."""

    username: str
    password: str
    plan_id: int
    routes: int


def finish_demo(
    db: str, community_name: str, time_limit_s: float, progress: Progress | None = None
) -> DemoLogin:
    """Add the demo coordinator to ``community_name``, publish a first plan, store its routes.

    Parameters
    ----------
    db : str
        The demo database (file or URL).
    community_name : str
        The imported demo community.
    time_limit_s : float
        The planner's time budget.
    progress : callable(fraction, message), optional
        The territory planner's progress (the command's bar).
    """
    engine = open_engine(db)
    with session_factory(engine)() as session:
        community = frames.find_community(session, community_name)
        if community is None:
            raise LookupError(f"no community {community_name!r}: import the demo first")
        user = session.scalar(select(User).where(User.username == DEMO_USER))
        if user is None:
            user = create_user(session, DEMO_USER, DEMO_PASSWORD)
        else:
            set_password(user, DEMO_PASSWORD)
        grant(session, user, community, "coordinator")
        session.commit()
        request = PlanRequest(time_limit_s=time_limit_s, fresh=True)
        _plan, record = plan_territories(session, community, request, progress)
        published = publish_plan(session, community, record, DEMO_ROUTES)
        plan_id = record.id
        routes = published.routes_stored
    engine.dispose()
    return DemoLogin(DEMO_USER, DEMO_PASSWORD, plan_id, routes)
