"""Everything held about a household, for the person's right of access (RGPD art. 15).

Each domain that stores data about a household registers an exporter; the export is their union.
"""

from collections.abc import Callable

from parcours.core.models import AuditEvent, AuditKind

from .models import Household

# name → callable(household) → JSON-serialisable data; domains append theirs.
EXPORTERS: dict[str, Callable[[Household], object]] = {}


def register(name: str):
    def decorator(func):
        EXPORTERS[name] = func
        return func

    return decorator


@register("household")
def _household(h: Household):
    return {
        "id": h.pk,
        "created_at": h.created_at,
        "territory": h.territory.code,
        "referent_organization": h.referent_organization.name,
        "referent": h.referent.get_full_name() if h.referent else None,
        "public_family": h.public_family,
        "public_family_reason": h.public_family_reason,
        "protected": h.protected,
        "address": h.address,
        "phone": h.phone,
        "si_siao_number": h.si_siao_number,
        "sne_number": h.sne_number,
        "dalo_decision": h.dalo_decision,
        "dalo_decision_on": h.dalo_decision_on,
        "dalo_territory": h.dalo_territory.code if h.dalo_territory else None,
        "syplo_labelled": h.syplo_labelled,
        "syplo_labelled_on": h.syplo_labelled_on,
        "merged_into": h.merged_into_id,
    }


@register("people")
def _people(h: Household):
    return [
        {
            "first_name": p.first_name,
            "last_name": p.last_name,
            "birth_date": p.birth_date,
            "sex": p.sex,
            "relationship": p.relationship,
            "left_on": p.left_on,
        }
        for p in h.people.all()
    ]


@register("situations")
def _situations(h: Household):
    return [
        {"situation": s.situation, "started_on": s.started_on, "ended_on": s.ended_on}
        for s in sorted(h.situations.all(), key=lambda s: (s.started_on, s.pk))
    ]


@register("resources_and_charges")
def _money(h: Household):
    return [
        {"resource": m.is_resource, "kind": m.kind, "monthly_amount": str(m.monthly_amount)}
        for m in h.money_lines.all()
    ]


@register("consents")
def _consents(h: Household):
    return [
        {
            "organization": c.organization.name,
            "purpose": c.purpose,
            "starts_on": c.starts_on,
            "ends_on": c.ends_on,
            "informed_how": c.informed_how,
            "revoked_at": c.revoked_at,
        }
        for c in h.consents.select_related("organization")
    ]


@register("access_log")
def _access_log(h: Household):
    from parcours.accounts.models import Organization

    events = list(
        AuditEvent.objects.for_object("households.household", h.pk).select_related("actor").order_by("seq")
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
        }
        for e in events
        if e.kind in (AuditKind.READ, AuditKind.WRITE)
    ]


def household_export(household: Household) -> dict:
    return {name: exporter(household) for name, exporter in EXPORTERS.items()}
