"""One answer to "may this user read this field of this record?" (design §5, rules 3, 4, 6 and 10).

Pages, API schemas, exports, timelines and partner links ask `readable_fields` (or `may_read`) rather
than deciding on their own. The tables below are the rule; `docs/roles.md` writes them out in French
and `tests/security/test_roles_doc.py` checks that both agree.

- `FIELDS`: every field each record shows, whoever reads it.
- `ROLE_FIELDS`: the most each role reads of a record it may open (opening it is each app's
  `can_view_*` / `visible_to`).
- `PURPOSE_FIELDS`: what a consent opens, per purpose, to the organization it names. Whoever reads
  a household only through a consent (a social worker of another organization, a facility, a
  landlord) reads the fields of its role that the purposes of its active consents open, no more.
- Rule 6: the whereabouts of a protected household are read only by its referent and named users.
"""

from parcours.accounts.perms import active_membership
from parcours.accounts.roles import Role

from .choices import ConsentPurpose

FIELDS: dict[str, tuple[str, ...]] = {
    # The household file (households.Household): the page and GET /api/v1/households/{id}.
    "household": (
        "id",
        "version",
        "territory",
        "members",
        "monthly_resources",
        "monthly_charges",
        "money_lines",
        "situation",
        "protected",
        "referent_organization",
        "referent",
        "public_family",
        "identifiers",
        "whereabouts",
        "consents",
        "assessment",
        "recommendations",
    ),
    # One person of the household (households.Person).
    "person": ("first_name", "last_name", "birth_date", "sex", "relationship"),
    # An insertion request (orientation.InsertionRequest) and its matching facts (matching.RequestFacts).
    "request": (
        "id",
        "version",
        "household",
        "status",
        "wished_kinds",
        "wished_territories",
        "max_rent",
        "seniority_date",
        "submitted_at",
        "validated_at",
        "created_at",
        "transitions",
        "vulnerability",
        "needs_accessible",
        "has_pets",
        "manual_priority",
        "manual_priority_reason",
    ),
    # A proposal on a vacancy (orientation.Proposal).
    "proposal": (
        "id",
        "version",
        "request",
        "household",
        "vacancy",
        "unit",
        "facility",
        "status",
        "refusal_side",
        "refusal_reason",
        "admitted_on",
        "exited_on",
        "exit_destination",
        "created_at",
        "answered_at",
        "events",
        "event_actor",
        "event_note",
    ),
    # A 115 request (emergency.EmergencyRequest).
    "emergency_request": (
        "id",
        "version",
        "household",
        "night",
        "persons",
        "children",
        "vulnerability",
        "suggested_vulnerability",
        "facts",
        "priority_reason",
        "caller_phone",
        "status",
        "unmet_reason",
        "created_at",
        "allocations",
    ),
    # A support measure (support.SupportMeasure).
    "measure": (
        "id",
        "version",
        "household",
        "kind",
        "organization",
        "referent",
        "status",
        "consent_given",
        "started_on",
        "ended_on",
        "next_review_on",
        "intensity",
        "transitions",
        "evaluations",
        "coworkers",
        "goals",
        "reviews",
        "notes",
    ),
    # A prevention alert (support.PreventionAlert).
    "alert": (
        "id",
        "version",
        "household",
        "head_name",
        "landlord",
        "kind",
        "detail",
        "amount",
        "months",
        "status",
        "siao",
        "association",
        "assigned_organization",
        "assigned_to",
        "due_on",
        "measure",
        "close_reason",
        "eviction_avoided",
        "created_at",
        "closed_at",
        "events",
        "event_organization",
    ),
}

# The whereabouts of a household (rule 6): hidden on a protected household from all but named users.
WHEREABOUTS_FIELDS = frozenset({"whereabouts"})


def _all(record: str) -> frozenset[str]:
    return frozenset(FIELDS[record])


def _known(record: str, names) -> set[str]:
    """The names, all fields of the record: a typo in the tables fails at import, not silently."""
    unknown = set(names) - set(FIELDS[record])
    if unknown:
        raise ValueError(f"unknown fields of {record}: {sorted(unknown)}")
    return set(names)


def _but(record: str, *hidden: str) -> frozenset[str]:
    return _all(record) - _known(record, hidden)


def _only(record: str, *shown: str) -> frozenset[str]:
    return frozenset(_known(record, shown))


NOTHING = {record: frozenset() for record in FIELDS}

# The vulnerability priority and the commission's justified manual priority are the SIAO
# coordinators' (orientation.perms.can_set_priority); whoever else holds the file reads the needs only.
_REQUEST_NO_PRIORITY = _but("request", "vulnerability", "manual_priority", "manual_priority_reason")

# The shared sheet (rule 3): identity, composition, resources summary, assessment and recommendations.
_SHARED_HOUSEHOLD = _only(
    "household",
    "id",
    "version",
    "territory",
    "members",
    "monthly_resources",
    "monthly_charges",
    "assessment",
    "recommendations",
)
# What a facility or landlord reads of a proposal on its own place: the proposal and its steps, not
# who in other organizations moved it nor their notes.
_PARTNER_PROPOSAL = _but("proposal", "event_actor", "event_note")
# What a landlord reads of an alert it raised: what it wrote and where the alert stands, not which
# association follows the household nor who took the alert (finding 5).
_LANDLORD_ALERT = _but("alert", "association", "assigned_organization", "assigned_to", "event_organization")

ROLE_FIELDS: dict[str, dict[str, frozenset[str]]] = {
    Role.SOCIAL_WORKER: {
        **{record: _all(record) for record in FIELDS},
        "request": _REQUEST_NO_PRIORITY,
        # The 115 requests are the 115 team's; an alert routed to the association: everything.
        "emergency_request": frozenset(),
    },
    Role.CALL_HANDLER: {
        **NOTHING,
        "household": _all("household"),
        "person": _all("person"),
        "request": _REQUEST_NO_PRIORITY,
        "emergency_request": _all("emergency_request"),
    },
    Role.SIAO_COORDINATOR: {
        **{record: _all(record) for record in FIELDS},
        # The SIAO follows each path: a summary of a measure, never its goals, reviews or notes.
        "measure": _but("measure", "goals", "reviews", "notes"),
    },
    Role.FACILITY_MANAGER: {
        **NOTHING,
        "household": _SHARED_HOUSEHOLD,
        "person": _all("person"),
        "proposal": _PARTNER_PROPOSAL,
    },
    Role.LANDLORD: {
        **NOTHING,
        "household": _SHARED_HOUSEHOLD,
        "person": _all("person"),
        "proposal": _PARTNER_PROPOSAL,
        "alert": _LANDLORD_ALERT,
    },
    Role.OBSERVER: dict(NOTHING),
    Role.NETWORK_ADMIN: dict(NOTHING),
}

# What a consent opens, per purpose (design §5 rule 10). Orientation and support need the whole
# shared sheet; the 115 needs to know who is to be sheltered; prevention of an eviction also the
# resources, to build a repayment plan. Only orientation opens the insertion request, and never its
# history nor its matching facts (vulnerability, the commission's reasons).
_IDENTITY = ("id", "version", "territory", "members")
_PERSON = ("first_name", "last_name", "birth_date", "sex", "relationship")
_REQUEST = (
    "id",
    "version",
    "household",
    "status",
    "wished_kinds",
    "wished_territories",
    "max_rent",
    "seniority_date",
    "submitted_at",
    "validated_at",
    "created_at",
)
PURPOSE_FIELDS: dict[str, dict[str, frozenset[str]]] = {
    ConsentPurpose.ORIENTATION: {
        **NOTHING,
        "household": _SHARED_HOUSEHOLD,
        "person": _only("person", *_PERSON),
        "request": _only("request", *_REQUEST),
    },
    ConsentPurpose.SUPPORT: {
        **NOTHING,
        "household": _SHARED_HOUSEHOLD,
        "person": _only("person", *_PERSON),
    },
    ConsentPurpose.EMERGENCY: {
        **NOTHING,
        "household": _only("household", *_IDENTITY),
        "person": _only("person", *_PERSON),
    },
    ConsentPurpose.PREVENTION: {
        **NOTHING,
        "household": _only("household", *_IDENTITY, "monthly_resources", "monthly_charges"),
        "person": _only("person", *_PERSON),
    },
    # The papers of the document vault (parcours.documents): who they belong to, and the documents
    # themselves (documents.perms), nothing else of the file.
    ConsentPurpose.DOCUMENTS: {
        **NOTHING,
        "household": _only("household", *_IDENTITY),
        "person": _only("person", *_PERSON),
    },
}

# What a consent lets the organization it names *do* with the household, per purpose, beyond reading:
# a social worker of another organization opens a support measure for the household on a consent
# for support, or for prevention (an eviction is prevented by a measure opened from the alert); a
# landlord raises a prevention alert on a household it does not house only on a consent for
# prevention. A consent for orientation or for the 115 opens neither (docs/roles.md).
PURPOSE_ACTIONS: dict[str, frozenset[str]] = {
    ConsentPurpose.ORIENTATION: frozenset(),
    ConsentPurpose.SUPPORT: frozenset({"open_measure", "enrol_workshop"}),
    ConsentPurpose.EMERGENCY: frozenset(),
    ConsentPurpose.PREVENTION: frozenset({"open_measure", "raise_alert"}),
    ConsentPurpose.DOCUMENTS: frozenset(),
}
ACTIONS = frozenset({"open_measure", "raise_alert", "enrol_workshop"})


def purposes_for(action: str) -> frozenset[str]:
    """The consent purposes that let the organization they name do this action."""
    if action not in ACTIONS:
        raise ValueError(f"unknown consent action: {action}")
    return frozenset(purpose for purpose, actions in PURPOSE_ACTIONS.items() if action in actions)


def consent_allows(household, organization_id: int, action: str) -> bool:
    """Does an active consent of the household naming this organization, for a purpose that allows
    the action, exist (prefetch-friendly)?"""
    return bool(active_purposes(household, organization_id) & purposes_for(action))


# Records whose fields come from the household file: a consent-based reader reads them only as far
# as its consents' purposes open them. The others (a proposal on the partner's own place, the alert a
# landlord raised) are the partner's own business and follow ROLE_FIELDS alone.
CONSENT_RECORDS = frozenset({"household", "person", "request"})

# The sections of the household page and of the access log, from the household fields.
SECTION_OF_FIELD = {
    "members": "composition",
    "monthly_resources": "resources_summary",
    "monthly_charges": "resources_summary",
    "money_lines": "resources",
    "situation": "situation",
    "identifiers": "identifiers",
    "public_family": "identifiers",
    "whereabouts": "whereabouts",
    "consents": "consents",
    "assessment": "assessment",
    "recommendations": "assessment",
}
SECTION_OF_PERSON_FIELD = {"first_name": "identity", "last_name": "identity"}


def purpose_sections(purpose: str) -> set[str]:
    """The sections of the household file a consent for this purpose opens (docs/roles.md), plus
    `request` when it opens the insertion request."""
    opened = PURPOSE_FIELDS[purpose]
    sections = sections_of(opened["household"], opened["person"])
    return sections | ({"request"} if opened["request"] else set())


def active_purposes(household, organization_id: int, on=None) -> frozenset[str]:
    """The purposes of the household's active consents naming the organization (prefetch-friendly)."""
    from django.utils import timezone

    today = on or timezone.localdate()
    return frozenset(
        c.purpose
        for c in household.all_consents
        if c.organization_id == organization_id and c.is_active_on(today)
    )


def purpose_fields(purposes, record: str) -> frozenset[str]:
    """What consents for these purposes open together of one record."""
    opened = frozenset()
    for purpose in purposes:
        opened |= PURPOSE_FIELDS.get(purpose, NOTHING)[record]
    return opened


def readable_fields(user, record: str, household=None) -> frozenset[str]:
    """The fields of a record of this household that the user may read, assuming the record itself is
    one the user may open (each app's can_view_*). For household-derived records (household, person,
    insertion request) the household access decides too: the whole file, or the shared sheet limited
    to the purposes of the consents naming the user's organization; rule 6 hides whereabouts."""
    membership = active_membership(user)
    if membership is None:
        return frozenset()
    if household is None or record not in CONSENT_RECORDS:
        return ROLE_FIELDS.get(membership.role, NOTHING)[record]
    return _household_fields(user, membership, household, (record,))[record]


def readable_fields_by_record(user, household=None) -> dict[str, frozenset[str]]:
    """`readable_fields(user, record, household)` for every record at once, the household access (and
    rule 6, and the consents' purposes) asked once for all of them. Naming a household reads both its
    "person" and its "household" fields, on every row of every list: asked record by record, the
    membership, perms.access and can_see_whereabouts (a query on a protected file) ran twice per row
    (issue 18: 15% of the 115 board's CPU)."""
    membership = active_membership(user)
    if membership is None:
        return dict(NOTHING)
    fields = dict(ROLE_FIELDS.get(membership.role, NOTHING))
    if household is not None:
        fields.update(_household_fields(user, membership, household, CONSENT_RECORDS))
    return fields


def _household_fields(user, membership, household, records) -> dict[str, frozenset[str]]:
    """The rule of readable_fields for these household-derived records (CONSENT_RECORDS) of one
    household, the access asked once."""
    from . import perms

    role = ROLE_FIELDS.get(membership.role, NOTHING)
    level = perms.access(user, household)
    if level == perms.Access.NONE:
        return {record: frozenset() for record in records}
    if level == perms.Access.SHARED:
        purposes = active_purposes(household, membership.organization_id)
        return {record: role[record] & purpose_fields(purposes, record) for record in records}
    # perms.can_see_whereabouts, the access (FULL here) not asked again.
    if not perms.whereabouts_shown_with_full_access(user, household):
        return {record: role[record] - WHEREABOUTS_FIELDS for record in records}
    return {record: role[record] for record in records}


def link_fields(household, organization_id: int, record: str) -> frozenset[str]:
    """What a partner without an account reads through a signed link for a proposal on a place of
    this organization: a facility's fields, as far as the purposes of the household's active
    consents naming the organization open them; nothing once they are revoked or expired."""
    fields = ROLE_FIELDS[Role.FACILITY_MANAGER][record]
    if record in CONSENT_RECORDS:
        fields &= purpose_fields(active_purposes(household, organization_id), record)
    return fields


def shared_sections(user, household) -> set[str]:
    """The page sections a consent-based reader reads (perms.sections_for, Access.SHARED): its role's
    fields as far as the purposes of its active consents open them."""
    membership = active_membership(user)
    if membership is None:
        return set()
    purposes = active_purposes(household, membership.organization_id)
    role = ROLE_FIELDS.get(membership.role, NOTHING)
    return sections_of(
        role["household"] & purpose_fields(purposes, "household"),
        role["person"] & purpose_fields(purposes, "person"),
    )


def may_read(user, record: str, field: str, household=None) -> bool:
    """May this user read this field of this record (of this household)?"""
    return field in readable_fields(user, record, household)


def sections_of(fields: frozenset[str], person_fields: frozenset[str] = frozenset()) -> set[str]:
    """The page sections a set of readable household (and person) fields makes up."""
    sections = {SECTION_OF_FIELD[f] for f in fields if f in SECTION_OF_FIELD}
    sections |= {SECTION_OF_PERSON_FIELD[f] for f in person_fields if f in SECTION_OF_PERSON_FIELD}
    return sections
