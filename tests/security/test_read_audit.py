"""Promise (design §5 rule 7): every read of a named record, on any path, writes an access event.

The test walks every URL pattern of every app (Django's resolver) and every GET operation of the API
(its OpenAPI schema). Each one is classified below: a page or operation that shows a named record
(given the id of a household, a request, a proposal, a measure, an alert…) is opened, on the demo
network, by a user who may see it, and it must write a read event on that household by that user; a
list must write a read event for the rows it shows; a route that shows no one is in a short
allow-list with its reason. A route added without being classified fails the test.
"""

import itertools
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from parcours.accounts import services as account_services
from parcours.accounts.middleware import SESSION_KEY as MEMBERSHIP_SESSION_KEY
from parcours.accounts.models import Membership, User
from parcours.core.models import AuditEvent, AuditKind
from parcours.demo.network import ROLE_ACCOUNTS

# -- The classification ---------------------------------------------------------------------------

# Pages that show one named record: route name → (the URL kwargs' kind, extra kwargs).
RECORD_PAGES = {
    "households:detail": "household",
    "households:edit": "household",
    "households:composition": "household",
    "households:money": "household",
    "households:access_log": "household",
    "households:export": "household",
    "households:merge": "household",
    "households:delete": "household",
    "assessments:index": "household_id",
    "assessments:create": "household_id+perspective",
    "assessments:detail": "assessment",
    "assessments:compare": "compare",
    "assessments:liaison": "household_id",
    "emergency:request": "emergency_request",
    "matching:request_facts": "request_id",
    "orientation:detail": "insertion_request",
    "orientation:create": "household_id",
    "orientation:proposal": "proposal",
    "orientation:partner": "partner_token",
    "support:measure_new": "household_id",
    "support:measure": "measure",
    "support:alert": "alert",
    "documents:list": "household_id",
    "documents:edit": "document",
    "documents:download": "document",
    "support:appointment_new": "household_id",
    "support:appointment": "appointment",
    "notifications:access": "portal_access",
    "outreach:encounter": "encounter",
    "portal:team_household": "household_id",
}

# Pages that list households or records: route name → kwargs' kind. When one shows a person's name,
# it must trace a read of the households shown (pages that show numbers only, « Demande n° 12 », need
# not: opening the record is traced).
LIST_PAGES = {
    "households:list": "",
    "orientation:list": "",
    "orientation:proposals": "",
    "orientation:commission": "commission",
    "orientation:minutes": "commission",
    "matching:candidates": "vacancy_id",
    "support:measures": "",
    "support:alerts": "",
    "support:appointments": "",
    "notifications:failures": "",
    "support:workshop": "workshop",
    "support:programme": "programme",
    "emergency:board": "",
    "orientation:propose": "open_vacancy",
    "core:home": "",
    "outreach:index": "",
}

# Form targets: POST only, their GET answers 405 (the page the form is on is traced).
POST_ONLY = {
    "portal:team_printed_code",
    "portal:team_revoke",
    "emergency:offline_replay",
    "outreach:offline_replay",
    "assessments:autosave",
    "assessments:draft_discard",
    "households:consent_revoke",
    "households:split",
    "emergency:allocate",
    "emergency:unmet",
    "emergency:priority",
    "emergency:cancel",
    "emergency:allocation_action",
    "orientation:transition",
    "orientation:renew",
    "orientation:transfer_referent",
    "orientation:transfer_territory",
    "orientation:proposal_decide",
    "orientation:proposal_admit",
    "orientation:proposal_exit",
    "orientation:proposal_withdraw",
    "orientation:partner_link_send",
    "orientation:commission_prepare",
    "orientation:commission_close",
    "orientation:line_decide",
    "orientation:line_remove",
    "support:measure_action",
    "support:alert_action",
    "support:workshop_action",
    "support:programme_action",
    "support:appointment_action",
    "notifications:failure_seen",
    "offers:vacancy_withdraw",
    "accounts:recovery_codes_regenerate",
    "accounts:token_create",
    "accounts:token_revoke",
    "documents:delete",
    "outreach:encounter_115",
}

# Pages that show no one: route name → why.
NOT_PERSONAL_PAGES = {
    "core:service_worker": "the service worker's script: no data",
    "core:manifest": "the web app manifest: no data",
    "emergency:offline": "the 115's offline page: an empty form, the board kept in the browser",
    "emergency:offline_snapshot": "tonight's free places: no one named, no door code",
    "outreach:offline_token": "a CSRF token for the offline replay",
    "portal:feedback_list": "votre avis: a kind, a date and a message, never a name",
    "portal:feedback_detail": "votre avis: signed or anonymous, never a name",
    "portal:": "the person's own pages in Mon espace (a person's session, no staff user)",
    "healthz": "health check",
    "set_language": "language switch",
    "accounts:login": "the user's own account",
    "accounts:logout": "the user's own account",
    "accounts:password_reset": "the user's own account",
    "accounts:password_reset_done": "the user's own account",
    "accounts:password_reset_confirm": "the user's own account",
    "accounts:password_reset_complete": "the user's own account",
    "accounts:two_factor_setup": "the user's own account",
    "accounts:two_factor_verify": "the user's own account",
    "accounts:recovery_codes": "the user's own account",
    "accounts:switch_membership": "the user's own account",
    "accounts:account": "the user's own account",
    "households:consent_add": "GET leads to the household's page, traced there; so does a refused POST",
    "households:create": "an empty form (possible duplicates shown after a POST are traced)",
    "emergency:call": "an empty form",
    "orientation:referent_search": "colleagues (social workers) found by name for a transfer, no household",
    "emergency:priority_preview": "a priority computed from the form's answers, no record",
    "emergency:declare": "a facility's free places, no household",
    "emergency:dashboard": "the night's figures, no names",
    "matching:vacancies": "the offer's vacancies, no household",
    "matching:assignment": "counts of the assignment, no names",
    "matching:simulation": "the engine's settings and counts, no names",
    "observatory:dashboard": "aggregates (small cells suppressed)",
    "observatory:theme": "aggregates (small cells suppressed)",
    "observatory:indicator": "aggregates (small cells suppressed)",
    "observatory:export": "aggregates (small cells suppressed)",
    "observatory:open_data": "aggregates (small cells suppressed)",
    "observatory:drill": "the households behind a figure, traced as a list (observatory.views.drill_down)",
    "offers:list": "the offer: facilities and units, no household",
    "offers:facility_create": "the offer",
    "offers:facility_detail": "the offer",
    "offers:facility_edit": "the offer",
    "offers:unit_create": "the offer",
    "offers:unit_edit": "the offer",
    "offers:vacancy_declare": "the offer",
    "orientation:commissions": "the list of commission sessions, no names",
    "plan:overview": "the departmental plan, no household",
    "plan:action_create": "the departmental plan",
    "plan:action_edit": "the departmental plan",
    "plan:value_add": "the departmental plan",
    "plan:report": "the departmental plan's figures",
    "support:kinds": "the list of measure kinds",
    "support:alert_new": "a form; its select names households, traced as a list (support.views.alerts)",
    "support:workshops": "the workshops' titles and dates, no names",
    "support:programmes": "the programmes, no names",
    "network:": "network administration: organizations and accounts of professionals",
    "core:deliveries": "the delivery log: masked recipients and purpose codes, never a message",
    "my_documents:": "the person's own papers in « Mon espace » (no staff user; traced on download)",
    "portal_appointments:": "the person's own appointments in Mon espace (a person's session, no staff)",
    "portal_notifications:": "the person's own notification choices in Mon espace (a person's session)",
    "outreach:encounter_new": "an empty form (the team, its round's communes)",
    "outreach:round_new": "an empty form",
    "outreach:round": "a round's zone and figures, its signalements' places, no household",
    "outreach:reports": "signalements: a place and what was seen, never a household",
    "outreach:report": "a signalement: a place and what was seen, never a household",
    "report_public": "the public signalement form",
}

# API GET operations: path → kind (record), "list", or why it shows no one.
API_RECORDS = {
    "/households/{household_id}": "household",
    "/households/{household_id}/assessments": "household",
    "/households/{household_id}/access-log": "household",
    "/households/{household_id}/insertion-requests": "household",
    "/insertion-requests/{request_id}": "insertion_request",
    "/insertion-requests/{request_id}/matching-facts": "insertion_request",
    "/proposals/{proposal_id}": "proposal",
    "/emergency/requests/{request_id}": "emergency_request",
    "/support/measures/{measure_id}": "measure",
    "/support/measures/{measure_id}/actions": "measure",
    "/prevention-alerts/{alert_id}": "alert",
    "/vacancies/{vacancy_id}/candidates/{request_id}": "vacancy+request",
    "/households/{household_id}/documents": "household",
    "/households/{household_id}/documents/{document_id}/content": "document",
}
API_LISTS = {
    "/households": "search",
    "/proposals": "",
    "/emergency/requests": "",
    "/support/measures": "",
    "/prevention-alerts": "",
    "/vacancies/{vacancy_id}/candidates": "vacancy",
}
API_NOT_PERSONAL = {
    "/me": "the user's own account",
    "/assessment-grids/current": "the grid, no household",
    "/facilities": "the offer",
    "/units": "the offer",
    "/refusal-reasons": "a code list",
    "/emergency/availability": "free places, no household",
    "/indicators": "aggregates (small cells suppressed)",
    "/indicators/{code}": "aggregates (small cells suppressed)",
    "/support/measure-kinds": "a code list",
    "/support/programmes": "the programmes, no names",
    "/support/programmes/{programme_id}/report": "a programme's figures, no names",
    "/outreach/encounters": "encounters: a household's number at most, never a name",
    "/portal/me": "the person's own file, read with the person's own token (no professional reads it)",
    "/portal/access-log": "who read the person's file, shown to the person themselves",
    "/outreach/encounters/{encounter_id}": "an encounter: a household's number at most, never a name",
}


# -- Walking the routes -------------------------------------------------------------------------------


def _page_routes(patterns=None, namespace="", prefix=""):
    """(name, route, pattern) of every page, the API aside."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            route = prefix + str(pattern.pattern)
            if route.startswith("api/"):
                continue
            ns = pattern.namespace or ""
            yield from _page_routes(pattern.url_patterns, f"{namespace}{ns}:" if ns else namespace, route)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name or ''}", prefix + str(pattern.pattern), pattern


def _api_gets():
    from parcours.api.api import api

    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        if "get" in operations:
            yield path.removeprefix("/api/v1")


def _classified_page(name):
    return (
        name in RECORD_PAGES
        or name in LIST_PAGES
        or name in POST_ONLY
        or name in NOT_PERSONAL_PAGES
        or name.split(":")[0] + ":" in NOT_PERSONAL_PAGES
    )


def test_every_page_and_api_operation_is_classified():
    """A new route fails here until it says whether it shows a person (and is then walked below)."""
    pages = {name for name, _route, _pattern in _page_routes()}
    missing = sorted(name for name in pages if not _classified_page(name))
    assert not missing, f"pages not classified for the read audit: {missing}"
    stale = sorted((set(RECORD_PAGES) | set(LIST_PAGES) | POST_ONLY) - pages)
    assert not stale, f"classified pages that no longer exist: {stale}"
    gets = set(_api_gets())
    missing = sorted(gets - set(API_RECORDS) - set(API_LISTS) - set(API_NOT_PERSONAL))
    assert not missing, f"API operations not classified for the read audit: {missing}"


# -- The demo network, and who may open what ------------------------------------------------------


@pytest.fixture
def demo(demo_network, db):
    return [User.objects.get(username=username) for _role, username, _org in ROLE_ACCOUNTS]


def _candidates(kind):
    """(url kwargs, household id) for a few records of this kind, from the demo data."""
    from parcours.assessments.models import Assessment
    from parcours.emergency.models import EmergencyRequest
    from parcours.households.models import Household
    from parcours.orientation.models import Commission, InsertionRequest, Proposal
    from parcours.support.models import PreventionAlert, Programme, SupportMeasure, Workshop

    def few(qs, make, n=4):
        return [make(obj) for obj in qs[:n]]

    households = Household.objects.filter(deleted_at__isnull=True, merged_into__isnull=True).order_by("pk")
    # Households with something in most domains, and files of the demo worker's own organization
    # (only it gives the access log and the export): any role may open at least one of them.
    own = households.filter(referent_organization__memberships__user__username="travailleuse")
    busy = (
        list(households.filter(insertion_requests__isnull=False).distinct()[:2])
        + list(households.filter(support_measures__isnull=False).distinct()[:2])
        + list(own.filter(support_measures__isnull=True).distinct()[:2])
        + list(own.filter(insertion_requests__isnull=False).distinct()[:2])
    )
    match kind:
        case "":
            return [({}, None)]
        case "household":
            return [({"pk": h.pk}, h.pk) for h in busy]
        case "household_id":
            return [({"household_id": h.pk}, h.pk) for h in busy]
        case "household_id+perspective":
            return [({"household_id": h.pk, "perspective": "worker"}, h.pk) for h in busy]
        case "compare":
            pairs = (
                Assessment.objects.filter(number=2)
                .order_by("pk")
                .values_list("household_id", "perspective")[:4]
            )
            result = []
            for household_id, perspective in pairs:
                first, second = Assessment.objects.filter(
                    household_id=household_id, perspective=perspective, number__in=(1, 2)
                ).order_by("number")
                query = {"avant": first.pk, "apres": second.pk}
                result.append(({"household_id": household_id, "_query": query}, household_id))
            return result
        case "search":
            head = busy[0].people.order_by("pk").first()
            return [({"_query": {"q": head.last_name}}, None)]
        case "open_vacancy":
            from parcours.offers.choices import EMERGENCY_KINDS
            from parcours.offers.models import Vacancy

            vacancies = Vacancy.objects.open().exclude(unit__facility__kind__in=EMERGENCY_KINDS)
            return few(vacancies.order_by("pk"), lambda v: ({"vacancy_id": v.pk}, None))
        case "assessment":
            return few(
                Assessment.objects.order_by("pk"),
                lambda a: ({"household_id": a.household_id, "pk": a.pk}, a.household_id),
            )
        case "emergency_request":
            return few(
                EmergencyRequest.objects.filter(household__isnull=False).order_by("-night", "pk"),
                lambda r: ({"pk": r.pk}, r.household_id),
            )
        case "request_id":
            return few(
                InsertionRequest.objects.filter(matching_facts__isnull=False).order_by("pk"),
                lambda r: ({"request_id": r.pk}, r.household_id),
            )
        case "insertion_request":
            return few(InsertionRequest.objects.order_by("pk"), lambda r: ({"pk": r.pk}, r.household_id))
        case "proposal":
            return few(Proposal.objects.order_by("-pk"), lambda p: ({"pk": p.pk}, p.request.household_id))
        case "document":
            from parcours.documents.models import Document

            return few(
                Document.objects.alive().order_by("pk"),
                lambda d: ({"household_id": d.household_id, "document_id": d.pk}, d.household_id),
            )
        case "partner_token":
            return []  # a partner link's page is audited by test_proposals (purpose partner_link)
        case "measure":
            measures = SupportMeasure.objects.order_by("pk")
            return few(
                measures.filter(organization__memberships__user__username="travailleuse"),
                lambda m: ({"pk": m.pk}, m.household_id),
                2,
            ) + few(measures, lambda m: ({"pk": m.pk}, m.household_id), 2)
        case "appointment":
            from parcours.support.models import Appointment

            return few(Appointment.objects.order_by("pk"), lambda a: ({"pk": a.pk}, a.household_id))
        case "portal_access":
            from parcours.portal.models import PortalAccess

            return few(PortalAccess.objects.usable().order_by("pk"), lambda a: ({"pk": a.pk}, a.household_id))
        case "encounter":
            from parcours.outreach.models import Encounter

            return few(
                Encounter.objects.filter(household__isnull=False).order_by("pk"),
                lambda e: ({"pk": e.pk}, e.household_id),
            )
        case "alert":
            return few(
                PreventionAlert.objects.filter(household__isnull=False).order_by("pk"),
                lambda a: ({"pk": a.pk}, a.household_id),
            )
        case "commission":
            return few(
                Commission.objects.filter(lines__isnull=False).distinct().order_by("pk"),
                lambda c: ({"pk": c.pk}, None),
            )
        case "vacancy_id":
            return few(Proposal.objects.order_by("-pk"), lambda p: ({"vacancy_id": p.vacancy_id}, None))
        case "workshop":
            return few(
                Workshop.objects.filter(enrolments__isnull=False).distinct().order_by("pk"),
                lambda w: ({"pk": w.pk}, None),
            )
        case "programme":
            return few(
                Programme.objects.filter(housings__isnull=False).distinct().order_by("pk"),
                lambda p: ({"pk": p.pk}, None),
            )
    raise AssertionError(f"unknown kind {kind!r}")


def _reads(since, user):
    return AuditEvent.objects.filter(id__gt=since, actor=user, kind=AuditKind.READ)


def _last_seq():
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _check(opened, household_id, user, since, what):
    """The answer was given: a read event by this user, on that household (or on the rows listed)."""
    reads = _reads(since, user)
    if household_id is not None:
        reads = reads.filter(object_type="households.household", object_id=str(household_id))
    return None if reads.exists() else f"{what}: answered {opened} to {user.username}, no access event"


def _person_names() -> set[str]:
    """Every person's full name and the short one lists show (« Awa D. », households.display), a
    professional's name, which the header shows, left aside."""
    from parcours.households.display import short_name
    from parcours.households.models import Person

    staff = {f"{u.first_name} {u.last_name}" for u in User.objects.all()}
    people = list(Person.objects.only("first_name", "last_name"))
    names = {f"{p.first_name} {p.last_name}" for p in people} | {short_name(p) for p in people}
    return names - staff


def _names_shown(html: str, names: set[str]) -> bool:
    return any(name in html for name in names)


def _memberships(users):
    """Every membership of the demo accounts (a worker may act for a facility too)."""
    return list(Membership.objects.filter(user__in=users, active=True).select_related("user").order_by("pk"))


def _switch(client, membership):
    session = client.session
    session[MEMBERSHIP_SESSION_KEY] = membership.pk
    session.save()


@pytest.mark.django_db(transaction=False)
def test_every_page_that_shows_a_person_writes_an_access_event(demo, client, login):
    failures = []
    memberships = _memberships(demo)
    names = _person_names()
    named_lists = set()
    routes = {name: route for name, route, _pattern in _page_routes()}
    for name in POST_ONLY:
        kwargs = {
            key: 1 if key not in ("action", "token", "uidb64") else "x"
            for key in re.findall(r"<(?:\w+:)?(\w+)>", routes[name])
        }
        login(demo[-1])
        status = client.get(reverse(name, kwargs=kwargs)).status_code
        if status != 405:
            failures.append(f"{name}: classified POST only, but GET answers {status}")
    for name, kind in itertools.chain(RECORD_PAGES.items(), LIST_PAGES.items()):
        candidates = _candidates(kind)
        if not candidates:
            continue
        opened = False
        for (kwargs, household_id), membership in itertools.product(candidates, memberships):
            login(membership.user)
            _switch(client, membership)
            kwargs = dict(kwargs)
            query = kwargs.pop("_query", {})
            since = _last_seq()
            response = client.get(reverse(name, kwargs=kwargs), query)
            if response.status_code != 200:
                continue
            opened = True
            if name in LIST_PAGES:
                if not _names_shown(response.content.decode(), names):
                    continue  # numbers only: try another user, who may see names
                named_lists.add(name)
            problem = _check(200, household_id, membership.user, since, f"page {name} {kwargs}")
            if problem:
                failures.append(problem)
            break
        if not opened:
            failures.append(f"page {name}: no demo user could open it (fix the test's candidates)")
    # The check of lists has teeth: the household list does show names (and traces them).
    assert "households:list" in named_lists
    assert not failures, "\n".join(failures)


def _api_candidates(path, kind):
    if kind == "vacancy+request":
        from parcours.orientation.choices import RequestStatus
        from parcours.orientation.models import InsertionRequest

        vacancies = [kwargs["vacancy_id"] for kwargs, _h in _candidates("open_vacancy")]
        requests = InsertionRequest.objects.filter(status=RequestStatus.VALIDATED).order_by("pk")[:3]
        return [
            ({"vacancy_id": v, "request_id": r.pk}, r.household_id) for v in vacancies[:2] for r in requests
        ]
    if kind == "vacancy":
        return _candidates("open_vacancy")
    if kind == "":
        return [({}, None)]
    if kind == "document":
        return _candidates(kind)
    found = _candidates(kind)
    key = re.search(r"\{(\w+)\}", path)
    if key is None:
        return found
    key = key.group(1)
    return [({key: next(iter(kwargs.values()))}, household_id) for kwargs, household_id in found]


@pytest.mark.django_db(transaction=False)
def test_every_api_operation_that_shows_a_person_writes_an_access_event(demo, client):
    failures = []
    keys = {}
    for membership in _memberships(demo):
        _token, keys[membership.pk] = account_services.token_create(
            actor=membership.user, membership=membership, name="audit"
        )
    memberships = _memberships(demo)
    for path, kind in itertools.chain(API_RECORDS.items(), API_LISTS.items()):
        opened = False
        for (kwargs, household_id), membership in itertools.product(_api_candidates(path, kind), memberships):
            kwargs = dict(kwargs)
            query = kwargs.pop("_query", {})
            since = _last_seq()
            response = client.get(
                "/api/v1" + path.format(**kwargs),
                query,
                headers={"Authorization": f"Bearer {keys[membership.pk]}"},
            )
            if response.status_code != 200:
                continue
            # A file (a document's content) is a record too: its read is checked like the others.
            body = response.json() if response["Content-Type"].startswith("application/json") else {}
            items = body.get("results", body) if isinstance(body, dict) else body
            if path in API_LISTS and not items:
                continue  # an empty list shows no one
            if path.endswith("/candidates") and not re.search(r'"household": ?\d', response.content.decode()):
                continue  # only households the user may not open: their numbers are not shown
            opened = True
            problem = _check(200, household_id, membership.user, since, f"GET {path} {kwargs}")
            if problem:
                failures.append(problem)
            break
        if not opened:
            failures.append(f"GET {path}: no demo user could open it (fix the test's candidates)")
    assert not failures, "\n".join(failures)
