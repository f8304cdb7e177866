"""Pages of the orientation engine: a vacancy's candidates with why-not, the territory's vacancies and
their optimal assignment, and the simulation of other weights and rule parameters (nothing saved)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcours.accounts.perms import active_membership
from parcours.core import errors
from parcours.core.forms import add_validation_errors
from parcours.core.versioning import StaleVersionError
from parcours.households.display import trace_named
from parcours.households.models import Household
from parcours.households.querysets import label_prefetch
from parcours.offers.choices import FacilityKind
from parcours.orientation import perms as orientation_perms
from parcours.orientation.models import InsertionRequest, Proposal

from . import loaders, perms, selectors, services
from .cache import REQUESTS
from .engine import TERMS, term_labels
from .forms import RequestFactsForm, SimulationForm, WhyNotForm
from .models import RequestFacts, RuleSetting

PAGE_SIZE = 25
STALE_MESSAGE = gettext_lazy(
    "Quelqu'un a modifié ces éléments pendant que vous les modifiiez. Vos changements ne sont pas "
    "enregistrés : rouvrez la page pour repartir de la version actuelle."
)
SIMULATED_VACANCIES = 12
TOP = 5


def _crumbs(*more):
    return [
        (_("Orientation"), reverse("orientation:list")),
        (_("Vacances à pourvoir"), reverse("matching:vacancies")),
        *more,
    ]


def _territory_code(user) -> str:
    membership = active_membership(user)
    return (
        membership.organization.territory.code if membership and membership.organization.territory_id else ""
    )


def vacancy_list(request):
    if not perms.can_prepare_commission(request.user):
        raise Http404
    vacancies = loaders.open_vacancies(_territory_code(request.user)).select_related("unit__facility")
    page = Paginator(vacancies, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "matching/vacancies.html",
        {
            "page": page,
            "crumbs": [(_("Orientation"), reverse("orientation:list")), (_("Vacances à pourvoir"), None)],
        },
    )


def candidates(request, vacancy_id: int):
    vacancy = selectors.vacancy_for(request.user, vacancy_id)
    if vacancy is None:
        raise Http404
    why_form = WhyNotForm(request.GET or None) if "request" in request.GET else WhyNotForm()
    why = None
    if vacancy.is_open and why_form.is_bound and why_form.is_valid():
        asked = (
            InsertionRequest.objects.select_related("household")
            .filter(pk=why_form.cleaned_data["request"])
            .first()
        )
        if asked is None or not orientation_perms.can_view_request(request.user, asked):
            why_form.add_error("request", _("Demande introuvable."))
        else:
            why = selectors.why_not(actor=request.user, vacancy=vacancy, insertion_request=asked)
            if not why.open:
                why_form.add_error(
                    "request", _("Cette demande n'est pas validée : elle n'entre pas dans le classement.")
                )
                why = None
    found = None
    offset = int(request.GET["offset"]) if request.GET.get("offset", "").isdigit() else 0
    if vacancy.is_open:
        found = selectors.candidate_list(actor=request.user, vacancy=vacancy, limit=PAGE_SIZE, offset=offset)
    terms = list(TERMS)
    rows = []
    if found:
        # The households of the page, named as everywhere (households.display), their reads traced.
        shown = {found.household(c.household_id) for c in found.ranked} - {None}
        named = Household.objects.filter(pk__in=shown).prefetch_related(*label_prefetch()).in_bulk()
        trace_named(request.user, named.values(), purpose="matching")
        for c in found.ranked:
            household_id = found.household(c.household_id)
            rows.append(
                {
                    "c": c,
                    "household": household_id,
                    "named": named.get(household_id),
                    "terms": [c.terms[t] for t in terms],
                }
            )
    return render(
        request,
        "matching/candidates.html",
        {
            "vacancy": vacancy,
            "found": found,
            "rows": rows,
            # One proposal at a time per vacancy: while one waits, « Proposer » is not offered.
            "in_progress": Proposal.objects.linking().filter(vacancy=vacancy).exists(),
            "term_labels": [term_labels()[t] for t in terms],
            "listed_excluded": found.ranking.listed_excluded_count(selectors.UNLISTED_RULES) if found else 0,
            "why_form": why_form,
            "why": why,
            "previous_offset": max(offset - PAGE_SIZE, 0) if offset else None,
            "next_offset": offset + PAGE_SIZE
            if found and offset + PAGE_SIZE < found.ranking.ranked_count
            else None,
            "crumbs": _crumbs((str(vacancy), None)),
        },
    )


def assignment(request):
    """The optimal assignment of the territory's open vacancies, to prepare the commission."""
    if not perms.can_prepare_commission(request.user):
        raise Http404
    settings = loaders.load_settings()
    vacancy_rows = {
        v.pk: v
        for v in loaders.open_vacancies(_territory_code(request.user)).select_related("unit__facility")
    }
    vacancies = loaders.load_vacancies(loaders.open_vacancies(_territory_code(request.user)), settings)
    engine = REQUESTS.engine(settings.weights)
    result = engine.assign(vacancies)
    pairs = [(vacancy_rows[v], r, s) for v, r, s in result.pairs]
    return render(
        request,
        "matching/assignment.html",
        {
            "pairs": pairs,
            "unfilled": [vacancy_rows[v] for v in result.unfilled],
            "total": result.total_score,
            "crumbs": _crumbs((_("Affectation optimale"), None)),
        },
    )


def simulation(request):
    """Rank the territory's current vacancies under the stored settings and under the ones typed in,
    side by side. Nothing is saved, except by a network administrator who then asks for it (POST);
    no household is named (request numbers only, and not even those for administrators)."""
    if not perms.can_simulate(request.user):
        raise Http404
    stored = loaders.load_settings()
    if request.method == "POST":
        return _save_settings(request, stored)
    form = SimulationForm(request.GET or None, weights=stored.weights)
    comparisons = []
    changed_first = 0
    if form.is_bound and form.is_valid():
        weights, rules = form.overrides()
        simulated = stored.with_overrides(weights=weights, rules=rules)
        territory = _territory_code(request.user)
        rows = loaders.open_vacancies(territory or None)[:SIMULATED_VACANCIES]
        before_vacancies = loaders.load_vacancies(rows, stored)
        after_vacancies = {v.id: v for v in loaders.load_vacancies(rows, simulated)}
        before_engine = REQUESTS.engine(stored.weights)
        after_engine = (
            REQUESTS.engine(simulated.weights) if simulated.weights != stored.weights else before_engine
        )
        for v in before_vacancies:
            before = before_engine.rank(v)
            after = after_engine.rank(after_vacancies[v.id])
            top_before = before.ranked(TOP)
            top_after = after.ranked(TOP)
            ids = before_engine.requests.request_id[before.rows].tolist()
            old_rank = {rid: n + 1 for n, rid in enumerate(ids)}
            moves = [
                {
                    "c": c,
                    "was": old_rank.get(c.request_id),
                    "delta": (old_rank[c.request_id] - c.rank) if c.request_id in old_rank else None,
                }
                for c in top_after
            ]
            if [c.request_id for c in top_before[:1]] != [c.request_id for c in top_after[:1]]:
                changed_first += 1
            comparisons.append(
                {
                    "vacancy": v,
                    "kind": FacilityKind(v.kind).label,
                    "before": top_before,
                    "after": moves,
                    "before_count": before.ranked_count,
                    "after_count": after.ranked_count,
                }
            )
    return render(
        request,
        "matching/simulation.html",
        {
            "form": form,
            "comparisons": comparisons,
            "changed_first": changed_first,
            "show_requests": perms.can_see_request_numbers(request.user),
            "can_save": perms.can_edit_settings(request.user) and form.is_bound and form.is_valid(),
            "fingerprint": stored.fingerprint(),
            "params": [(k, v) for k, v in request.GET.items() if k != "fingerprint"],
            "stored_rules": RuleSetting.objects.select_related("facility").order_by(
                "rule", "kind", "facility__name"
            ),
            "stored_weights": [(term_labels()[code], stored.weights[code]) for code in TERMS],
            "crumbs": [
                (_("Orientation"), reverse("orientation:list")),
                (_("Simulation du classement"), None),
            ],
        },
    )


def _save_settings(request, stored):
    if not perms.can_edit_settings(request.user):
        raise Http404
    form = SimulationForm(request.POST, weights=stored.weights)
    query = "?" + urlencode(
        [(k, v) for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "fingerprint")]
    )
    if not form.is_valid():
        messages.error(request, _("Ces réglages ne sont pas valides : rien n'a été enregistré."))
        return redirect(reverse("matching:simulation") + query)
    weights, rules = form.overrides()
    try:
        changed = services.network_settings_update(
            actor=request.user, fingerprint=request.POST.get("fingerprint", ""), weights=weights, rules=rules
        )
    except services.SettingsConflict as exc:
        errors.show(request, exc)
        return redirect(reverse("matching:simulation") + query)
    if changed:
        messages.success(request, _("Réglages enregistrés pour tout le réseau."))
    else:
        messages.info(request, _("Ces réglages étaient déjà ceux du réseau : rien à enregistrer."))
    return redirect("matching:simulation")


def request_facts(request, request_id: int):
    """A request's matching facts: needs (whoever holds the whole file), vulnerability and the
    commission's justified priority (the SIAO coordinators of the household's département)."""
    found = InsertionRequest.objects.select_related("household").filter(pk=request_id).first()
    if found is None or not orientation_perms.can_view_request(request.user, found):
        raise Http404
    needs, priority = perms.can_edit_needs(request.user, found), perms.can_set_priority(request.user, found)
    if not (needs or priority):
        raise Http404
    facts = RequestFacts.objects.filter(request=found).first() or RequestFacts(request=found)
    initial = {name: getattr(facts, name) for name in (*services.NEEDS_FIELDS, *services.PRIORITY_FIELDS)}
    initial["version"] = facts.version if facts.pk else 0
    form = RequestFactsForm(request.POST or None, initial=initial, needs=needs, priority=priority)
    if request.method == "GET":
        selectors.record_facts_read(actor=request.user, insertion_request=found)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {
            name: data[name] for name in form.fields if name != "version" and name in form.changed_data
        }
        if "manual_priority" in changes and changes["manual_priority"] is None:
            changes["manual_priority"] = 0
        try:
            services.request_facts_update(
                actor=request.user, insertion_request=found, version=data["version"] or None, **changes
            )
        except StaleVersionError:
            form.add_error(None, STALE_MESSAGE)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Les éléments d'orientation sont enregistrés."))
            return redirect("matching:request_facts", request_id=found.pk)
    return render(
        request,
        "matching/request_facts.html",
        {
            "req": found,
            "form": form,
            "crumbs": [
                (_("Orientation"), reverse("orientation:list")),
                (str(found), reverse("orientation:detail", args=[found.pk])),
                (_("Éléments d'orientation"), None),
            ],
        },
    )
