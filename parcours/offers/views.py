"""Offer pages: the list with its availability table, a facility, editing, units and vacancies."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from parcours.core import errors
from parcours.core.forms import add_validation_errors
from parcours.core.lookup import get_visible_or_404
from parcours.core.versioning import StaleVersionError
from parcours.territories.models import Territory

from . import perms, services
from .choices import EMERGENCY_KINDS, FacilityKind
from .forms import FacilityForm, OfferFilterForm, UnitForm, VacancyForm
from .models import Facility, Unit, Vacancy
from .querysets import availability

PAGE_SIZE = 25

STALE_MESSAGE = gettext_lazy(
    "Quelqu'un a modifié cette fiche pendant que vous la modifiiez. Vos changements ne sont pas "
    "enregistrés : rouvrez-la pour repartir de la version actuelle."
)


def _crumbs(*more):
    return [(_("Offre"), reverse("offers:list")), *more]


def _facility_crumbs(facility, *more):
    return _crumbs((facility.name, reverse("offers:facility_detail", args=[facility.pk])), *more)


FACILITIES = Facility.objects.select_related("organization", "territory", "commune")
UNITS = Unit.objects.select_related("facility__organization", "facility__territory")


def _managed_facility(request, pk) -> Facility:
    """A form page on a facility is offered to those who manage it, a 404 for the others (as
    before); the service it calls authorizes the write itself (ADR 0016)."""
    facility = get_visible_or_404(FACILITIES, pk, request.user)
    if not perms.can_manage_facility(request.user, facility):
        raise Http404
    return facility


def _managed_unit(request, pk) -> Unit:
    unit = get_visible_or_404(UNITS, pk, request.user)
    if not perms.can_manage_unit(request.user, unit):
        raise Http404
    return unit


def _filtered(form, facilities):
    if not form.is_valid():
        return facilities
    data = form.cleaned_data
    if data["kind"]:
        facilities = facilities.filter(kind=data["kind"])
    if data["territory"]:
        facilities = facilities.filter(territory=data["territory"])
    if data["emergency"]:
        facilities = facilities.filter(kind__in=EMERGENCY_KINDS)
    if data["with_vacancy"]:
        facilities = facilities.filter(
            Exists(Vacancy.objects.open().filter(unit__facility=OuterRef("pk"), unit__active=True))
        )
    return facilities


def _availability_table(facilities):
    rows = availability(facilities)
    kinds = dict(FacilityKind.choices)
    territories = dict(
        Territory.objects.filter(code__in={r["territory"] for r in rows}).values_list("code", "name")
    )
    for row in rows:
        row["kind_label"] = kinds.get(row["kind"], row["kind"])
        row["territory_label"] = f"{territories.get(row['territory'], '')} ({row['territory']})"
    totals = {key: sum(r[key] for r in rows) for key in ("units", "places", "vacancies")}
    return rows, totals


def offer_list(request):
    if not perms.can_list_facilities(request.user):
        raise Http404
    form = OfferFilterForm(request.GET or None)
    facilities = _filtered(form, Facility.objects.visible_to(request.user))
    rows, totals = _availability_table(facilities)
    page = Paginator(
        facilities.with_counts()
        .select_related("organization", "territory", "commune")
        .order_by("name", "pk"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "offers/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "availability": rows,
            "totals": totals,
            "can_create": perms.can_create_facility(request.user),
            "crumbs": [(_("Offre"), None)],
        },
    )


def facility_detail(request, pk):
    facility = get_visible_or_404(FACILITIES, pk, request.user)
    units = list(
        facility.units.order_by("label", "pk").prefetch_related(
            Prefetch(
                "vacancies",
                # A vacancy with a proposal in progress is not offered for a second one.
                queryset=Vacancy.objects.open().annotate(
                    in_progress=Exists(Vacancy.objects.with_proposal_in_progress().filter(pk=OuterRef("pk")))
                ),
                to_attr="open_vacancies",
            )
        )
    )
    history = list(
        Vacancy.objects.filter(unit__facility=facility)
        .exclude(status="open")
        .select_related("unit", "declared_by")
        .order_by("-declared_at", "-pk")[:20]
    )
    can_manage = perms.can_manage_facility(request.user, facility)
    return render(
        request,
        "offers/facility_detail.html",
        {
            "facility": facility,
            "units": units,
            "history": history,
            "can_manage": can_manage,
            "door_code_shown": perms.can_see_door_code(request.user, facility),
            "places": sum(u.capacity for u in units if u.active),
            "open_count": sum(1 for u in units if u.open_vacancies),
            "crumbs": _crumbs((facility.name, None)),
        },
    )


def _facility_changes(data) -> dict:
    return {
        "name": data["name"],
        "kind": data["kind"],
        "organization": data["organization"],
        "territory": data["territory"].code,
        "commune": data["commune"] or None,
        "finess": data["finess"],
        "siret": data["siret"],
        "min_age": data["min_age"],
        "max_age": data["max_age"],
        "accepted_sex": data["accepted_sex"],
        "accepted_household": data["accepted_household"],
        "pets_accepted": data["pets_accepted"],
        "wheelchair_accessible": data["wheelchair_accessible"],
        "couples_accepted": data["couples_accepted"],
        "street_address": data["street_address"],
        "postcode": data["postcode"],
        "phone": data["phone"],
        "door_code": data["door_code"],
        "opening_hours": data["opening_hours"],
    }


def facility_create(request):
    if not perms.can_create_facility(request.user):
        raise Http404
    membership = request.membership
    form = FacilityForm(
        request.POST or None,
        organizations=perms.organization_choices(request.user),
        initial={
            "organization": membership.organization,
            "territory": membership.organization.territory.code,
            "kind": FacilityKind.LOGEMENT_SOCIAL if membership.role == "landlord" else FacilityKind.CHU,
        },
    )
    if request.method == "POST" and form.is_valid():
        changes = _facility_changes(form.cleaned_data)
        try:
            facility = services.facility_create(actor=request.user, **changes)
        except errors.Forbidden as exc:
            # A facility the user would not manage (its organization, département or kind).
            errors.add_to_form(form, exc)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("La structure « %(name)s » est créée.") % {"name": facility.name})
            return redirect("offers:facility_detail", pk=facility.pk)
    return render(
        request,
        "offers/facility_form.html",
        {"form": form, "facility": None, "crumbs": _crumbs((_("Nouvelle structure"), None))},
        status=400 if form.errors else 200,
    )


def facility_edit(request, pk):
    facility = _managed_facility(request, pk)
    initial = {
        "version": facility.version,
        **{f: getattr(facility, f) for f in services.FACILITY_FIELDS},
        "organization": facility.organization,
        "territory": facility.territory.code,
        "commune": facility.commune.code if facility.commune else "",
    }
    organizations = perms.organization_choices(request.user) | type(facility.organization).objects.filter(
        pk=facility.organization_id
    )
    form = FacilityForm(request.POST or None, initial=initial, organizations=organizations.distinct())
    conflict = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = _facility_changes(data) | {"active": data["active"]}
        changes = {k: v for k, v in changes.items() if k in form.changed_data or k == "active"}
        try:
            services.facility_update(
                actor=request.user, facility=facility, version=data["version"] or 0, **changes
            )
        except StaleVersionError:
            conflict = True
            form.add_error(None, STALE_MESSAGE)
        except services.VacancyConflict as exc:
            conflict = True
            form.add_error(None, exc.message)
        except errors.Forbidden as exc:
            # Edited into a facility the user would no longer manage.
            errors.add_to_form(form, exc)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("La structure est mise à jour."))
            return redirect("offers:facility_detail", pk=facility.pk)
    return render(
        request,
        "offers/facility_form.html",
        {"form": form, "facility": facility, "crumbs": _facility_crumbs(facility, (_("Modifier"), None))},
        status=409 if conflict else (400 if form.errors else 200),
    )


def _unit_changes(data) -> dict:
    return {
        "label": data["label"],
        "capacity": data["capacity"],
        "typology": data["typology"],
        "surface": data["surface"],
        "rent": data["rent"],
        "charges": data["charges"],
        "accessible": data["accessible"],
    }


def unit_create(request, pk):
    facility = _managed_facility(request, pk)
    form = UnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(
                actor=request.user, facility=facility, **_unit_changes(form.cleaned_data)
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("« %(label)s » est ajouté à la structure.") % {"label": unit.label})
            return redirect("offers:facility_detail", pk=facility.pk)
    return render(
        request,
        "offers/unit_form.html",
        {
            "form": form,
            "facility": facility,
            "unit": None,
            "crumbs": _facility_crumbs(facility, (_("Nouvelle place ou nouveau logement"), None)),
        },
        status=400 if form.errors else 200,
    )


def unit_edit(request, pk):
    unit = _managed_unit(request, pk)
    facility = unit.facility
    initial = {"version": unit.version, **{f: getattr(unit, f) for f in services.UNIT_FIELDS}}
    form = UnitForm(request.POST or None, initial=initial)
    conflict = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = _unit_changes(data) | {"active": data["active"]}
        changes = {k: v for k, v in changes.items() if k in form.changed_data or k == "active"}
        try:
            services.unit_update(actor=request.user, unit=unit, version=data["version"] or 0, **changes)
        except StaleVersionError:
            conflict = True
            form.add_error(None, STALE_MESSAGE)
        except services.VacancyConflict as exc:
            conflict = True
            form.add_error(None, exc.message)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("« %(label)s » est mis à jour.") % {"label": unit.label})
            return redirect("offers:facility_detail", pk=facility.pk)
    return render(
        request,
        "offers/unit_form.html",
        {
            "form": form,
            "facility": facility,
            "unit": unit,
            "crumbs": _facility_crumbs(facility, (unit.label, None)),
        },
        status=409 if conflict else (400 if form.errors else 200),
    )


def vacancy_declare(request, pk):
    unit = _managed_unit(request, pk)
    if not perms.can_declare_vacancy(request.user, unit):
        raise Http404
    form = VacancyForm(request.POST or None, initial={"available_from": timezone.localdate()})
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            services.vacancy_declare(
                actor=request.user, unit=unit, available_from=form.cleaned_data["available_from"]
            )
        except services.VacancyConflict as exc:
            conflict = True
            errors.add_to_form(form, exc)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("La vacance de « %(label)s » est déclarée.") % {"label": unit.label})
            return redirect("offers:facility_detail", pk=unit.facility_id)
    return render(
        request,
        "offers/vacancy_form.html",
        {
            "form": form,
            "unit": unit,
            "crumbs": _facility_crumbs(unit.facility, (_("Déclarer une vacance"), None)),
        },
        status=409 if conflict else (400 if form.errors else 200),
    )


@require_POST
def vacancy_withdraw(request, pk):
    vacancy = get_visible_or_404(Vacancy.objects.select_related("unit__facility"), pk, request.user)
    if not perms.can_manage_unit(request.user, vacancy.unit):
        raise Http404  # as before: the withdraw button is only on the pages of who manages it
    try:
        services.vacancy_withdraw(actor=request.user, vacancy=vacancy)
    except services.VacancyConflict as exc:
        errors.show(request, exc)
    else:
        messages.success(request, _("La vacance est retirée."))
    return redirect("offers:facility_detail", pk=vacancy.unit.facility_id)
