"""Pages of supported-housing programmes: list, detail, units, funding, housed households."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcours.accounts.models import Organization
from parcours.accounts.roles import OrganizationType
from parcours.core.forms import add_validation_errors
from parcours.core.lookup import get_visible_or_404
from parcours.households.models import Household, with_people
from parcours.households.perms import can_view_household
from parcours.households.services import record_reads
from parcours.offers.models import Unit

from .. import forms, perms, services
from ..models import Programme, ProgrammeHousing
from ..reports import report_for
from ._common import _crumbs, _fail, _form_errors


def _programme_form(request, data=None):
    landlords = Organization.objects.active().filter(type=OrganizationType.LANDLORD)
    associations = Organization.objects.active().filter(
        type__in=[OrganizationType.ASSOCIATION, OrganizationType.SIAO_OPERATOR]
    )
    return forms.ProgrammeForm(data, landlords=landlords, associations=associations)


def programme_list(request):
    programmes = Programme.objects.visible_to(request.user).select_related("landlord", "association")
    can_create = perms.can_create_programme(request.user)
    if not can_create and not programmes.exists():
        raise Http404
    form = _programme_form(request, request.POST or None) if can_create else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                programme = services.programme_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(
                    request, _("Le projet est créé : ajoutez ses logements et ses financements.")
                )
                return redirect("support:programme", pk=programme.pk)
    return render(
        request,
        "support/programme_list.html",
        {"programmes": programmes, "form": form, "crumbs": _crumbs((_("Logements accompagnés"), None))},
        status=400 if form is not None and form.errors else 200,
    )


def _get_programme(request, pk) -> Programme:
    return get_visible_or_404(Programme.objects.select_related("landlord", "association"), pk, request.user)


def _candidate_units(programme):
    return Unit.objects.filter(
        active=True, facility__organization_id__in=[programme.landlord_id, programme.association_id]
    ).select_related("facility")


def programme_detail(request, pk):
    programme = _get_programme(request, pk)
    manage = perms.can_manage_programme(request.user, programme)
    report = report_for(request.user, programme)
    context = {
        "programme": programme,
        "manage": manage,
        "report": report,
        "crumbs": _crumbs(
            (_("Logements accompagnés"), reverse("support:programmes")), (programme.name, None)
        ),
    }
    if manage:
        visible = set(Household.objects.listable_by(request.user).values_list("pk", flat=True))
        housings = list(
            programme.housings.select_related("unit__facility", "household").prefetch_related(
                *with_people("household")
            )
        )
        for h in housings:
            h.named = h.household_id in visible
        record_reads(
            actor=request.user,
            households=[h.household for h in housings if h.named],
            sections=["programme"],
            purpose="programme",
        )
        units = programme.units.select_related("facility")
        context.update(
            {
                "units": units,
                "fundings": programme.fundings.all(),
                "housings": housings,
                "unit_form": forms.ProgrammeUnitForm(
                    prefix="unit", units=_candidate_units(programme).exclude(pk__in=units.values("pk"))
                ),
                "funding_form": forms.FundingForm(prefix="funding"),
                "housing_form": forms.HousingForm(prefix="housing", units=units),
                "end_form": forms.HousingEndForm(prefix="end"),
            }
        )
    return render(request, "support/programme_detail.html", context)


@require_POST
def programme_action(request, pk, action):
    programme = _get_programme(request, pk)
    if action not in ("unit", "funding", "housing", "end") or not perms.can_manage_programme(
        request.user, programme
    ):
        raise Http404
    data = request.POST
    try:
        if action == "unit":
            form = forms.ProgrammeUnitForm(data, prefix="unit", units=_candidate_units(programme))
            if form.is_valid():
                services.programme_add_unit(
                    actor=request.user, programme=programme, unit=form.cleaned_data["unit"]
                )
        elif action == "funding":
            form = forms.FundingForm(data, prefix="funding")
            if form.is_valid():
                services.funding_add(actor=request.user, programme=programme, **form.cleaned_data)
        elif action == "housing":
            form = forms.HousingForm(data, prefix="housing", units=programme.units.all())
            if form.is_valid():
                household = Household.objects.alive().filter(pk=form.cleaned_data["household"]).first()
                if household is None or not can_view_household(request.user, household):
                    messages.error(request, _("Aucun dossier de ce numéro ne vous est accessible."))
                    return redirect("support:programme", pk=pk)
                services.housing_add(
                    actor=request.user,
                    programme=programme,
                    household=household,
                    unit=form.cleaned_data["unit"],
                    entered_on=form.cleaned_data["entered_on"],
                )
        else:
            form = forms.HousingEndForm(data, prefix="end")
            if form.is_valid():
                housing = ProgrammeHousing.objects.filter(
                    programme=programme, pk=form.cleaned_data["housing"]
                ).first()
                if housing is None:
                    raise Http404
                services.housing_end(
                    actor=request.user, housing=housing, left_on=form.cleaned_data["left_on"]
                )
        if not form.is_valid():
            _form_errors(request, form)
            return redirect("support:programme", pk=pk)
    except (services.Conflict, ValidationError) as exc:
        _fail(request, exc)
    except PermissionDenied:
        messages.error(request, _("Votre rôle ne permet pas cette action."))
    else:
        messages.success(request, _("C'est enregistré."))
    return redirect("support:programme", pk=pk)
