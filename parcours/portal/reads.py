"""What the person reads of their own file. Every function takes their `PortalAccess` and returns only
what they may see: their household (minus the members protected from them), never a worker's notes,
a ranking or a score, nor a facility's reasons for refusing."""

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcours.accounts.models import Organization
from parcours.accounts.roles import Role
from parcours.core.models import AuditEvent, AuditKind

from .audit_actions import PortalAction
from .models import CodeKind, CoMemberProtection

# The parts of the file a professional read, in words the person understands.
SECTION_WORDS = {
    "identity": gettext_lazy("votre nom et votre âge"),
    "composition": gettext_lazy("les personnes de votre foyer"),
    "situation": gettext_lazy("votre situation de logement"),
    "resources": gettext_lazy("vos ressources et vos charges"),
    "resources_summary": gettext_lazy("le résumé de vos ressources"),
    "identifiers": gettext_lazy("vos numéros de dossier"),
    "whereabouts": gettext_lazy("votre adresse et votre téléphone"),
    "consents": gettext_lazy("vos accords de partage"),
    "assessment": gettext_lazy("l'évaluation de votre situation"),
    "orientation": gettext_lazy("votre demande de logement ou d'hébergement"),
    "proposal": gettext_lazy("une proposition de logement ou d'hébergement"),
    "support": gettext_lazy("votre accompagnement"),
    "support_measure": gettext_lazy("votre accompagnement"),
    "support_details": gettext_lazy("le détail de votre accompagnement"),
    "support_actions": gettext_lazy("les actions de votre accompagnement"),
    "prevention": gettext_lazy("la prévention des expulsions"),
    "emergency": gettext_lazy("vos demandes au 115 (le numéro d'urgence pour être mis·e à l'abri)"),
    "access_log": gettext_lazy("la liste des personnes qui ont lu votre dossier"),
    "export": gettext_lazy("la copie de votre dossier"),
    "list": gettext_lazy("votre nom dans une liste"),
    "search_result": gettext_lazy("votre nom dans une recherche"),
    "workshop": gettext_lazy("un atelier"),
    "programme": gettext_lazy("un logement accompagné"),
    "documents": gettext_lazy("vos papiers"),
}


# Plain words (FALC) where a staff label holds an acronym: the person reads what it is, on the spot.
SITUATION_WORDS = {
    "emergency_night": gettext_lazy(
        "Nuits d'hébergement par le 115 (le numéro d'urgence pour être mis·e à l'abri)"
    ),
    "chu": gettext_lazy("Dans un centre d'hébergement d'urgence"),
    "chrs": gettext_lazy("Dans un centre d'hébergement avec un accompagnement (CHRS)"),
    "institution": gettext_lazy("Dans un établissement : un hôpital, une prison, un foyer de l'enfance"),
    "squat": gettext_lazy("Dans un squat ou un campement"),
    "family_or_friends": gettext_lazy("Chez de la famille ou des amis"),
    "own_housing": gettext_lazy("Dans votre propre logement"),
    "street": gettext_lazy("À la rue"),
    "hotel": gettext_lazy("À l'hôtel"),
}
PURPOSE_WORDS = {
    "orientation": gettext_lazy(
        "Orientation : le SIAO (le service qui oriente vers un hébergement ou un logement), "
        "sa commission et la structure proposée"
    ),
    "emergency": gettext_lazy("Mise à l'abri par le 115 (le numéro d'urgence pour être mis·e à l'abri)"),
}


def purpose_words(consent) -> str:
    """What a consent (or an offer of one) is for, in the person's words."""
    return str(PURPOSE_WORDS.get(consent.purpose) or consent.get_purpose_display())


def day_words(value) -> str:
    """« 12 janvier 2027 » in the active language."""
    if value is None:
        return ""
    if hasattr(value, "date") and hasattr(value, "hour"):
        from django.utils import timezone

        value = timezone.localtime(value).date()
    return formats.date_format(value, "j F Y")


def protected_from(access) -> set[int]:
    """The members this person must not see: the others of the household protected from co-members."""
    return set(
        CoMemberProtection.objects.filter(person__household=access.household)
        .exclude(person=access.person)
        .values_list("person_id", flat=True)
    )


def visible_members(access) -> list:
    hidden = protected_from(access)
    return [p for p in access.household.members if p.pk not in hidden]


def household(access) -> dict:
    h = access.household
    members = visible_members(access)
    situation = h.current_situation
    return {
        "id": h.pk,
        "members": [
            {
                "id": p.pk,
                "first_name": p.first_name,
                "last_name": p.last_name,
                "birth_date": p.birth_date,
                "relationship": p.get_relationship_display(),
                "me": p.pk == access.person_id,
            }
            for p in members
        ],
        "hidden_members": len(h.members) - len(members),
        "situation": str(SITUATION_WORDS.get(situation.situation) or situation.get_situation_display())
        if situation
        else "",
        "situation_since": situation.started_on if situation else None,
    }


def referent(access) -> dict:
    h = access.household
    worker = h.referent
    return {
        "name": worker.get_full_name() if worker else "",
        "email": worker.email if worker else "",
        "organization": h.referent_organization.name if h.referent_organization_id else "",
    }


def consents(access) -> list[dict]:
    from .services import person_consents

    return [
        {
            "id": c.pk,
            "organization": c.organization.name,
            "purpose": c.purpose,
            "purpose_label": purpose_words(c),
            "starts_on": c.starts_on,
            "ends_on": c.effective_ends_on,
            "active": c.is_active,
            "withdrawn": c.revoked_at is not None,
        }
        for c in person_consents(access)
    ]


def access_log(access, limit: int | None = 200) -> list[dict]:
    """Who read the file: staff reads only (organisation, role, date, which part, in words)."""
    events = list(
        AuditEvent.objects.filter(
            kind=AuditKind.READ,
            object_type="households.household",
            object_id=str(access.household_id),
            actor__isnull=False,
        ).order_by("-seq")[:limit]
    )
    names = dict(
        Organization.objects.filter(pk__in={e.organization_id for e in events}).values_list("pk", "name")
    )
    rows = []
    for e in events:
        parts = [str(SECTION_WORDS.get(s, _("une partie de votre dossier"))) for s in e.sections] or [
            _("votre dossier")
        ]
        role = Role(e.role).label if e.role in Role.values else ""
        rows.append(
            {
                "when": e.occurred_at,
                # A read without a membership (an administrator acting for the network) still says
                # who, in words: never « , de a lu ».
                "organization": names.get(e.organization_id) or _("une organisation du réseau"),
                "role": str(role) or _("un ou une professionnelle"),
                "what": ", ".join(dict.fromkeys(parts)),
            }
        )
    return rows


def sign_ins(access, limit: int | None = 20) -> list[dict]:
    events = AuditEvent.objects.filter(
        object_type="portal.portalaccess", object_id=str(access.pk), action=PortalAction.SIGN_IN.value
    ).order_by("-seq")[:limit]
    words = {
        CodeKind.SMS.value: _("avec un code reçu par message écrit (SMS)"),
        CodeKind.PRINTED.value: _("avec un code imprimé"),
    }
    return [
        {"when": e.occurred_at, "how": words.get((e.fields or [""])[0], ""), "via": e.via} for e in events
    ]
