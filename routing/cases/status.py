"""Case status flow 登记 → 已派单 → 处理中 → 已办结 → 已回访 (or 无法办理): a state machine."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from types import MappingProxyType
from typing import Final


class Status(StrEnum):
    """Where a case stands; the value is the English identifier stored and sent."""

    REGISTERED = "registered"
    DISPATCHED = "dispatched"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    VERIFIED = "verified"
    CANNOT = "cannot"

    @property
    def label(self) -> str:
        """The Chinese label (登记, 已派单, 处理中, 已办结, 已回访, 无法办理)."""
        return _LABELS[self]

    @property
    def is_open(self) -> bool:
        """Still needs someone: registered, dispatched or in progress."""
        return self in OPEN_STATUSES


class Role(StrEnum):
    """Who asks for a transition: the community's coordinator or a team on its phone."""

    COORDINATOR = "coordinator"
    TEAM = "team"


_LABELS: Final = MappingProxyType(
    {
        Status.REGISTERED: "登记",
        Status.DISPATCHED: "已派单",
        Status.IN_PROGRESS: "处理中",
        Status.DONE: "已办结",
        Status.VERIFIED: "已回访",
        Status.CANNOT: "无法办理",
    }
)
OPEN_STATUSES: Final = frozenset({Status.REGISTERED, Status.DISPATCHED, Status.IN_PROGRESS})

_BOTH: Final = frozenset({Role.COORDINATOR, Role.TEAM})
_COORDINATOR: Final = frozenset({Role.COORDINATOR})
# (from, to) → roles allowed to make the move. Anything not listed is refused.
TRANSITIONS: Final = MappingProxyType(
    {
        (Status.REGISTERED, Status.DISPATCHED): _COORDINATOR,  # assign a volunteer
        (Status.DISPATCHED, Status.REGISTERED): _COORDINATOR,  # withdraw the assignment
        (Status.DISPATCHED, Status.IN_PROGRESS): _BOTH,
        (Status.IN_PROGRESS, Status.DONE): _BOTH,
        (Status.DONE, Status.VERIFIED): _COORDINATOR,  # the follow-up call (回访) closes it
        (Status.DONE, Status.IN_PROGRESS): _COORDINATOR,  # the follow-up found it not done
        (Status.REGISTERED, Status.CANNOT): _COORDINATOR,
        (Status.DISPATCHED, Status.CANNOT): _BOTH,
        (Status.IN_PROGRESS, Status.CANNOT): _BOTH,
        (Status.CANNOT, Status.REGISTERED): _COORDINATOR,  # reopen
    }
)


class IllegalTransitionError(ValueError):
    """A status change the flow does not allow, or not for this role; the message says why."""


class StaleCaseError(IllegalTransitionError):
    """The case changed since the caller read it (another coordinator got there first)."""


class NotYourCaseError(IllegalTransitionError):
    """A team asked to change a case assigned to another team."""


@dataclass(frozen=True)
class CaseState:
    """What a transition reads and writes: status, who holds the case, a version, notes.

    Attributes
    ----------
    status : Status
        Current status.
    volunteer_id, team_id : str
        The assigned volunteer and their team, "" while unassigned.
    version : int
        Incremented by every transition, for optimistic concurrency.
    reason : str
        Why the case cannot be handled (required for ``cannot``), else "".
    note : str
        The latest note (e.g. what the team did), "" when none.
    """

    status: Status = Status.REGISTERED
    volunteer_id: str = ""
    team_id: str = ""
    version: int = 0
    reason: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.status, Status):
            raise TypeError(f"status must be a Status, got {self.status!r}")
        if self.version < 0:
            raise ValueError(f"version must be >= 0, got {self.version}")
        assigned = self.status in (Status.DISPATCHED, Status.IN_PROGRESS, Status.DONE)
        if assigned and not self.volunteer_id:
            raise ValueError(f"a {self.status.value} case needs a volunteer")


def allowed_targets(status: Status, role: Role) -> tuple[Status, ...]:
    """Statuses ``role`` may move a case in ``status`` to, in the flow's order."""
    return tuple(t for t in Status if role in TRANSITIONS.get((status, t), frozenset()))


def transition(
    case: CaseState,
    target: Status,
    role: Role,
    *,
    expected_version: int | None = None,
    acting_team: str = "",
    volunteer_id: str = "",
    team_id: str = "",
    reason: str = "",
    note: str = "",
) -> CaseState:
    """Check a status change and return the case after it.

    Parameters
    ----------
    case : CaseState
        The case as stored.
    target : Status
        The status asked for.
    role : Role
        Who asks.
    expected_version : int, optional
        The version the caller read; a different stored version is a ``StaleCaseError``.
    acting_team : str
        With ``Role.TEAM``: the team asking, which must hold the case.
    volunteer_id, team_id : str
        With ``dispatched``: the volunteer assigned and their team (volunteer required).
    reason : str
        With ``cannot``: why (required).
    note : str
        Kept on the case (e.g. what was done), optional.

    Returns
    -------
    CaseState
        The new state, version + 1; the assignment cleared when it goes back to
        ``registered``; ``reason`` cleared unless the target is ``cannot``.

    Raises
    ------
    IllegalTransitionError
        Not an allowed move, or not for this role, or a required value is missing.
    StaleCaseError
        ``expected_version`` differs from ``case.version``.
    NotYourCaseError
        A team acting on another team's case.
    """
    if expected_version is not None and expected_version != case.version:
        raise StaleCaseError(
            f"the case was changed by someone else (now version {case.version}, you read "
            f"{expected_version}, status {case.status.label} {case.status.value}); reload it"
        )
    if role is Role.TEAM and (not acting_team or acting_team != case.team_id):
        raise NotYourCaseError("this case is not assigned to your team")
    _check_move(case.status, target, role)
    changes: dict[str, object] = {"status": target, "version": case.version + 1, "reason": ""}
    if note.strip():
        changes["note"] = note.strip()
    if target is Status.DISPATCHED:
        if not volunteer_id.strip():
            raise IllegalTransitionError("dispatching a case needs the volunteer it goes to")
        changes |= {"volunteer_id": volunteer_id.strip(), "team_id": team_id.strip()}
    elif target is Status.REGISTERED:
        changes |= {"volunteer_id": "", "team_id": ""}
    elif target is Status.CANNOT:
        if not reason.strip():
            raise IllegalTransitionError("marking a case 无法办理 (cannot) needs a reason")
        changes["reason"] = reason.strip()
    return replace(case, **changes)  # type: ignore[arg-type]


def _check_move(current: Status, target: Status, role: Role) -> None:
    move = f"{current.label} ({current.value}) → {target.label} ({target.value})"
    if current is target:
        raise IllegalTransitionError(f"the case is already {target.label} ({target.value})")
    roles = TRANSITIONS.get((current, target))
    if roles is None:
        raise IllegalTransitionError(f"{move} is not allowed: {_hint(current, target)}")
    if role not in roles:
        raise IllegalTransitionError(f"{move} is for the coordinator, not a team")


def _hint(current: Status, target: Status) -> str:
    if current is Status.VERIFIED:
        return "a verified case is closed"
    if current is Status.REGISTERED and target in (Status.IN_PROGRESS, Status.DONE):
        return "assign a volunteer first (登记 → 已派单)"
    if target is Status.VERIFIED:
        return "only a done (已办结) case can be verified"
    nexts = [t for t in Status if (current, t) in TRANSITIONS]
    return "from here it can go to " + ", ".join(f"{t.label} ({t.value})" for t in nexts)
