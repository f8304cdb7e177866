"""Everything held about a household, for the person's right of access (RGPD art. 15).

Each domain that stores data about a household registers its sections from its own `export.py`
(imported by its AppConfig.ready(), like `retention.py` and the path's steps): a section is a callable
(household, context) → JSON-serialisable data, and it names the models whose rows it gives. The
export is their union. `uncovered()` lists every model that the retention classification ties to a
household (parcours.core.retention) and that no section gives nor `NOT_EXPORTED` explains: the test
of the right of access wants it empty, so a new model holding personal data cannot be forgotten.

What the person never receives (design §5 rule 9): another person's data, a worker's notes kept for
professionals, the matching engine's ranking, a facility's internal notes. A protected household's
whereabouts (address, phone, places where it is or was housed: rule 6) are given only when the user
preparing the export may see them (`perms.can_see_whereabouts`); otherwise the export says they are
withheld and by which rule.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _

from parcours.core.models import AuditEvent, AuditKind

from . import perms
from .models import Consent, Household, MoneyLine, Person, SituationPeriod


@dataclass(frozen=True)
class ExportContext:
    """Who prepares the export, and what the rules let them hand over."""

    user: object
    whereabouts: bool  # the user may see the household's address, phone and places (rule 6)

    def place(self, value):
        """A place where the household is or was housed, or the note that it is withheld."""
        return value if self.whereabouts else WITHHELD


Section = Callable[[Household, ExportContext], object]


@dataclass(frozen=True)
class Registered:
    name: str
    build: Section
    covers: tuple[type[models.Model], ...]


# name → section, in registration order; domains add theirs from their own export.py.
SECTIONS: dict[str, Registered] = {}

# Models tied to a household that the export leaves out on purpose (label → why).
NOT_EXPORTED: dict[str, str] = {}

# What replaces a whereabouts value the user preparing the export may not see (rule 6).
WITHHELD = "[masqué : ménage protégé, réservé aux personnes habilitées nommées sur le dossier]"


def register(name: str, *, covers: Iterable[type[models.Model]] = ()):
    """Add the decorated callable (household, context) → data as the section `name` of the export;
    `covers` names the models whose rows it gives."""

    def decorator(func: Section) -> Section:
        SECTIONS[name] = Registered(name=name, build=func, covers=tuple(covers))
        return func

    return decorator


def not_exported(model: type[models.Model], why: str) -> None:
    """Declare that a model tied to a household is left out of the export, and why."""
    NOT_EXPORTED[model._meta.label] = why


def covered_labels() -> set[str]:
    return {model._meta.label for section in SECTIONS.values() for model in section.covers}


def uncovered() -> set[str]:
    """Models the retention classification ties to a household (or with personal fields) that no
    section of the export gives and that are not declared left out."""
    from parcours.core.retention import REGISTRY

    tied = {
        model._meta.label
        for model, rules in REGISTRY.items()
        if rules.household is not None or rules.personal
    }
    return tied - covered_labels() - set(NOT_EXPORTED)


# -- Helpers for the domains' sections -----------------------------------------------------------


def person_name(user) -> str | None:
    """A professional who acted, by name."""
    if user is None:
        return None
    return user.get_full_name() or user.username


def value(obj: models.Model, name: str):
    """A field as the person reads it: the label of a coded value, a name for a related row."""
    if name.endswith("_id"):
        return getattr(obj, name)
    field = obj._meta.get_field(name)
    if field.many_to_many:
        return [str(related) for related in getattr(obj, name).all()]
    if field.choices:
        raw = getattr(obj, name)
        return str(getattr(obj, f"get_{name}_display")()) if raw not in (None, "") else raw
    if field.is_relation:
        related = getattr(obj, name)
        if related is None:
            return None
        if related._meta.label == "accounts.User":
            return person_name(related)
        return str(related)
    raw = getattr(obj, name)
    if hasattr(raw, "as_tuple"):  # Decimal
        return str(raw)
    return raw


def rows(queryset: Iterable[models.Model], names: Iterable[str]) -> list[dict]:
    names = tuple(names)
    return [{name: value(obj, name) for name in names} for obj in queryset]


# -- The household file's own sections -------------------------------------------------------------


@register("household", covers=(Household,))
def _household(h: Household, ctx: ExportContext):
    return {
        "id": h.pk,
        "created_at": h.created_at,
        "territory": h.territory.code,
        "referent_organization": h.referent_organization.name,
        "referent": h.referent.get_full_name() if h.referent else None,
        "public_family": h.public_family,
        "public_family_reason": h.public_family_reason,
        "protected": h.protected,
        "address": ctx.place(h.address),
        "phone": ctx.place(h.phone),
        "si_siao_number": h.si_siao_number,
        "sne_number": h.sne_number,
        "dalo_decision": h.dalo_decision,
        "dalo_decision_on": h.dalo_decision_on,
        "dalo_territory": h.dalo_territory.code if h.dalo_territory else None,
        "syplo_labelled": h.syplo_labelled,
        "syplo_labelled_on": h.syplo_labelled_on,
        "last_contact_at": h.last_contact_at,
        "anonymised_at": h.anonymised_at,
        "merged_into": h.merged_into_id,
        "protected_viewers": [person_name(u) for u in h.protected_viewers.all()]
        if ctx.whereabouts
        else WITHHELD,
    }


@register("people", covers=(Person,))
def _people(h: Household, ctx: ExportContext):
    return [
        {
            "first_name": p.first_name,
            "last_name": p.last_name,
            "birth_date": p.birth_date,
            "sex": p.sex,
            "relationship": p.relationship,
            "left_on": p.left_on,
        }
        for p in h.people.order_by("pk")
    ]


@register("situations", covers=(SituationPeriod,))
def _situations(h: Household, ctx: ExportContext):
    return [
        {
            "situation": s.situation,
            "started_on": s.started_on,
            "ended_on": s.ended_on,
            "recorded_by": person_name(s.recorded_by),
        }
        for s in sorted(h.situations.select_related("recorded_by"), key=lambda s: (s.started_on, s.pk))
    ]


@register("resources_and_charges", covers=(MoneyLine,))
def _money(h: Household, ctx: ExportContext):
    return [
        {"resource": m.is_resource, "kind": m.kind, "monthly_amount": str(m.monthly_amount)}
        for m in h.money_lines.order_by("pk")
    ]


@register("consents", covers=(Consent,))
def _consents(h: Household, ctx: ExportContext):
    return [
        {
            "organization": c.organization.name,
            "purpose": c.purpose,
            "starts_on": c.starts_on,
            "ends_on": c.ends_on,
            "informed_how": c.informed_how,
            "recorded_by": person_name(c.recorded_by),
            "revoked_at": c.revoked_at,
            "revoked_by": person_name(c.revoked_by),
        }
        for c in h.consents.select_related("organization", "recorded_by", "revoked_by").order_by("pk")
    ]


@register("access_log", covers=(AuditEvent,))
def _access_log(h: Household, ctx: ExportContext):
    """Who read or changed the file: every event of the audit trail on the household (the reads of its
    requests, proposals, measures and alerts are traced against the household too)."""
    from parcours.accounts.models import Organization

    events = list(
        AuditEvent.objects.for_object("households.household", h.pk).select_related("actor").order_by("id")
    )
    names = dict(
        Organization.objects.filter(pk__in={e.organization_id for e in events}).values_list("pk", "name")
    )
    return [
        {
            "at": e.occurred_at,
            "kind": e.kind,
            "who": e.actor.get_full_name() if e.actor else None,
            "organization": names.get(e.organization_id),
            "role": e.role,
            "action": e.action,
            "sections": e.sections,
            "purpose": e.purpose,
            "via": e.via,
        }
        for e in events
        if e.kind in (AuditKind.READ, AuditKind.WRITE)
    ]


def export_context(user, household: Household) -> ExportContext:
    return ExportContext(user=user, whereabouts=perms.can_see_whereabouts(user, household))


def household_export(household: Household, user) -> dict:
    """Every registered section, for `user` (who prepares it for the person)."""
    ctx = export_context(user, household)
    names = [name for name in SECTIONS if name != "access_log"] + ["access_log"]  # the log comes last
    return {name: SECTIONS[name].build(household, ctx) for name in names}


def section_titles() -> dict[str, str]:
    """The sections' French titles on the readable page (the JSON keeps the stable names)."""
    return {
        "household": _("Le dossier"),
        "people": _("Les personnes"),
        "situations": _("Les situations de logement"),
        "resources_and_charges": _("Ressources et charges"),
        "consents": _("Consentements"),
        "access_log": _("Qui a consulté ou modifié le dossier"),
        "assessments": _("Évaluations sociales"),
        "assessment_drafts": _("Évaluations en cours de saisie (brouillons)"),
        "emergency": _("Demandes au 115 (nuits et places)"),
        "insertion_requests": _("Demandes d'insertion"),
        "matching_facts": _("Éléments pour l'orientation"),
        "proposals": _("Propositions et réponses"),
        "support": _("Mesures d'accompagnement"),
        "prevention_alerts": _("Alertes de prévention des expulsions"),
        "workshops": _("Ateliers collectifs"),
        "programmes": _("Logement dans un programme"),
        "documents": _("Documents (coffre-fort) : la liste, pas leur contenu"),
    }
