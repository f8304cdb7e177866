"""Writes on the household file; each one in a transaction, versioned where it edits, audited."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.accounts.models import User
from parcours.accounts.perms import active_membership
from parcours.core import audit
from parcours.core.errors import require
from parcours.core.versioning import claim_version
from parcours.territories.models import Territory

from . import perms
from .audit_actions import HouseholdAction
from .choices import SUGGESTED_FAMILY, ConsentPurpose, InformedHow, Relationship, ResourceKind, Situation
from .models import Consent, Household, MoneyLine, Person, SituationPeriod
from .querysets import months_after


@dataclass(frozen=True)
class MemberData:
    first_name: str
    last_name: str
    birth_date: date | None
    sex: str
    relationship: str


def _territory(code: str, field: str = "territory") -> Territory:
    from parcours.core.cache import cached

    territory = cached("territories", f"code:{code}", lambda: Territory.objects.filter(code=code).first())
    if territory is None:
        raise ValidationError({field: _("Département inconnu : %(code)s.") % {"code": code}})
    return territory


def _check_members(members: list[MemberData]) -> None:
    if not members:
        raise ValidationError({"members": _("Un ménage compte au moins une personne.")})
    heads = sum(1 for m in members if m.relationship == Relationship.HEAD)
    if heads != 1:
        raise ValidationError(
            {"members": _("Un ménage a une et une seule personne de référence (« head »).")}
        )
    today = timezone.localdate()
    for m in members:
        if m.birth_date is not None and (m.birth_date > today or m.birth_date.year < today.year - 120):
            raise ValidationError(
                {"members": _("Date de naissance invraisemblable : %(d)s.") % {"d": m.birth_date}}
            )


# The refusals of the household services (ADR 0016): the same sentences on pages and in the API.
def _may_open(actor: User) -> None:
    require(perms.can_create_household(actor), _("Votre rôle ne permet pas d'ouvrir un dossier."))


def _may_edit(actor: User, household: Household) -> None:
    require(
        perms.can_edit_household(actor, household),
        _("Vous ne voyez que la fiche partagée de ce ménage : elle n'est pas modifiable."),
    )


def _may_manage_consents(actor: User, household: Household) -> None:
    require(
        perms.can_manage_consents(actor, household),
        _("Le consentement est recueilli par l'organisation qui suit le ménage."),
    )


# The situations a file may open with, listed once (`Situation.values` builds its list at each call).
_SITUATIONS = frozenset(Situation.values)


def household_create_in_transaction(
    *,
    actor: User,
    members: list[MemberData],
    territory: str,
    situation: str,
    protected: bool = False,
    monthly_resources: Decimal | None = None,
    situation_since: date | None = None,
) -> Household:
    """Open a file. The actor's organization becomes the referent organization; a social worker
    becomes the referent. This body runs in the caller's transaction, without a savepoint of its own:
    `household_create` is the same in a transaction of its own; a service that opens the file as part
    of a larger write (the 115's évaluation flash) calls this one inside its own transaction, all or
    nothing (issue 18: fewer statements per call saved)."""
    _may_open(actor)
    membership = active_membership(actor)
    _check_members(members)
    if situation not in _SITUATIONS:
        raise ValidationError({"situation": _("Situation inconnue : %(s)s.") % {"s": situation}})
    household = Household(
        territory=_territory(territory),
        referent_organization=membership.organization,
        referent=actor if membership.role == "social_worker" else None,
        protected=protected,
        public_family=SUGGESTED_FAMILY.get(situation),
    )
    # The territory, the organization and the referent were just read: their rows exist (and the
    # foreign keys hold anyway). A new file has no DALO decision, so its only check constraint
    # (a decision has a date) holds: no query for either, the database still enforces both.
    household.full_clean(
        exclude=["territory", "referent_organization", "referent"], validate_constraints=False
    )
    household.save()
    people = []
    for m in members:
        person = Person(household=household, **m.__dict__)
        person.full_clean(exclude=["household", "search_text"])
        person.save()
        people.append(person)
    # Its people are known: whoever reads `household.members` next (the 115's composition) is not
    # sent back to the database for them.
    known = household.people.all()
    known._result_cache, known._prefetch_done = people, True
    household._prefetched_objects_cache = {Person._meta.get_field("household").remote_field.cache_name: known}
    SituationPeriod.objects.create(
        household=household,
        situation=situation,
        started_on=situation_since or timezone.localdate(),
        recorded_by=actor,
    )
    if monthly_resources is not None:
        _set_declared_resources(household, monthly_resources)
    audit.record_write(
        actor=actor,
        action=HouseholdAction.HOUSEHOLD_CREATE,
        obj=household,
        fields=["members", "territory", "situation", "protected", "monthly_resources"],
    )
    return household


household_create = transaction.atomic(household_create_in_transaction)


def _set_declared_resources(household: Household, amount: Decimal) -> None:
    if amount < 0:
        raise ValidationError({"monthly_resources": _("Les ressources ne peuvent pas être négatives.")})
    detailed = household.money_lines.filter(is_resource=True).exclude(kind=ResourceKind.UNSPECIFIED)
    if detailed.exists():
        raise ValidationError(
            {"monthly_resources": _("Les ressources sont détaillées par source : modifiez chaque ligne.")}
        )
    household.money_lines.filter(is_resource=True).delete()
    MoneyLine.objects.create(
        household=household, is_resource=True, kind=ResourceKind.UNSPECIFIED, monthly_amount=amount
    )


EDITABLE_FIELDS = {
    "protected",
    "public_family",
    "public_family_reason",
    "si_siao_number",
    "sne_number",
    "dalo_decision",
    "dalo_decision_on",
    "syplo_labelled",
    "syplo_labelled_on",
    "address",
    "phone",
}


@transaction.atomic
def household_update(*, actor: User, household: Household, version: int, **changes) -> Household:
    """Edit the file if `version` is still the current one. `situation` opens a new dated period;
    `territory` and `dalo_territory` take a département code; `monthly_resources` a declared total.
    The protection and the whereabouts are changed only by those who see them (rule 6)."""
    _may_edit(actor, household)
    if "protected" in changes:
        require(
            perms.can_see_whereabouts(actor, household),
            _("Seules les personnes habilitées changent la protection de ce ménage."),
        )
    if {"address", "phone", "protected_viewers"} & changes.keys():
        require(
            perms.can_see_whereabouts(actor, household),
            _("Seules les personnes habilitées voient et modifient l'adresse de ce ménage."),
        )
    special = {"situation", "territory", "dalo_territory", "monthly_resources", "protected_viewers"}
    unknown = set(changes) - EDITABLE_FIELDS - special
    if unknown:
        raise ValidationError(_("Champs non modifiables : %(f)s.") % {"f": ", ".join(sorted(unknown))})
    claim_version(household, version)
    for field in EDITABLE_FIELDS & changes.keys():
        setattr(household, field, changes[field])
    if "territory" in changes:
        household.territory = _territory(changes["territory"])
    if "dalo_territory" in changes:
        code = changes["dalo_territory"]
        household.dalo_territory = _territory(code, "dalo_territory") if code else None
    if "public_family" in changes and household.public_family is not None:
        suggested = SUGGESTED_FAMILY.get(getattr(household.current_situation, "situation", None))
        if household.public_family != suggested and not household.public_family_reason.strip():
            raise ValidationError(
                {
                    "public_family_reason": _(
                        "Donnez le motif d'une famille de public différente de celle suggérée."
                    )
                }
            )
    household.full_clean(
        exclude=["territory", "referent_organization", "referent", "merged_into", "dalo_territory"]
    )
    household.save()
    if "situation" in changes:
        situation_change(actor=actor, household=household, situation=changes["situation"], audit_it=False)
    if "monthly_resources" in changes:
        _set_declared_resources(household, Decimal(changes["monthly_resources"]))
    if "protected_viewers" in changes:
        household.protected_viewers.set(changes["protected_viewers"])
    audit.record_write(
        actor=actor, action=HouseholdAction.HOUSEHOLD_UPDATE, obj=household, fields=changes.keys()
    )
    return household


@transaction.atomic
def referent_transfer(*, actor: User, household: Household, organization, referent=None) -> Household:
    """Hand the file over to another referent organization (an association, a CCAS… or the SIAO) and,
    optionally, a named referent who is one of its social workers. The history stays with the file.
    Whoever holds the whole file hands it over."""
    _may_edit(actor, household)
    from parcours.accounts.models import Membership
    from parcours.accounts.roles import OrganizationType, Role

    if organization.type not in (OrganizationType.ASSOCIATION, OrganizationType.SIAO_OPERATOR):
        raise ValidationError(
            {"organization": _("Le dossier se confie à une association ou à l'opérateur SIAO.")}
        )
    if (
        referent is not None
        and not Membership.objects.filter(
            user=referent, organization=organization, role=Role.SOCIAL_WORKER, active=True
        ).exists()
    ):
        raise ValidationError(
            {"referent": _("Cette personne n'est pas travailleuse sociale de l'organisation choisie.")}
        )
    household.referent_organization = organization
    household.referent = referent
    household.version = F("version") + 1
    household.save(update_fields=["referent_organization", "referent", "version", "updated_at"])
    household.refresh_from_db()
    audit.record_write(
        actor=actor,
        action=HouseholdAction.REFERENT_TRANSFER,
        obj=household,
        fields=["referent_organization", "referent"],
    )
    return household


def situation_change(
    *, actor: User | None, household: Household, situation: str, since: date | None = None, audit_it=True
):
    """Close the current period and open a new one: the history is kept, never overwritten.

    On its own (`audit_it`), whoever holds the whole file changes it. With `audit_it=False` it is a
    step of another service's write (an edit of the file, an admission recorded by the facility),
    which authorized its actor and audits the whole write itself."""
    if audit_it:
        _may_edit(actor, household)
    if situation not in Situation.values:
        raise ValidationError({"situation": _("Situation inconnue : %(s)s.") % {"s": situation}})
    since = since or timezone.localdate()
    current = household.situations.filter(ended_on__isnull=True).order_by("-started_on", "-pk").first()
    if current is not None and current.situation == situation:
        return current
    if current is not None:
        if since < current.started_on:
            raise ValidationError(
                {"situation": _("La nouvelle situation ne peut commencer avant la précédente.")}
            )
        current.ended_on = since
        current.save(update_fields=["ended_on", "updated_at"])
    period = SituationPeriod.objects.create(
        household=household, situation=situation, started_on=since, recorded_by=actor
    )
    if audit_it:
        audit.record_write(
            actor=actor, action=HouseholdAction.SITUATION_CHANGE, obj=household, fields=["situation"]
        )
    return period


@transaction.atomic
def consent_record(
    *,
    actor: User,
    household: Household,
    organization,
    purpose: str,
    ends_on: date,
    starts_on: date | None = None,
    informed_how: str = InformedHow.ORALLY,
) -> Consent:
    """Record the person's consent to share the file with `organization` for `purpose`: whoever
    holds the whole file records it with the person."""
    _may_manage_consents(actor, household)
    if purpose not in ConsentPurpose.values:
        raise ValidationError({"purpose": _("Finalité inconnue : %(p)s.") % {"p": purpose}})
    consent = Consent(
        household=household,
        organization=organization,
        purpose=purpose,
        starts_on=starts_on or timezone.localdate(),
        ends_on=ends_on,
        informed_how=informed_how,
        recorded_by=actor,
    )
    today = timezone.localdate()
    if consent.ends_on < today:
        raise ValidationError({"ends_on": _("La date de fin est déjà passée.")})
    if consent.ends_on < consent.starts_on:
        raise ValidationError({"ends_on": _("La fin du consentement ne peut précéder son début.")})
    backdate = settings.PARCOURS_CONSENT_BACKDATE_DAYS
    if consent.starts_on < today - timedelta(days=backdate):
        raise ValidationError(
            {
                "starts_on": _(
                    "Un consentement ne peut commencer plus de %(n)s jours avant son enregistrement : "
                    "recueillez-le à nouveau avec la personne."
                )
                % {"n": backdate}
            }
        )
    months = settings.PARCOURS_CONSENT_MAX_MONTHS
    if consent.starts_on > months_after(today, months):
        raise ValidationError(
            {"starts_on": _("Un consentement commence au plus tard dans %(n)s mois.") % {"n": months}}
        )
    if consent.ends_on > months_after(consent.starts_on, months):
        raise ValidationError(
            {
                "ends_on": _(
                    "Un consentement dure au plus %(n)s mois : choisissez une date de fin au plus tard "
                    "le %(d)s."
                )
                % {"n": months, "d": months_after(consent.starts_on, months).strftime("%d/%m/%Y")}
            }
        )
    consent.full_clean(exclude=["household", "recorded_by"])
    consent.save()
    audit.record_write(
        actor=actor,
        action=HouseholdAction.CONSENT_RECORD,
        obj=household,
        fields=["consent", "purpose", "organization"],
    )
    return consent


@transaction.atomic
def consent_revoke(*, actor: User, consent: Consent) -> Consent:
    """The person withdraws consent: sharing stops at once; the record stays for the history."""
    require(
        perms.can_revoke_consent(actor, consent),
        _("Le consentement est recueilli par l'organisation qui suit le ménage."),
    )
    if consent.revoked_at is None:
        consent.revoked_at = timezone.now()
        consent.revoked_by = actor
        consent.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
        audit.record_write(
            actor=actor, action=HouseholdAction.CONSENT_REVOKE, obj=consent.household, fields=["consent"]
        )
    return consent


def record_reads(*, actor, households, sections, purpose: str) -> None:
    """Trace the households shown together in a list or search results."""
    audit.record_reads(actor=actor, objs=households, sections=sections, purpose=purpose)


def record_read(*, actor, household: Household, sections, purpose: str) -> None:
    """Trace a read of the named file: who, which sections, for which purpose (rule 7)."""
    audit.record_read(actor=actor, obj=household, sections=sections, purpose=purpose)


@transaction.atomic
def household_merge(*, actor: User, keep: Household, duplicate: Household) -> Household:
    """Record that `duplicate` is the same household as `keep`. Both histories are kept as they are:
    the duplicate's people, periods and consents stay on it, reachable from the kept file. Only who
    holds both whole files merges them."""
    _may_edit(actor, keep)
    _may_edit(actor, duplicate)
    if keep.pk == duplicate.pk or duplicate.merged_into_id or keep.merged_into_id:
        raise ValidationError(_("Ces deux dossiers ne peuvent pas être fusionnés."))
    claim_version(duplicate, duplicate.version)
    claim_version(keep, keep.version)
    duplicate.merged_into = keep
    duplicate.save(update_fields=["merged_into"])
    audit.record_write(
        actor=actor, action=HouseholdAction.HOUSEHOLD_MERGE, obj=duplicate, fields=["merged_into"]
    )
    audit.record_write(
        actor=actor, action=HouseholdAction.HOUSEHOLD_MERGE_INTO, obj=keep, fields=["merged_files"]
    )
    return keep


@transaction.atomic
def household_split(*, actor: User, merged: Household) -> Household:
    """Undo a merge: the file stands on its own again, with everything it had."""
    _may_edit(actor, merged)
    if merged.merged_into_id is None:
        raise ValidationError(_("Ce dossier n'est pas fusionné."))
    keep_id = merged.merged_into_id
    claim_version(merged, merged.version)
    merged.merged_into = None
    merged.save(update_fields=["merged_into"])
    audit.record_write(
        actor=actor, action=HouseholdAction.HOUSEHOLD_SPLIT, obj=merged, fields=["merged_into"]
    )
    audit.record_write(
        actor=actor,
        action=HouseholdAction.HOUSEHOLD_SPLIT_FROM,
        obj=("households.household", keep_id),
        fields=["merged_files"],
    )
    return merged


@transaction.atomic
def composition_update(*, actor: User, household: Household, version: int, members: list[dict]) -> Household:
    """Edit, add and take out people. Someone who leaves keeps a `left_on` date: the household's
    history still shows them. Each member dict: optional `id`, the person's fields, `leaves`."""
    _may_edit(actor, household)
    staying = [m for m in members if not m.get("leaves")]
    _check_members([MemberData(**{k: m[k] for k in MemberData.__dataclass_fields__}) for m in staying])
    claim_version(household, version)
    existing = {p.pk: p for p in household.people.filter(left_on__isnull=True)}
    today = timezone.localdate()
    for m in members:
        values = {k: m[k] for k in MemberData.__dataclass_fields__}
        if m.get("id"):
            person = existing.get(m["id"])
            if person is None:
                raise ValidationError({"members": _("Cette personne ne fait pas partie du ménage.")})
            for key, value in values.items():
                setattr(person, key, value)
            if m.get("leaves"):
                person.left_on = today
            person.full_clean(exclude=["household", "search_text"])
            person.save()
        elif not m.get("leaves"):
            person = Person(household=household, **values)
            person.full_clean(exclude=["household", "search_text"])
            person.save()
    audit.record_write(
        actor=actor, action=HouseholdAction.COMPOSITION_UPDATE, obj=household, fields=["members"]
    )
    return household


@transaction.atomic
def money_lines_update(*, actor: User, household: Household, version: int, lines: list[dict]) -> Household:
    """Replace the monthly resources and charges by source (each: is_resource, kind, monthly_amount)."""
    _may_edit(actor, household)
    claim_version(household, version)
    household.money_lines.all().delete()
    for line in lines:
        money = MoneyLine(household=household, **line)
        money.full_clean(exclude=["household"])
        money.save()
    audit.record_write(
        actor=actor, action=HouseholdAction.MONEY_UPDATE, obj=household, fields=["resources", "charges"]
    )
    return household


@transaction.atomic
def household_delete(*, actor: User, household: Household, version: int) -> Household:
    """Close a file opened by mistake. Soft: nothing is erased until the retention policy
    anonymises it; the file disappears from lists, searches and pages. Only the referent
    organization's social workers close a file."""
    require(
        perms.can_delete_household(actor, household),
        _("Seule l'organisation référente supprime un dossier ouvert par erreur."),
    )
    claim_version(household, version)
    household.deleted_at = timezone.now()
    household.save(update_fields=["deleted_at"])
    audit.record_write(
        actor=actor, action=HouseholdAction.HOUSEHOLD_DELETE, obj=household, fields=["deleted_at"]
    )
    return household
