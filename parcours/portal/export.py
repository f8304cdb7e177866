"""Mon espace in the right-of-access export (registry: parcours.households.export), and the person's
own download: the same registry, restricted to what the person may see."""

from parcours.households.export import SECTIONS, ExportContext, not_exported, register, rows

from .models import CoMemberProtection, ConsentOffer, Feedback, PortalAccess, PortalToken, SignInCode

not_exported(SignInCode, "empreinte d'un code à usage unique : un secret, sans contenu pour la personne")
not_exported(PortalToken, "empreinte d'un jeton de connexion : un secret, sans contenu pour la personne")


@register("portal", covers=(PortalAccess, CoMemberProtection, ConsentOffer, Feedback))
def _portal(h, ctx):
    return {
        "accesses": rows(
            PortalAccess.objects.filter(household=h).order_by("pk"),
            ("person", "phone", "organization", "invited_by", "created_at", "revoked_at", "last_sign_in_at"),
        ),
        "protected_from_members": rows(
            CoMemberProtection.objects.filter(person__household=h), ("person", "created_at")
        ),
        "consent_offers": rows(
            ConsentOffer.objects.filter(household=h).order_by("pk"),
            ("organization", "purpose", "created_at", "withdrawn_at"),
        ),
        "opinions": rows(Feedback.objects.filter(household=h).order_by("pk"), ("kind", "text", "created_at")),
    }


# What the person's own download leaves out: the worker's drafts (not yet written for the file).
PERSON_EXCLUDED = {"assessment_drafts"}


def person_export(access) -> dict:
    """The household's export as the person may read it: their own household, the members protected
    from them taken out."""
    from . import reads

    household = access.household
    ctx = ExportContext(user=None, whereabouts=True)
    names = [n for n in SECTIONS if n not in PERSON_EXCLUDED and n != "access_log"] + ["access_log"]
    data = {name: SECTIONS[name].build(household, ctx) for name in names}
    hidden = reads.protected_from(access)
    if hidden:
        from parcours.households.models import Person

        hidden_names = {(p.first_name, p.last_name) for p in Person.objects.filter(pk__in=hidden)}
        data["people"] = [
            p for p in data.get("people", []) if (p["first_name"], p["last_name"]) not in hidden_names
        ]
    # Another adult's access (their phone) and who is protected from whom are not the person's to read.
    portal = data.get("portal") or {}
    portal.pop("protected_from_members", None)
    portal["accesses"] = [a for a in portal.get("accesses", []) if a.get("person") == str(access.person)]
    return data
