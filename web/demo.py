"""The demo's finishing touches: a coordinator account and a published plan."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from routing.territories import TerritoryOptions
from web import store
from web.auth.users import create_user, grant, set_password
from web.models import User
from web.plans import plan_community, publish

DEMO_USER = "demo"
DEMO_PASSWORD = "redvest-demo"  # demo only: printed by `make demo`


@dataclass(frozen=True)
class DemoLogin:
    """What `make demo` prints."""

    username: str
    password: str
    plan_id: int


def finish_demo(db: str, community_name: str, time_limit_s: float) -> DemoLogin:
    """Add the demo coordinator to ``community_name`` and publish a first plan.

    Parameters
    ----------
    db : str
        The demo database (file or URL).
    community_name : str
        The imported demo community.
    time_limit_s : float
        The planner's time budget.
    """
    engine = store.open_engine(db)
    with store.session_factory(engine)() as session:
        community = store.find_community(session, community_name)
        if community is None:
            raise LookupError(f"no community {community_name!r}: import the demo first")
        user = session.scalar(select(User).where(User.username == DEMO_USER))
        if user is None:
            user = create_user(session, DEMO_USER, DEMO_PASSWORD)
        else:
            set_password(user, DEMO_PASSWORD)
        grant(session, user, community, "coordinator")
        session.commit()
        _plan, record = plan_community(
            session, community, options=TerritoryOptions(time_limit_s=time_limit_s), fresh=True
        )
        publish(session, record)
        plan_id = record.id
    engine.dispose()
    return DemoLogin(DEMO_USER, DEMO_PASSWORD, plan_id)
