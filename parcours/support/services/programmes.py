"""Writes of supported-housing programmes: creation, units, funding, housed households."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.accounts.models import Organization
from parcours.accounts.roles import OrganizationType, Role
from parcours.core import audit
from parcours.core.errors import require

from .. import perms
from ..audit_actions import SupportAuditAction as A
from ..choices import FundingSource
from ..models import Programme, ProgrammeFunding, ProgrammeHousing
from ._common import Conflict, _membership


@transaction.atomic
def programme_create(
    *,
    actor,
    name: str,
    landlord: Organization,
    association: Organization,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    description: str = "",
) -> Programme:
    """A joint project: one landlord and one association, the actor's organization being one of them
    (network administrators declare any)."""
    require(perms.can_create_programme(actor))
    membership = _membership(actor)
    errors = {}
    if not (name or "").strip():
        errors["name"] = _("Donnez un nom au projet.")
    if landlord.type != OrganizationType.LANDLORD:
        errors["landlord"] = _("Choisissez un bailleur social.")
    if association.type not in (OrganizationType.ASSOCIATION, OrganizationType.SIAO_OPERATOR):
        errors["association"] = _("Choisissez une association.")
    if membership.role != Role.NETWORK_ADMIN and membership.organization_id not in (
        landlord.pk,
        association.pk,
    ):
        errors["landlord"] = _("Votre organisation doit être l'une des deux parties du projet.")
    if ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = _("La fin du projet ne peut précéder son début.")
    if errors:
        raise ValidationError(errors)
    programme = Programme.objects.create(
        name=name.strip(),
        landlord=landlord,
        association=association,
        territory_id=landlord.territory_id,
        starts_on=starts_on,
        ends_on=ends_on,
        description=description.strip(),
    )
    audit.record_write(
        actor=actor,
        action=A.PROGRAMME_CREATE,
        obj=programme,
        fields=["name", "landlord", "association"],
    )
    return programme


@transaction.atomic
def programme_add_unit(*, actor, programme: Programme, unit) -> None:
    """A unit of the landlord's stock joins the project."""
    require(perms.can_manage_programme(actor, programme))
    if unit.facility.organization_id not in (programme.landlord_id, programme.association_id):
        raise ValidationError(
            {"unit": _("Ce logement n'appartient ni au bailleur ni à l'association du projet.")}
        )
    programme.units.add(unit)
    audit.record_write(actor=actor, action=A.PROGRAMME_UNIT, obj=programme, fields=["units"])


@transaction.atomic
def funding_add(*, actor, programme: Programme, source: str, year: int, amount: Decimal) -> ProgrammeFunding:
    require(perms.can_manage_programme(actor, programme))
    errors = {}
    if source not in FundingSource.values:
        errors["source"] = _("Financeur inconnu.")
    if amount is None or amount < 0:
        errors["amount"] = _("Le montant ne peut pas être négatif.")
    if not 2000 <= int(year) <= 2100:
        errors["year"] = _("Année invalide.")
    if errors:
        raise ValidationError(errors)
    funding = ProgrammeFunding.objects.create(programme=programme, source=source, year=year, amount=amount)
    audit.record_write(
        actor=actor, action=A.PROGRAMME_FUNDING, obj=programme, fields=["source", "year", "amount"]
    )
    return funding


@transaction.atomic
def housing_add(*, actor, programme: Programme, household, unit, entered_on: dt.date) -> ProgrammeHousing:
    """A household enters one of the project's units (the landlord is then linked to it, see links.py)."""
    require(perms.can_house_in_programme(actor, programme, household))
    if not programme.units.filter(pk=unit.pk).exists():
        raise ValidationError({"unit": _("Ce logement ne fait pas partie du projet.")})
    try:
        with transaction.atomic():
            housing = ProgrammeHousing.objects.create(
                programme=programme, household=household, unit=unit, entered_on=entered_on
            )
    except IntegrityError as exc:
        raise Conflict(_("Ce logement est déjà occupé par un ménage du projet.")) from exc
    audit.record_write(actor=actor, action=A.PROGRAMME_HOUSING, obj=programme, fields=["household", "unit"])
    return housing


@transaction.atomic
def housing_end(*, actor, housing: ProgrammeHousing, left_on: dt.date) -> ProgrammeHousing:
    require(perms.can_manage_programme(actor, housing.programme))
    if left_on < housing.entered_on:
        raise ValidationError({"left_on": _("La sortie ne peut précéder l'entrée.")})
    ProgrammeHousing.objects.filter(pk=housing.pk).update(left_on=left_on, updated_at=timezone.now())
    housing.left_on = left_on
    audit.record_write(actor=actor, action=A.PROGRAMME_LEAVE, obj=housing.programme, fields=["left_on"])
    return housing
