"""Mon espace in the right-of-access export (registry: parcours.households.export), and the person's
own download, built from the sections of their pages (parcours.portal.sections), not from that export."""

from parcours.households.export import not_exported, register, rows

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


def person_export(access) -> dict:
    """The person's own copy of their file (« Télécharger mes données »): what their pages of « Mon
    espace » show, section by section (`sections.copy_data`: each section's `export`, or its `api`),
    without the pages' limits, plus their own access and the opinions they signed.

    Deliberately not the staff export above: that one holds the workers' notes and drafts, the
    engine's facts and scores, a facility's reasons for refusing, the 115 and outreach records, and
    every member's data, including a member protected from this person. The full copy the law gives
    (RGPD art. 15) is asked of the organisation, whose DPO reads it before it is handed over
    (docs/espace-personne.md)."""
    from django.utils import timezone

    from . import sections

    data = {
        "generated_at": timezone.now().isoformat(),
        "my_access": {
            "person": str(access.person),
            "phone": access.phone,
            "organization": access.organization.name if access.organization_id else "",
            "opened_on": access.created_at.date().isoformat(),
            "last_sign_in_at": access.last_sign_in_at.isoformat() if access.last_sign_in_at else None,
        },
        **sections.copy_data(access),
        "my_opinions": [
            {"kind": f.get_kind_display(), "text": f.text, "sent_at": f.created_at.isoformat()}
            for f in Feedback.objects.filter(access=access).order_by("pk")
        ],
    }
    return data
