"""Writes on the offer; each one in a transaction, versioned where it edits, audited."""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcours.accounts.models import User
from parcours.core import audit, errors
from parcours.core.errors import require
from parcours.core.versioning import save_versioned
from parcours.territories.models import Commune, Territory

from . import perms
from .audit_actions import OfferAction
from .choices import VacancyStatus
from .models import Facility, Unit, Vacancy


class VacancyConflict(errors.Conflict):
    """The unit already has an open vacancy, or the vacancy is no longer open."""


def _territory(code: str) -> Territory:
    territory = Territory.objects.filter(code=code).first()
    if territory is None:
        raise ValidationError({"territory": _("Département inconnu : %(code)s.") % {"code": code}})
    return territory


def _commune(code: str | None) -> Commune | None:
    if not code:
        return None
    commune = Commune.objects.filter(code=code).first()
    if commune is None:
        raise ValidationError({"commune": _("Commune inconnue : %(code)s.") % {"code": code}})
    return commune


FACILITY_FIELDS = {
    "name",
    "kind",
    "finess",
    "siret",
    "min_age",
    "max_age",
    "accepted_sex",
    "accepted_household",
    "pets_accepted",
    "wheelchair_accessible",
    "active",
    "street_address",
    "postcode",
    "phone",
    "door_code",
    "opening_hours",
    "couples_accepted",
}


# The refusals of the offer's services (ADR 0016): the same sentences on pages and in the API.
FORBIDDEN_FACILITY = gettext_lazy(
    "Votre rôle ne vous permet pas de gérer une structure de ce type, pour cette organisation "
    "ou dans ce département."
)
FORBIDDEN_UNITS = gettext_lazy("Votre rôle ne permet pas de gérer les places de cette structure.")
FORBIDDEN_VACANCY = gettext_lazy("Votre rôle ne permet pas de déclarer une vacance sur cette place.")


@transaction.atomic
def facility_create(
    *, actor: User, name: str, kind: str, organization, territory: str, commune: str | None = None, **rules
) -> Facility:
    """Declare a facility managed by `organization`, in the département `territory` (a code): only
    who would manage it (perms.can_create_facility)."""
    unknown = set(rules) - FACILITY_FIELDS
    if unknown:
        raise ValidationError(_("Champs inconnus : %(f)s.") % {"f": ", ".join(sorted(unknown))})
    facility = Facility(
        name=name.strip(),
        kind=kind,
        organization=organization,
        territory=_territory(territory),
        commune=_commune(commune),
        **rules,
    )
    require(perms.can_create_facility(actor, facility), FORBIDDEN_FACILITY)
    facility.full_clean()
    facility.save()
    audit.record_write(
        actor=actor,
        action=OfferAction.FACILITY_CREATE,
        obj=facility,
        fields=["name", "kind", "organization", "territory", "commune", *rules],
    )
    return facility


@transaction.atomic
def facility_update(*, actor: User, facility: Facility, version: int, **changes) -> Facility:
    """Edit the facility if `version` is still the current one; `territory` and `commune` take codes.
    Only who manages it, and only into a facility they would still manage."""
    require(perms.can_manage_facility(actor, facility), FORBIDDEN_FACILITY)
    unknown = set(changes) - FACILITY_FIELDS - {"territory", "commune", "organization"}
    if unknown:
        raise ValidationError(_("Champs non modifiables : %(f)s.") % {"f": ", ".join(sorted(unknown))})
    for field in FACILITY_FIELDS & changes.keys():
        setattr(facility, field, changes[field])
    if "organization" in changes:
        facility.organization = changes["organization"]
    if "territory" in changes:
        facility.territory = _territory(changes["territory"])
    if "commune" in changes:
        facility.commune = _commune(changes["commune"])
    require(perms.can_create_facility(actor, facility), FORBIDDEN_FACILITY)
    facility.full_clean()
    save_versioned(facility, expected_version=version, fields=list(changes))
    fields = list(changes)
    if not facility.active and _withdraw_open(Vacancy.objects.filter(unit__facility=facility)):
        fields.append("vacancies")
    audit.record_write(actor=actor, action=OfferAction.FACILITY_UPDATE, obj=facility, fields=fields)
    return facility


UNIT_FIELDS = {"label", "capacity", "typology", "surface", "rent", "charges", "accessible", "active"}


@transaction.atomic
def unit_create(
    *,
    actor: User,
    facility: Facility,
    label: str,
    capacity: int = 1,
    typology: str = "",
    surface: Decimal | None = None,
    rent: Decimal | None = None,
    charges: Decimal | None = None,
    accessible: bool = False,
) -> Unit:
    """Add a place, a room or a dwelling to a facility: whoever manages the facility."""
    require(perms.can_manage_facility(actor, facility), FORBIDDEN_UNITS)
    unit = Unit(
        facility=facility,
        label=label.strip(),
        capacity=capacity,
        typology=typology or "",
        surface=surface,
        rent=rent,
        charges=charges,
        accessible=accessible,
    )
    unit.full_clean()
    unit.save()
    audit.record_write(
        actor=actor,
        action=OfferAction.UNIT_CREATE,
        obj=unit,
        fields=["facility", "label", "capacity", "typology", "surface", "rent", "charges", "accessible"],
    )
    return unit


@transaction.atomic
def unit_update(*, actor: User, unit: Unit, version: int, **changes) -> Unit:
    """Edit the unit if `version` is still the current one: whoever manages its facility."""
    require(perms.can_manage_unit(actor, unit), FORBIDDEN_UNITS)
    unknown = set(changes) - UNIT_FIELDS
    if unknown:
        raise ValidationError(_("Champs non modifiables : %(f)s.") % {"f": ", ".join(sorted(unknown))})
    for field, value in changes.items():
        setattr(unit, field, "" if field == "typology" and value is None else value)
    unit.full_clean()
    save_versioned(unit, expected_version=version, fields=list(changes))
    fields = list(changes)
    if not unit.active and _withdraw_open(Vacancy.objects.filter(unit=unit)):
        # A unit taken out of service is no longer free: its open vacancy goes with it.
        fields.append("vacancies")
    audit.record_write(actor=actor, action=OfferAction.UNIT_UPDATE, obj=unit, fields=fields)
    return unit


PROPOSAL_IN_PROGRESS = gettext_lazy(
    "Un ménage a une proposition en cours sur cette vacance : elle doit d'abord recevoir sa réponse "
    "ou être retirée par le SIAO, qui prévient le ménage et son ou sa référent·e."
)


def _withdraw_open(vacancies) -> int:
    """Withdraw the open vacancies among `vacancies`, or none of them (VacancyConflict) while a
    household's proposal is in progress on one. The rows are locked first, so a proposal made at
    the same moment (which locks its vacancy too) either comes before and is seen, or comes after
    and finds the vacancy withdrawn."""
    open_ids = list(
        vacancies.filter(status=VacancyStatus.OPEN)
        .select_for_update(of=("self",))
        .values_list("pk", flat=True)
    )
    if Vacancy.objects.filter(pk__in=open_ids).with_proposal_in_progress().exists():
        raise VacancyConflict(str(PROPOSAL_IN_PROGRESS))
    now = timezone.now()
    return Vacancy.objects.filter(pk__in=open_ids).update(
        status=VacancyStatus.WITHDRAWN, withdrawn_at=now, updated_at=now
    )


# A vacancy is declared for the coming months, not for a distant future nor long after the fact.
MAX_DAYS_AHEAD = 366
MAX_DAYS_BEHIND = 31


@transaction.atomic
def vacancy_declare(*, actor: User, unit: Unit, available_from: date) -> Vacancy:
    """Declare the unit free from a date: whoever manages the unit. A unit has at most one open
    vacancy: a second one is refused (VacancyConflict), also under concurrency (the database
    constraint decides)."""
    require(perms.can_manage_unit(actor, unit), FORBIDDEN_VACANCY)
    today = timezone.localdate()
    if available_from > today + timedelta(days=MAX_DAYS_AHEAD):
        raise ValidationError({"available_from": _("Une vacance se déclare au plus un an à l'avance.")})
    if available_from < today - timedelta(days=MAX_DAYS_BEHIND):
        raise ValidationError({"available_from": _("Cette date est passée depuis plus d'un mois.")})
    if not (unit.active and unit.facility.active):
        raise ValidationError(_("Cette place ou ce logement n'est plus en service."))
    message = _(
        "Cette place ou ce logement a déjà une vacance à pourvoir : retirez-la avant d'en déclarer une autre."
    )
    if Vacancy.objects.open().filter(unit=unit).exists():
        raise VacancyConflict(message)
    vacancy = Vacancy(
        unit=unit,
        available_from=available_from,
        declared_by=actor,
    )
    try:
        with transaction.atomic():
            vacancy.save()
    except IntegrityError as exc:
        raise VacancyConflict(message) from exc
    audit.record_write(
        actor=actor, action=OfferAction.VACANCY_DECLARE, obj=vacancy, fields=["available_from"]
    )
    return vacancy


@transaction.atomic
def vacancy_withdraw(*, actor: User, vacancy: Vacancy) -> Vacancy:
    """Withdraw an open vacancy (declared by mistake, or the unit is no longer free): whoever manages
    the unit. Refused (VacancyConflict) while a household's proposal is in progress on it: see
    docs/offre.md."""
    require(perms.can_manage_unit(actor, vacancy.unit), FORBIDDEN_VACANCY)
    if _withdraw_open(Vacancy.objects.filter(pk=vacancy.pk)) != 1:
        raise VacancyConflict(_("Cette vacance n'est plus à pourvoir."))
    vacancy.refresh_from_db()
    audit.record_write(actor=actor, action=OfferAction.VACANCY_WITHDRAW, obj=vacancy, fields=["status"])
    return vacancy
