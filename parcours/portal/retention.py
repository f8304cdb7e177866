"""How "Mon espace" is anonymised by the retention run (registry: parcours.core.retention).

An anonymised household's accesses stop at once (`PortalAccess.objects.usable()`); the run then
erases the phone, deletes the sign-in codes, the tokens and the protections, and redacts the
opinions the person signed with their name. An anonymous opinion is tied to no one and is kept.
"""

from parcours.core.retention import Custom, Erase, Redact, contact_source, register

from .models import (
    CoMemberProtection,
    ConsentOffer,
    Feedback,
    PortalAccess,
    PortalToken,
    SignInAttempt,
    SignInCode,
)


def _delete_rows(queryset, name):
    queryset.delete()


DELETED = Custom(_delete_rows, "supprimé avec le dossier : plus rien à ouvrir")
LINKS = "rattachements (ménage, personne, organisation, professionnel·le)"
DATES = "dates de gestion de l'accès"

register(
    PortalAccess,
    household="household",
    personal={"phone": Erase()},
    not_personal={
        LINKS: ("household", "person", "invited_by", "organization"),
        DATES: ("revoked_at", "last_sign_in_at"),
    },
)
register(
    SignInCode,
    household="access__household",
    personal={"code_hash": DELETED},
    not_personal={
        LINKS: ("access",),
        DATES: ("kind", "expires_at", "used_at", "failures"),
    },
)
register(
    PortalToken,
    household="access__household",
    personal={"token_hash": DELETED},
    not_personal={LINKS: ("access",), DATES: ("expires_at", "revoked_at")},
)
register(
    SignInAttempt,
    not_personal={
        "empreinte à clé du numéro et adresse IP, pour bloquer les essais répétés ; effacées après un jour": (
            "phone_hash",
            "ip_address",
            "at",
            "succeeded",
        )
    },
)
register(
    CoMemberProtection,
    household="person__household",
    personal={"person": DELETED},
    not_personal={LINKS: ("set_by",)},
)
register(
    ConsentOffer,
    household="household",
    not_personal={
        "organisation proposée et finalité, sans donnée sur la personne": ("organization", "purpose"),
        LINKS: ("household", "proposed_by", "withdrawn_at"),
    },
)
register(
    Feedback,
    household="household",
    personal={"text": Redact(), "access": Erase()},
    not_personal={
        "nature de l'avis, comptée dans le suivi du plan": ("kind",),
        LINKS: ("household", "territory", "handled_by"),
        DATES: ("handled_at",),
    },
)

contact_source(PortalAccess, household="household", dates=("last_sign_in_at",))
