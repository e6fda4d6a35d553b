"""Needs as tracked cases: taxonomy, classifier, status flow, common needs, register updates."""

from routing.cases.classify import Classification, classify
from routing.cases.common import COMMON_NEED_COLUMNS, common_needs
from routing.cases.needs import (
    CASE_COLUMNS,
    Need,
    cases_from_register,
    needs_of,
    new_needs,
    split_requests,
)
from routing.cases.proposals import (
    DOOR_FIELDS,
    DoorRecord,
    NewHousehold,
    Proposal,
    next_household_id,
    propose_changes,
    propose_new_household,
)
from routing.cases.review import (
    Conflict,
    ConflictingChangesError,
    HouseholdVersion,
    StaleProposalError,
    apply_changes,
    apply_new_household,
    find_conflicts,
)
from routing.cases.status import (
    OPEN_STATUSES,
    TRANSITIONS,
    CaseState,
    IllegalTransitionError,
    NotYourCaseError,
    Role,
    StaleCaseError,
    Status,
    allowed_targets,
    transition,
)
from routing.cases.taxonomy import DEFAULT_TAXONOMY, Category, Taxonomy
from routing.cases.urgency import Urgency, derive_urgency

__all__ = [
    "CASE_COLUMNS",
    "COMMON_NEED_COLUMNS",
    "DEFAULT_TAXONOMY",
    "DOOR_FIELDS",
    "OPEN_STATUSES",
    "TRANSITIONS",
    "CaseState",
    "Category",
    "Classification",
    "Conflict",
    "ConflictingChangesError",
    "DoorRecord",
    "HouseholdVersion",
    "IllegalTransitionError",
    "Need",
    "NewHousehold",
    "NotYourCaseError",
    "Proposal",
    "Role",
    "StaleCaseError",
    "StaleProposalError",
    "Status",
    "Taxonomy",
    "Urgency",
    "allowed_targets",
    "apply_changes",
    "apply_new_household",
    "cases_from_register",
    "classify",
    "common_needs",
    "derive_urgency",
    "find_conflicts",
    "needs_of",
    "new_needs",
    "next_household_id",
    "propose_changes",
    "propose_new_household",
    "split_requests",
    "transition",
]
