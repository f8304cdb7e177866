"""The 115 pages: tonight's board, taking a call, a request with its places, the dashboard, and
facilities' declarations of free places. The board refreshes itself with htmx."""

import calendar
from datetime import date
from types import SimpleNamespace

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Prefetch
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.http import Http404, JsonResponse, QueryDict
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import get_template, render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcours.core import compiled, errors, offline, outbox
from parcours.core.cache import cached
from parcours.core.forms import add_validation_errors
from parcours.core.lookup import get_visible_or_404
from parcours.core.templatetags.parcours_tags import crumb_links
from parcours.core.versioning import StaleVersionError
from parcours.households import perms as household_perms
from parcours.households import services as household_services
from parcours.households.display import household_label, remember_label
from parcours.households.models import PEOPLE_ATTR, Household, Person, with_people
from parcours.households.querysets import parse_search, search_statement
from parcours.offers import perms as offer_perms
from parcours.offers.choices import FacilityKind
from parcours.offers.models import Facility, Unit

from . import board, figures, origins, perms, replay, services
from . import priority as priority_rules
from .choices import Fact, Priority, RequestStatus, UnmetReason
from .forms import (
    BoardFilterForm,
    CallForm,
    DeclarationForm,
    ExtendForm,
    MonthForm,
    OfflineCallForm,
    PriorityForm,
    SmsForm,
    UnmetForm,
)
from .models import EmergencyRequest, NightAllocation
from .nights import current_night
from .querysets import team_territory_id

READ_SECTIONS = ["identity", "composition"]


def _crumbs(*more):
    return [(_("115"), reverse("emergency:board")), *more]


def _team_only(request) -> int:
    territory_id = team_territory_id(request.user)
    if territory_id is None:
        raise Http404
    return territory_id


BOARD_FILTERS = "emergency_board_filters"  # session key: the board's filters as a query string
BOARD_SEEN = "emergency_board_seen"  # session key: households whose name the board has shown tonight


def _door_code_viewer(user) -> tuple:
    """What decides, on the user's side, whether a card shows the door code (offers.perms
    .can_see_door_code: the role, the organization, its type and département), for the cache keys
    of the cards: whoever differs in one of them gets cards of their own."""
    membership = user.active_membership
    organization = membership.organization
    return (membership.role, organization.pk, organization.type, organization.territory_id)


def _free_cards(night, territory_id: int, wanted: dict) -> list:
    """The free units the filters ask for, as the board's cards' figures: one aggregate (facility
    and size) with its SQL compiled once per arguments (compiled.rows_of)."""
    asked = {
        "public": wanted.get("public") or "",
        "commune_id": wanted["commune"].pk if wanted.get("commune") else None,
        "pets": wanted.get("pets") or False,
        "wheelchair": wanted.get("wheelchair") or False,
    }
    size = (wanted.get("persons") or 1, wanted.get("children") or 0, wanted.get("women_only") or False)
    sized = bool(wanted.get("persons") or wanted.get("children") or wanted.get("women_only"))

    def units():
        if sized:
            persons, children, women_only = size
            free = board.free_units(
                night=night,
                territory_id=territory_id,
                persons=persons,
                children=children,
                women_only=women_only,
            )
        else:
            free = board.free_base(night=night, territory_id=territory_id)
        return board.card_rows(board.filtered_units(free, **asked))

    key = ("cards", night, territory_id, sized and size, tuple(asked.values()))
    return board.free_card_figures(compiled.rows_of(key, units))


def _render_facilities(request, missing: list, template_name: str, context_of) -> list[str]:
    """Each missing card or group of places rendered, in order, for `board.cached_cards`: its
    facility (read in one query) and whether this viewer sees its door code, then what
    `context_of(missed, {"facility", "door_code_shown"})` adds. No request in the context: nothing
    of the user (nor a CSRF token) goes into what others are shown."""
    facilities = board.facilities_of([m.facility_id for m in missing])
    template = get_template(template_name)
    rendered = []
    for missed in missing:
        facility = facilities[missed.facility_id]
        door_code_shown = offer_perms.can_see_door_code(request.user, facility)
        shown = {"facility": facility, "door_code_shown": door_code_shown}
        rendered.append(str(template.render(context_of(missed, shown))))
    return rendered


def _board_places(request, cards: list, filtered: bool) -> dict:
    """The board's facility cards, rendered: each card's HTML comes from the cache, kept per
    facility while its version, its free units and who sees its door code (the organization and
    role) do not change (board.cached_cards): a booking renders one card again, not the board."""
    who = _door_code_viewer(request.user)

    def render_missing(missing: list) -> list[str]:
        return _render_facilities(
            request,
            missing,
            "emergency/_board_card.html",
            lambda missed, card: {"card": {**card, "places": missed.places, "sizes": missed.sizes}},
        )

    def card_key(card) -> tuple:
        return (card.facility_id, card.version, card.sizes, *who)

    place_count = sum(c.places for c in cards)

    def render_block(_blocks) -> list[str]:
        html = board.cached_cards("emergency_card", cards, card_key, render_missing)
        context = {
            "place_cards": cards,
            "place_count": place_count,
            "filtered": filtered,
            # The template engine's output, kept as text in the cache.
            "cards_html": [mark_safe(card) for card in html],  # noqa: S308  # nosec B308 B703
        }
        return [render_to_string("emergency/_board_cards.html", context)]

    # The whole list too, under what its cards are keyed on: the usual refresh reads one entry.
    block_key = (tuple(card_key(c) for c in cards), filtered, *who)
    (html,) = board.cached_cards("emergency_cards", [block_key], lambda key: key, render_block)
    return {
        "cards": cards,
        "unit_count": sum(count for c in cards for _size, count in c.sizes),
        "place_count": place_count,
        "html": html,
    }


# What the waiting list reads of each open request, of its household and of their people (issue 18):
# the columns a row shows (waiting_row, board.waiting_lines) and those that decide whether the user
# reads the name and how it is written (households.perms.access and can_see_whereabouts: the file's
# deletion, département, referent organization, referent and protection; display.household_label:
# the people's names, birth dates, sex, relationship and departure), rather than the whole rows (the
# request's facts, priority reason and caller's phone, the file's numbers, address and phone): fewer
# values to convert, to set on instances, to carry from the database. A column a row or a rule reads
# later must be added here (else one query per row: tests/emergency/test_board_rows.py counts them).
WAITING_FIELDS = (
    "priority",
    "persons",
    "children",
    "women_only",
    "caller_name",
    "household",
    "household__deleted_at",
    "household__territory",
    "household__referent_organization",
    "household__referent",
    "household__protected",
)
WAITING_PEOPLE_FIELDS = (
    "household",
    "first_name",
    "last_name",
    "birth_date",
    "sex",
    "relationship",
    "left_on",
)


def _board_context(request, territory_id: int) -> dict:
    night = current_night()
    now = timezone.now()
    # Without filters asked (the usual refresh) no form is built: the filter fields come from the
    # cache (board_page), built from a blank form only when they are rendered.
    form = BoardFilterForm(request.GET, territory_id=territory_id) if request.GET else None
    wanted = form.cleaned_data if form is not None and form.is_valid() else {}
    filtered = any(wanted.get(name) for name in BoardFilterForm.FIELDS)
    cards = _free_cards(night, wanted["territory"].pk if wanted.get("territory") else territory_id, wanted)
    places = _board_places(request, cards, filtered)
    # The waiting list's SQL is compiled once per département and night (compiled.instances_of): the
    # user's queryset method filters on the département of the user's 115 team, which the key holds.
    waiting = compiled.instances_of(
        ("waiting", team_territory_id(request.user), night),
        lambda: (
            EmergencyRequest.objects.visible_to(request.user)
            .filter(night=night, status=RequestStatus.OPEN)
            .select_related("household")
            .only(*WAITING_FIELDS)
            # The people as `with_people("household")` reads them, their columns that name them only.
            .prefetch_related(
                Prefetch(
                    "household__people",
                    queryset=Person.objects.only(*WAITING_PEOPLE_FIELDS),
                    to_attr=PEOPLE_ATTR,
                )
            )
            # The call's time only, not its row (issue 18): the list shows when the caller called.
            .annotate(called_at=Coalesce("call__received_at", "created_at"))
            .by_urgency()[:50]
        ),
    )
    board.waiting_lines_of(waiting, now)
    waiting.sort(key=lambda r: (r.priority, r.called_at, r.pk))
    _record_board_reads(request, night, [r.household for r in waiting if r.household_id])
    tonight = figures.night_counts(territory_id, night)

    def free() -> dict:
        kinds = dict(FacilityKind.choices)
        summary = board.free_summary(night=night, territory_id=territory_id)
        shown = {
            "summary": [{**row, "label": str(kinds.get(row["kind"], row["kind"]))} for row in summary],
            "by_public": [
                {**row, "label": str(row["label"])}
                for row in board.free_by_public(night=night, territory_id=territory_id)
            ],
            "free_places": sum(row["places"] for row in summary),
        }
        # What the board says of them (« 205 places libres : 150 pour des femmes… », the places per
        # kind), drawn with them rather than by the board's translation blocks and loops at every
        # refresh (issue 18): the offer's figures only, in the language of the cache's key.
        shown["free_html"] = render_to_string("emergency/_board_free.html", shown)
        shown["kinds_html"] = render_to_string("emergency/_board_kinds.html", shown)
        return shown

    # The free places of the département's cards without filters: the summary is kept under them
    # (each facility's version and free units), read again as soon as one changes. ("free", 2): the
    # entries with their HTML, not those kept without it.
    unfiltered = _free_cards(night, territory_id, {}) if filtered else cards
    free_key = ("free", 2, territory_id, tuple((c.facility_id, c.version, c.sizes) for c in unfiltered))
    (free_places,) = board.cached_cards("emergency_free", [free_key], lambda key: key, lambda _k: [free()])
    return {
        "night": night,
        "form": form,
        "filtered": filtered,
        "cards": places["cards"],
        "cards_html": mark_safe(places["html"]),  # noqa: S308  (rendered by the template engine)  # nosec B308 B703
        "unit_count": places["unit_count"],
        "place_count": places["place_count"],
        "waiting": waiting,
        "tonight": tonight,
        **free_places,
        # The template engine's output, kept as text in the cache.
        "free_html": mark_safe(free_places["free_html"]),  # noqa: S308  # nosec B308 B703
        "kinds_html": mark_safe(free_places["kinds_html"]),  # noqa: S308  # nosec B308 B703
    }


def _record_board_reads(request, night, households) -> None:
    """The waiting list names the callers: each named household is an audited read, once a night per
    user rather than at every 30-second refresh of the board."""
    seen = request.session.get(BOARD_SEEN) or {}
    already = set(seen.get("ids", [])) if seen.get("night") == night.isoformat() else set()
    new = [h for h in households if h.pk not in already]
    if new:
        household_services.record_reads(
            actor=request.user, households=new, sections=["list"], purpose="emergency_board"
        )
        ids = sorted(already | {h.pk for h in new})
        request.session[BOARD_SEEN] = {"night": night.isoformat(), "ids": ids}


def board_page(request):
    territory_id = _team_only(request)
    if not request.htmx:
        if "reset" in request.GET:
            request.session.pop(BOARD_FILTERS, None)
            return redirect("emergency:board")
        if request.GET:
            kept = QueryDict(mutable=True)
            for name in BoardFilterForm.FIELDS:
                if request.GET.get(name):
                    kept[name] = request.GET[name]
            if kept:
                request.session[BOARD_FILTERS] = kept.urlencode()
            else:
                request.session.pop(BOARD_FILTERS, None)
        elif request.session.get(BOARD_FILTERS):
            return redirect(f"{reverse('emergency:board')}?{request.session[BOARD_FILTERS]}")
    context = _board_context(request, territory_id)
    if request.htmx:
        return render(request, "emergency/_board.html", context)
    # The filter fields depend on the filters asked and the département's facilities (its communes):
    # rendered once for everyone asking the same, while the offer does not change.
    asked = tuple((name, request.GET[name]) for name in BoardFilterForm.FIELDS if request.GET.get(name))
    filters_html = board.cached_places(
        context["night"],
        ("filters", territory_id, asked),
        lambda: render_to_string(
            "emergency/_board_filters.html",
            {"form": context["form"] or BoardFilterForm(territory_id=territory_id)},
        ),
        # The offer's part of the version only: bookings and declarations do not change the fields.
        board.places_version(context["night"])[-board.OFFER_COLUMNS :],
    )
    return render(
        request,
        "emergency/board.html",
        {**context, "filters_html": mark_safe(filters_html), "crumbs": [(_("115"), None)]},  # noqa: S308  # nosec B308 B703
    )


def _call_fields(data: dict) -> dict:
    """What a call says, from a call form's cleaned data, as services.call_take and replay.replay_call
    take it: the same fields whether the call was taken online or replayed from an offline note."""
    return {
        "outcome": data["outcome"],
        "night": data["night"],
        "persons": data["persons"],
        "children": data["children"],
        "women_only": data["women_only"],
        "facts": data["facts"],
        "priority": data["priority"] or None,
        "priority_reason": data["priority_reason"],
        "caller_name": data["caller_name"],
        "caller_phone": data["caller_phone"],
        "note": data["note"],
    }


CALL_RESULTS = ("emergency.call_results",)


def _call_results(user, query: str) -> list:
    """The ten households most recently updated among those the search finds and the user may list,
    with their people: the SQL compiled once per process and visibility rule, the search's ids one
    parameter of it (core.compiled.instances_of, issue 18). On PostgreSQL the search itself is a
    subquery of it, compiled once per shape of what was typed (querysets.search_statement): the words
    and dates are its parameters, and the hundreds of ids it finds never go through Python."""

    def found(ids):
        households = Household.objects.listable_by(user).filter(pk__any_of=ids)
        return households.prefetch_related(*with_people()).order_by("-updated_at")[:10]

    rule = Household.objects.visibility_key(user, for_search=True)
    if rule is not None and connection.vendor == "postgresql":
        terms = parse_search(query)
        if terms.empty:
            return []
        shape, sql, params = search_statement(terms)
        names = [f"p{number}" for number in range(len(params))]

        def searched(**values):
            ids = RawSQL(sql, [values[name] for name in names])  # noqa: S611 (constant SQL, terms as parameters)  # nosec B611
            households = Household.objects.listable_by(user).filter(pk__in=ids)
            return households.prefetch_related(*with_people()).order_by("-updated_at")[:10]

        return compiled.instances_of(
            (*CALL_RESULTS, "search", rule, shape),
            searched,
            prefetch_key=CALL_RESULTS,
            **dict(zip(names, params, strict=True)),
        )
    ids = Household.objects.search_ids(query)
    if ids is None:
        return []
    if rule is None:
        return compiled.evaluated(found(ids), key=CALL_RESULTS)
    return compiled.instances_of((*CALL_RESULTS, rule), found, prefetch_key=CALL_RESULTS, ids=ids)


def _drawn_once(store: dict, key: tuple, render) -> str:
    """`render()`'s HTML kept in `store` per language, URLconf, script prefix and `key` (at most 64
    entries; full, it starts again): for parts of a page the same for every user who gets that key."""
    full = (get_language(), get_urlconf(), get_script_prefix(), *key)
    html = store.get(full)
    if html is None:
        if len(store) >= 64:
            store.clear()
        html = store[full] = render()
    return html


# The continuity banner of the call and request pages (emergency/_offline_banner.html), rendered once
# per language, URLconf, script prefix and namespace: its links and labels are the same for every
# user, whose id goes in afterwards (issue 18: its eight links and labels were a twentieth of a
# request's page). Never anything else of a user.
OFFLINE_USER_SLOT = "__parcours_offline_user__"
_OFFLINE_BANNERS: dict = {}


def _offline_banner_html(request) -> str:
    """What `{% include "emergency/_offline_banner.html" %}` draws for this request's user."""
    namespace = getattr(getattr(request, "resolver_match", None), "namespace", None)
    app = getattr(request, "current_app", None)
    stand_in = SimpleNamespace(user=SimpleNamespace(pk=OFFLINE_USER_SLOT))
    html = _drawn_once(
        _OFFLINE_BANNERS,
        (app, namespace),
        lambda: render_to_string("emergency/_offline_banner.html", {"request": stand_in}, request=request),
    )
    # The user's id: a number, which escaping leaves as it is.
    return mark_safe(html.replace(OFFLINE_USER_SLOT, str(int(request.user.pk))))  # noqa: S308  # nosec B308 B703


# The breadcrumbs of the new call page and of a request's page (includes/breadcrumbs.html), the same
# labels for everyone: rendered once per language, URLconf, script prefix and the links this user may
# follow (issue 18). A request's page ends on the request's own label (a household's name, the
# caller's): it goes into the slot afterwards, never into what is kept.
_CRUMBS: dict = {}
CRUMB_SLOT = "__parcours_crumb__"


def _crumbs_html(request, crumbs: list, last: str | None = None) -> str:
    """What `{% include "includes/breadcrumbs.html" %}` draws for `crumbs` (constant labels, never a
    name), then `last` (the current page's label, without a link) when given, for this request's
    user."""
    if last is not None:
        crumbs = [*crumbs, (CRUMB_SLOT, None)]
    links = tuple(crumb_links({"request": request}, crumbs))
    html = _drawn_once(
        _CRUMBS,
        links,
        lambda: render_to_string("includes/breadcrumbs.html", {"crumbs": crumbs}, request=request),
    )
    if last is not None:
        # The label escaped as the template's `{{ label }}` escapes it; the rest is the template's.
        html = html.replace(CRUMB_SLOT, conditional_escape(last))
    return mark_safe(html)  # noqa: S308  (rendered by the template engine)  # nosec B308 B703


class _UnboundCallForm:
    """What the new call page's template asks of an empty CallForm (its fields come from the cache):
    it is not bound and has no errors."""

    is_bound = False
    errors: dict = {}  # noqa: RUF012 (read only)


_UNBOUND_CALL_FORM = _UnboundCallForm()


def call_create(request):
    _team_only(request)
    query = (request.GET.get("q") or "").strip()
    household = None
    household_id = request.POST.get("household") or request.GET.get("household")
    if household_id and str(household_id).isdigit():
        household = Household.objects.visible_to(request.user).filter(pk=household_id).first()
        if household is None or not perms.can_create_request(request.user, household):
            raise Http404
    initial = {"household": household.pk} if household else {}
    # The empty form's fields come from the cache (below): a form is built for them only when the
    # cache misses them (issue 18: building one copies its fields, a twentieth of the page).
    form = CallForm(request.POST, initial=initial) if request.POST else _UNBOUND_CALL_FORM
    if request.method == "POST" and form.is_bound and form.is_valid():
        data = form.cleaned_data
        flash = None
        if household is None and data["flash_first_name"]:
            flash = services.FlashData(
                first_name=data["flash_first_name"],
                last_name=data["flash_last_name"],
                birth_date=data["flash_birth_date"],
                sex=data["flash_sex"] or "X",
            )
        try:
            call, created = services.call_take(
                actor=request.user,
                household=household,
                flash=flash,
                **_call_fields(data),
            )
        except services.Conflict as exc:
            errors.add_to_form(form, exc)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            if created is None:
                messages.success(request, _("L'appel est enregistré."))
                return redirect("emergency:board")
            messages.success(
                request,
                _("Demande enregistrée en priorité %(p)s : choisissez une place.") % {"p": created.priority},
            )
            return redirect("emergency:request", pk=created.pk)
    results = []
    if query and household is None:
        results = _call_results(request.user, query)
        household_services.record_reads(
            actor=request.user, households=results, sections=["list"], purpose="emergency_call"
        )
    if household is not None:
        household_services.record_read(
            actor=request.user, household=household, sections=READ_SECTIONS, purpose="emergency_call"
        )
    # An empty form's facts are its initial ones: none.
    ticked = set(form["facts"].value() or []) & set(Fact.values) if form.is_bound else set()
    if household is not None:
        ticked |= services.household_composition(household, current_night()).facts
    suggested = priority_rules.suggest(ticked)
    fields = {
        "form": form,
        "household": household,
        "suggested": suggested,
        "suggested_label": Priority(suggested).label,
    }
    call_fields_html = ""
    if not form.is_bound:
        # The empty call form is the same for every call handler (the household chosen aside): its
        # fields are rendered once per household, night and language (issue 18), without the user.
        key = (
            f"{household.pk if household else '-'}:{suggested}:{current_night().isoformat()}:{get_language()}"
        )
        call_fields_html = mark_safe(  # noqa: S308  (rendered by the template engine)  # nosec B308 B703
            cached(
                "emergency_call_form",
                key,
                lambda: render_to_string(
                    "emergency/_call_fields.html", {**fields, "form": CallForm(initial=initial)}
                ),
            )
        )
    return render(
        request,
        "emergency/call.html",
        {
            **fields,
            "call_fields_html": call_fields_html,
            "offline_banner_html": _offline_banner_html(request),
            "breadcrumbs_html": _crumbs_html(request, _crumbs((_("Nouvel appel"), None))),
            "query": query,
            "results": results,
        },
        status=400 if form.errors else 200,
    )


def priority_preview(request):
    """The priority the ticked facts (and a known household's ages) suggest, while the call goes on."""
    _team_only(request)
    facts = {f for f in request.GET.getlist("facts") if f in Fact.values}
    household_id = request.GET.get("household") or ""
    if household_id.isdigit():
        household = Household.objects.visible_to(request.user).filter(pk=household_id).first()
        if household is not None:
            facts |= services.household_composition(household, current_night()).facts
    suggested = priority_rules.suggest(facts)
    return render(
        request, "emergency/_priority.html", {"suggested": suggested, "label": Priority(suggested).label}
    )


# A request's page names the household and reads its call (the caller's name, the note). Neither
# the département (the page uses its id only) nor the place chosen offline (shown only while a
# replayed call waits for a place, read then) are joined: fewer columns to compile (issue 18).
REQUESTS = EmergencyRequest.objects.select_related("household", "call").prefetch_related(
    *with_people("household")
)
# Its lookup's SQL is compiled once per process and team (core.lookup, `compiled_as`).
REQUESTS_SQL = "emergency.REQUESTS"


def _request_label(request, found: EmergencyRequest) -> str:
    """What the page calls the request: the household as the user may name it, the name the caller
    gave, or an anonymous caller; never a bare number. The household's label is kept for the page's
    template, which names the household with it (households.display.remember_label; issue 18)."""
    if found.household is not None:
        user = request.user
        return remember_label(request, user, found.household, household_label(user, found.household)).text
    if found.caller_name:
        return _("%(name)s (sans dossier)") % {"name": found.caller_name}
    return _("Appelant·e anonyme")


# Placeholders of the places list kept in the cache, replaced for each page (never user data: a
# facility's name or address is escaped, and these hold no character that escaping changes).
ALLOCATE_URL_SLOT = "__parcours_allocate_url__"
CSRF_SLOT = "__parcours_csrf_token__"


def _place_groups_html(request, found: EmergencyRequest, token: str) -> str:
    """The free places fitting the request, grouped by facility: the units read at every page in one
    query of plain rows, each facility's group rendered once for every request and handler who would
    see the same (board.cached_cards: the facility's version, its fitting free units, the
    organization and role deciding the door code), so that a booking renders one group again. The
    request's address and the user's CSRF token (`token`, the page's own) go in afterwards."""
    asked = {
        "night": found.night,
        "territory_id": found.territory_id,
        "persons": found.persons,
        "children": found.children,
        "women_only": found.women_only,
    }
    rows = compiled.rows_of(("groups", *asked.values()), lambda: board.group_rows(board.free_units(**asked)))
    who = _door_code_viewer(request.user)

    def render_missing(missing: list) -> list[str]:
        return _render_facilities(
            request,
            missing,
            "emergency/_place_group.html",
            lambda missed, group: {
                "group": {**group, "units": missed.units},
                "allocate_url": ALLOCATE_URL_SLOT,
                "csrf_value": CSRF_SLOT,
            },
        )

    def group_key(group) -> tuple:
        return (group.facility_id, group.version, group.units, *who)

    def render_block(_blocks) -> list[str]:
        groups = board.free_groups(rows)
        html = board.cached_cards("emergency_group", groups, group_key, render_missing)
        context = {
            "place_groups": groups,
            "unit_count": sum(len(g.units) for g in groups),
            # The template engine's output, kept as text in the cache.
            "groups_html": [mark_safe(group) for group in html],  # noqa: S308  # nosec B308 B703
        }
        return [render_to_string("emergency/_place_groups.html", context)]

    # The whole list too, under the rows its groups are drawn from (each facility's id, name and
    # version, each unit's id, label and size: all that the groups' keys hold, as plain tuples rather
    # than the groups' figures, issue 18) and who sees the door codes: another page of the same list
    # reads one entry, without grouping the rows.
    block_key = ("rows", tuple(rows), *who)
    (html,) = board.cached_cards("emergency_groups", [block_key], lambda key: key, render_block)
    html = html.replace(ALLOCATE_URL_SLOT, reverse("emergency:allocate", args=[found.pk]))
    return mark_safe(html.replace(CSRF_SLOT, token))  # noqa: S308  (rendered by the templates)  # nosec B308 B703


def _request_form_fields(found: EmergencyRequest) -> dict:
    """The fields of an open request's unmet-demand and priority forms: the same for every request of
    the same priority, rendered once per priority and language (issue 18). The request's version goes
    in live: it changes at every write; nothing of the user (the forms' CSRF tokens are the page's)."""
    if not found.is_open:
        return {}

    def render_fields() -> dict:
        unmet, priority = UnmetForm(), PriorityForm(initial={"priority": found.priority})
        return {
            "unmet": str(unmet["reason"].as_field_group()),
            "priority": str(priority["priority"].as_field_group()) + str(priority["reason"].as_field_group()),
        }

    fields = cached("emergency_request_forms", f"{found.priority}:{get_language()}", render_fields)
    return {
        # The template engine's output, kept as text in the cache.
        "unmet_fields_html": mark_safe(fields["unmet"]),  # noqa: S308  # nosec B308 B703
        "priority_fields_html": mark_safe(fields["priority"]),  # noqa: S308  # nosec B308 B703
        # What PriorityForm's hidden field renders, without a form and a template for one input.
        "priority_version_html": format_html(
            '<input type="hidden" name="version" value="{}" class="form-control" id="id_version">',
            found.version,
        ),
    }


def _allocations_html(allocations, token: str) -> str:
    """The request's nights as _request_main.html's loop drew them (the night, its state and SMS, the
    place or why it is hidden, a booked night's forms), in Python: the template engine took most of the
    page's CPU right after a booking (issue 18). The words are translated once per drawing; `token` is
    the page's CSRF token (the forms' hidden field). Byte for byte the template's
    (tests/emergency/test_request_allocations_drawing.py)."""
    esc = conditional_escape
    if not allocations:
        return ""
    words = SimpleNamespace(
        extension=_("prolongation"),
        state=_("État"),
        sms_sent=_("SMS envoyé"),
        sms_failed=_("Le SMS n'a pas pu être envoyé : réessayez ou donnez l'adresse oralement."),
        sms_pending=_("SMS en cours d'envoi"),
        phone=_("Tél."),
        code=_("Code"),
        hidden=esc(household_perms.HIDDEN_PLACE),
    )
    booked = None  # the forms of a booked night, their words found once (a night's id put in)
    parts = []
    for a in allocations:
        night = esc(date_format(a.night, "SHORT_DATE_FORMAT"))
        extension = f" ({words.extension})" if a.extension else ""
        if a.sms_sent_at:
            sms = f" — {words.sms_sent}"
        elif a.sms_status == "failed":
            sms = f' — <span class="text-danger" data-sms="failed">{words.sms_failed}</span>'
        elif a.sms_status:
            sms = f' — <span data-sms="pending">{words.sms_pending}</span>'
        else:
            sms = ""
        if a.place_shown:
            f = a.unit.facility
            phone = (
                f' · {words.phone} <a href="tel:{esc(f.phone.replace(" ", ""))}">{esc(f.phone)}</a>'
                if f.phone
                else ""
            )
            code = (
                f" · {words.code} <span data-door-code>{esc(f.door_code)}</span>"
                if a.door_code_shown and f.door_code
                else ""
            )
            hours = (
                f'<div class="small text-secondary">{esc(f.opening_hours)}</div>' if f.opening_hours else ""
            )
            address = esc(f.full_address or "—")
            place = (
                f"<strong>{esc(f.name)}</strong> — {esc(a.unit.label)}\n"
                f'          <div class="small" data-place-access>{address}{phone}{code}</div>\n'
                f"          {hours}"
            )
        else:
            place = f'<span data-place="hidden">{words.hidden}</span>'
        forms = ""
        if a.status == "booked":
            if booked is None:
                booked = _drawn_once(_BOOKED_FORMS, (), _booked_forms_html)
            # The night's id first, then the token (escaped as `{% csrf_token %}` escapes it).
            forms = booked.replace(ALLOCATION_SLOT, str(a.pk)).replace(CSRF_SLOT, esc(token))
        parts.append(
            f'\n      <li class="list-group-item" data-allocation="{esc(a.status)}">\n'
            '        <div class="row g-2">\n'
            '          <div class="col-md-7">\n'
            f'            <div class="fw-semibold">{night}{extension} · {words.state} : '
            f"{esc(a.get_status_display())}{sms}</div>\n"
            f"            <div>{place}</div>\n"
            "          </div>\n"
            '          <div class="col-md-5">\n'
            f"          {forms}\n"
            "          </div>\n"
            "        </div>\n"
            "      </li>\n    "
        )
    # Every value above went through conditional_escape; the words are the catalog's, as the template's
    # constant `translate` put them; the rest is this function's own markup.
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703


# The id of a booked night in its forms' addresses, replaced for each night (digits only in a path).
ALLOCATION_SLOT = "918273645000"
# A booked night's forms, the same for every night and user but for the night's id and the CSRF token
# (slots): drawn once per language, URLconf and script prefix (`_drawn_once`).
_BOOKED_FORMS: dict = {}


def _booked_forms_html() -> str:
    """A booked night's forms (SMS, extension, no-show, cancellation) as the template drew them, the
    night's id `ALLOCATION_SLOT` in their addresses and fields, the CSRF token `CSRF_SLOT`."""
    csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{CSRF_SLOT}">'
    # The actions' common path: /115/nuitees/<id>/ (the action last).
    url = reverse("emergency:allocation_action", args=[int(ALLOCATION_SLOT), "sms"]).removesuffix("sms/")
    slot = ALLOCATION_SLOT
    phone, send, nights = _("Téléphone"), _("Envoyer l'adresse par SMS"), _("Nuits supplémentaires")
    extend, no_show, cancel = _("Prolonger"), _("Non présenté·e"), _("Annuler la nuitée")
    return (
        "\n"
        f'          <form method="post" action="{url}sms/" class="mb-1">{csrf}\n'
        f'            <label class="form-label small mb-0" for="sms-{slot}">{phone}</label>\n'
        '            <div class="input-group input-group-sm">\n'
        f'              <input class="form-control" id="sms-{slot}" name="phone" type="tel" '
        'autocomplete="off">\n'
        f'              <button class="btn btn-outline-primary" type="submit">{send}</button>\n'
        "            </div>\n"
        "          </form>\n"
        f'          <form method="post" action="{url}extend/" class="mb-1">{csrf}\n'
        f'            <label class="form-label small mb-0" for="ext-{slot}">{nights}</label>\n'
        '            <div class="input-group input-group-sm">\n'
        f'              <input class="form-control" id="ext-{slot}" name="nights" type="number" '
        'min="1" max="14" value="1">\n'
        f'              <button class="btn btn-outline-secondary" type="submit">{extend}</button>\n'
        "            </div>\n"
        "          </form>\n"
        f'          <form method="post" action="{url}no-show/" class="d-inline">{csrf}'
        f'<button class="btn btn-sm btn-link" type="submit">{no_show}</button></form>\n'
        f'          <form method="post" action="{url}cancel/" class="d-inline">{csrf}'
        f'<button class="btn btn-sm btn-link text-danger" type="submit">{cancel}</button></form>\n'
        "          "
    )


def _request_dates_html(found: EmergencyRequest) -> dict:
    """The request's night and its call's time in the page's words, as the template's
    `{% blocktranslate with … %}` drew them (the catalog's sentence as it is, the values escaped and the
    moment in the current time zone, as the `date` and `time` filters have it), in Python: each
    blocktranslate with its filters cost the page more than the rest of its heading (issue 18)."""
    esc = conditional_escape
    dates = {"night_html": _("nuit du %(night)s") % {"night": esc(date_format(found.night, "l j F"))}}
    if found.call is not None:
        at = timezone.template_localtime(found.call.received_at)
        dates["received_html"] = _("reçu le %(d)s à %(t)s") % {
            "d": esc(date_format(at, "j F")),
            "t": esc(time_format(at, "H:i")),
        }
    # The catalog's sentences, which the template left unescaped, around escaped values.
    return {key: mark_safe(html) for key, html in dates.items()}  # noqa: S308  # nosec B308 B703


def _request_context(request, found: EmergencyRequest) -> dict:
    place_groups_html = ""
    # The page's CSRF token, masked once for the places and the forms (the template's `csrf_token`
    # would mask it again: issue 18).
    token = {}
    if found.is_open:
        token = {"csrf_token": get_token(request)}
        place_groups_html = _place_groups_html(request, found, token["csrf_token"])
    # Read at every page of a request: the SQL compiled once per process, the request's id put in.
    allocations = compiled.instances_of(
        ("request_allocations",),
        lambda request_id: (
            NightAllocation.objects.filter(request_id=request_id)
            .select_related("unit__facility__commune")
            .order_by("night", "pk")
        ),
        request_id=found.pk,
    )
    tonight = current_night()
    # No night, no message about one: not even the empty query's compiling (an open request's page).
    sms_status = outbox.last_status(services.SMS_PURPOSE, [a.pk for a in allocations]) if allocations else {}
    for allocation in allocations:
        allocation.request = found
        allocation.sms_status = sms_status.get(str(allocation.pk), "")
        allocation.place_shown = perms.can_see_allocated_place(
            request.user, allocation, allocation_screen=True
        )
        # The door code only while the night is to come, to whoever may see the place and the code.
        allocation.door_code_shown = (
            allocation.place_shown
            and allocation.night >= tonight
            and offer_perms.can_see_door_code(request.user, allocation.unit.facility)
        )
    if not token and any(a.status == "booked" for a in allocations):
        token = {"csrf_token": get_token(request)}  # the booked nights' forms: one token for the page
    facts = dict(Fact.choices)
    return {
        **_request_form_fields(found),
        **_request_dates_html(found),
        **token,
        "req": found,
        "req_label": _request_label(request, found),
        "place_groups_html": place_groups_html,
        "allocations": allocations,
        "allocations_html": _allocations_html(allocations, token.get("csrf_token", "")),
        "facts": [facts.get(code, code) for code in found.facts],
        "origins": origins.origins_of(request.user, found),
        "unmet_reason": UnmetReason(found.unmet.reason).label if found.status == RequestStatus.UNMET else "",
        "replay_task_label": replay.task_label(found.replay_task) if found.replay_task else "",
    }


def request_detail(request, pk):
    found = get_visible_or_404(REQUESTS, pk, request.user, compiled_as=REQUESTS_SQL)
    if found.household is not None:
        household_services.record_read(
            actor=request.user, household=found.household, sections=READ_SECTIONS, purpose="emergency"
        )
    context = _request_context(request, found)
    if request.htmx and request.GET.get("part") == "places":
        return render(request, "emergency/_places.html", context)
    return render(
        request,
        "emergency/request.html",
        {
            **context,
            "breadcrumbs_html": _crumbs_html(request, _crumbs(), last=context["req_label"]),
            "offline_banner_html": _offline_banner_html(request),
        },
    )


def _unit_to_allocate(unit_id: str):
    """The unit a handler chose, with its facility (which the service checks and the message names),
    or None. Its SQL compiled once per process (compiled.instances_of; issue 18): compiling this join of
    two wide rows cost about 1.5 ms of every allocation."""
    if not unit_id.isdigit() or int(unit_id) > compiled.MAX_PK:  # no such key (nor a 500 from the driver)
        return None
    found = compiled.instances_of(
        ("allocate_unit",),
        lambda pk: Unit.objects.select_related("facility").filter(pk=pk).order_by()[:1],
        pk=int(unit_id),
    )
    return found[0] if found else None


@require_POST
def request_allocate(request, pk):
    # Without htmx the answer is a redirect: the allocation needs the request's own row only, not the
    # household and its people that the page names (issue 18).
    found = get_visible_or_404(
        REQUESTS if request.htmx else EmergencyRequest,
        pk,
        request.user,
        compiled_as=REQUESTS_SQL if request.htmx else "emergency.request_alone",
    )
    unit = _unit_to_allocate(request.POST.get("unit") or "")
    status = 200
    if unit is None:
        messages.error(request, _("Place introuvable."))
        status = 400
    else:
        try:
            allocation = services.allocate(actor=request.user, request=found, unit=unit)
        except services.PlaceTaken as exc:
            errors.show(request, exc)
            status = 409
        except services.Conflict as exc:
            errors.show(request, exc)
            status = 409
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            status = 400
        else:
            messages.success(request, _("Place attribuée : %(u)s.") % {"u": unit})
            if found.caller_phone:
                # The number was given for this: the address leaves at once, one click fewer.
                try:
                    services.allocation_send_sms(actor=request.user, allocation=allocation)
                except (services.Conflict, ValidationError):
                    messages.warning(request, _("Le SMS n'est pas parti : envoyez-le depuis la nuitée."))
                else:
                    messages.info(request, _("SMS avec l'adresse en cours d'envoi au numéro de l'appel."))
            if not request.htmx:
                return redirect("emergency:request", pk=found.pk)
    if request.htmx:
        if status == 200:
            # The request is answered: its page changes in place (place, address, SMS, messages),
            # without loading the page again.
            found.refresh_from_db()
            response = render(request, "emergency/_request_main.html", _request_context(request, found))
            response["HX-Retarget"] = "#request-main"
            response["HX-Reswap"] = "outerHTML show:window:top"
            return response
        # Place just taken (or refused): the message and the places list as they are now.
        found.refresh_from_db()
        return render(request, "emergency/_places.html", _request_context(request, found))
    return redirect("emergency:request", pk=found.pk)


@require_POST
def request_unmet(request, pk):
    found = get_visible_or_404(REQUESTS, pk, request.user, compiled_as=REQUESTS_SQL)
    form = UnmetForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez le motif de la demande non pourvue."))
    else:
        try:
            services.unmet_record(actor=request.user, request=found, reason=form.cleaned_data["reason"])
        except services.Conflict as exc:
            errors.show(request, exc)
        else:
            messages.success(request, _("La demande est enregistrée comme non pourvue."))
    return redirect("emergency:request", pk=found.pk)


@require_POST
def request_priority(request, pk):
    found = get_visible_or_404(REQUESTS, pk, request.user, compiled_as=REQUESTS_SQL)
    form = PriorityForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez une priorité."))
        return redirect("emergency:request", pk=found.pk)
    data = form.cleaned_data
    try:
        services.request_set_priority(
            actor=request.user,
            request=found,
            version=data["version"],
            priority=data["priority"],
            reason=data["reason"],
        )
    except services.Conflict as exc:
        errors.show(request, exc)
    except StaleVersionError:
        messages.error(
            request,
            _(
                "Cette demande a été modifiée entre-temps par quelqu'un d'autre : "
                "relisez-la avant de changer sa priorité."
            ),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Priorité enregistrée."))
    return redirect("emergency:request", pk=found.pk)


@require_POST
def request_cancel(request, pk):
    found = get_visible_or_404(REQUESTS, pk, request.user, compiled_as=REQUESTS_SQL)
    try:
        services.request_cancel(actor=request.user, request=found)
    except services.Conflict as exc:
        errors.show(request, exc)
        return redirect("emergency:request", pk=found.pk)
    messages.success(request, _("La demande est annulée."))
    return redirect("emergency:board")


@require_POST
def allocation_action(request, pk, action):
    # The nights of the team's département (NightAllocation.visible_to); each service authorizes.
    allocation = get_visible_or_404(NightAllocation.objects.select_related("request"), pk, request.user)
    try:
        if action == "cancel":
            services.allocation_cancel(actor=request.user, allocation=allocation)
            messages.success(request, _("La nuitée est annulée : la place est de nouveau libre."))
        elif action == "no-show":
            services.allocation_no_show(actor=request.user, allocation=allocation)
            messages.success(request, _("Absence enregistrée : la place est de nouveau libre."))
        elif action == "extend":
            form = ExtendForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Indiquez de 1 à 14 nuits."))
            services.allocation_extend(
                actor=request.user, allocation=allocation, nights=form.cleaned_data["nights"]
            )
            messages.success(request, _("Prolongation enregistrée."))
        elif action == "sms":
            form = SmsForm(request.POST)
            phone = form.cleaned_data["phone"] if form.is_valid() else ""
            services.allocation_send_sms(actor=request.user, allocation=allocation, phone=phone)
            messages.success(request, _("SMS en cours d'envoi : son état s'affiche sur la nuitée."))
        else:
            raise Http404
    except services.Conflict as exc:
        errors.show(request, exc)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("emergency:request", pk=allocation.request_id)


def declare_places(request, facility_id):
    facility = get_visible_or_404(Facility, facility_id, request.user)
    if not perms.can_declare_places(request.user, facility):
        raise Http404  # the form is offered to the facility's managers only; the service checks too
    form = DeclarationForm(request.POST or None, facility=facility)
    if request.method == "POST" and form.is_valid():
        try:
            services.places_declare(
                actor=request.user,
                facility=facility,
                night=form.cleaned_data["night"],
                units=form.cleaned_data["units"],
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Places libres déclarées pour la nuit."))
            return redirect("offers:facility_detail", pk=facility.pk)
    return render(
        request,
        "emergency/declare.html",
        {
            "form": form,
            "facility": facility,
            "crumbs": [(_("Offre"), reverse("offers:list")), (str(facility), None)],
        },
        status=400 if form.errors else 200,
    )


def _month(value: str | None) -> tuple[date, date]:
    night = current_night()
    if value:
        year, month = (int(x) for x in value.split("-"))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            first = date(year, month, 1)
            return first, date(year, month, calendar.monthrange(year, month)[1])
    first = night.replace(day=1)
    return first, min(night, date(first.year, first.month, calendar.monthrange(first.year, first.month)[1]))


def _previous(first: date) -> str:
    return f"{first.year - 1}-12" if first.month == 1 else f"{first.year}-{first.month - 1:02d}"


def figures_chart(label, unit, labels, values, *, horizontal=True) -> dict:
    """What static/js/charts.js draws with Chart.js (the observatory's look), from json_script. Nights
    read left to right (`horizontal=False`: upright bars); categories lie down to keep labels readable."""
    return {
        "type": "bar",
        "label": str(label),
        "unit": str(unit),
        "labels": labels,
        "values": values,
        "horizontal": horizontal,
    }


def dashboard(request):
    if not perms.can_view_dashboard(request.user):
        raise Http404
    territory_id = perms.dashboard_territory_id(request.user)
    night = current_night()
    # The 115 team sees its own figures whole, any month. Readers of aggregates only see the month
    # under way with small cells and their complements hidden; closed months are read in the
    # observatory (whole months, the same suppression for every door), never here as well, where
    # another pattern of hidden cells could be set against the observatory's.
    threshold = None if perms.can_use_115(request.user) else figures.disclosure_threshold()
    if threshold:
        first, last = night.replace(day=1), night
    else:
        form = MonthForm(request.GET or None)
        first, last = _month(form.cleaned_data.get("month") if form.is_valid() else None)
        last = min(last, current_night()) if first <= current_night() else last
    nights = figures.night_rows(territory_id, first, last)
    total = figures.period_total(territory_id, first, last, nights)
    summary = board.free_summary(night=night, territory_id=territory_id)
    if threshold:
        shown, total_shown = figures.protected_month(nights, total, threshold)
        tonight = shown[-1]
    else:
        shown = [figures.shown(n) for n in nights]
        total_shown = figures.shown(total)
        tonight = figures.shown(figures.night_rows(territory_id, night, night)[0])

    def values(attribute: str) -> list:
        # A hidden small cell (« < 5 ») is drawn as a gap; the table says why.
        return [v if isinstance(v := getattr(n, attribute), int) else None for n in shown]

    labels = [date_format(n.night, "D j") for n in shown]
    reasons = dict(UnmetReason.choices)
    reason_rows = [
        (reasons.get(code, code), count) for code, count in sorted(total_shown.unmet_by_reason.items())
    ]
    charts = {
        "requests": figures_chart(
            _("Demandes par nuit"), _("demandes"), labels, values("requests"), horizontal=False
        ),
        "unmet": figures_chart(
            _("Demandes non pourvues par nuit"), _("demandes"), labels, values("unmet"), horizontal=False
        ),
        "reasons": figures_chart(
            _("Demandes non pourvues par motif"),
            _("demandes"),
            [str(label) for label, _count in reason_rows],
            [count if isinstance(count, int) else None for _label, count in reason_rows],
        ),
    }
    return render(
        request,
        "emergency/dashboard.html",
        {
            "first": first,
            "last": last,
            "nights": shown,
            "charts": charts,
            "total": total_shown,
            "tonight": tonight,
            "threshold": threshold,
            "free_places": sum(row["places"] for row in summary),
            "reasons": reason_rows,
            "previous": "" if threshold else _previous(first),
            "next": f"{last.year + (last.month == 12)}-{last.month % 12 + 1:02d}"
            if last < night.replace(day=1) and not threshold
            else "",
            "observatory_url": reverse("observatory:dashboard") if threshold else "",
            "crumbs": _crumbs((_("Tableau de bord"), None)),
        },
    )


# Continuity mode (docs/continuite.md): the page a handler's browser keeps for when the server cannot
# be reached, the snapshot of tonight's places it keeps, and the replay of the calls noted meanwhile.

MAX_REPLAYED = 50


def offline_page(request):
    """The 115 without network: tonight's places as last seen, a call form kept in the browser, the
    calls waiting to be sent. Precached by the service worker; it holds no personal data itself."""
    _team_only(request)
    form = CallForm()
    return render(
        request,
        "emergency/offline.html",
        {
            "form": form,
            "facts": Fact.choices,
            "priorities": Priority.choices,
            "keep_hours": replay.KEEP_HOURS,
            "crumbs": _crumbs((_("Hors ligne"), None)),
        },
    )


def offline_snapshot(request):
    """Tonight's free places of the handler's département, as the browser keeps them for an outage:
    places and facilities only (no door code, no waiting caller), with the time they were read."""
    territory_id = _team_only(request)
    night = current_night()
    units = board.free_base(night=night, territory_id=territory_id).select_related("facility__commune")
    cards = board.by_facility(units.order_by("facility__name", "capacity", "label", "pk"))
    summary = board.free_summary(night=night, territory_id=territory_id)
    body = {
        "taken_at": timezone.now().isoformat(),
        "night": night.isoformat(),
        "user": request.user.pk,
        "csrf": get_token(request),
        "keep_hours": replay.KEEP_HOURS,
        "free_places": sum(row["places"] for row in summary),
        "by_public": [
            {"group": row["group"], "label": str(row["label"]), "places": row["places"]}
            for row in board.free_by_public(night=night, territory_id=territory_id)
        ],
        "facilities": [
            {
                "id": card.facility.pk,
                "name": card.facility.name,
                "kind": card.facility.get_kind_display(),
                "address": card.facility.full_address,
                "phone": card.facility.phone,
                "hours": card.facility.opening_hours,
                "publics": [str(b) for b in card.facility.public_badges],
                "places": card.places,
                "units": [{"id": u.pk, "label": u.label, "capacity": u.capacity} for u in card.units],
            }
            for card in cards
        ],
    }
    response = JsonResponse(body)
    response["Cache-Control"] = "no-store"
    return response


def replayed_out(result: "replay.Replayed") -> dict:
    return {
        "status": result.status,
        "message": result.message,
        "call": result.call.pk,
        "request": result.request.pk if result.request else None,
        "allocation": result.allocation.pk if result.allocation else None,
    }


@require_POST
def offline_replay(request):
    """Replay the calls a browser noted offline (JSON, session and CSRF token like every page): each
    one in its own transaction, through the same services as online; one answer per call (the
    protocol is core.offline.replay, shared with the outreach's encounters)."""
    _team_only(request)
    return offline.replay(request, lambda record: _replay_one(request, record), limit=MAX_REPLAYED)


def _replay_one(request, record: dict) -> dict:
    form = OfflineCallForm(data=record)
    if not form.is_valid():
        return {
            "status": "refused",
            "message": _("Appel incomplet ou illisible : saisissez-le à nouveau."),
            "fields": form.errors.get_json_data(),
        }
    data = form.cleaned_data
    unit = None
    if data["unit"]:
        unit = Unit.objects.select_related("facility").filter(pk=data["unit"]).first()
    try:
        result = replay.replay_call(
            actor=request.user,
            client_id=data["client_id"],
            recorded_at=data["recorded_at"],
            unit=unit,
            **_call_fields(data),
        )
    except (errors.DomainError, ValidationError) as exc:
        messages_ = exc.messages if isinstance(exc, ValidationError) else [exc.message]
        return {"status": "refused", "message": " ".join(messages_)}
    out = replayed_out(result)
    if result.request is not None:
        out["url"] = reverse("emergency:request", args=[result.request.pk])
    return out
