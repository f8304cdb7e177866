"""Demo of "Mon espace": the head of one household of the demo social worker is invited (idempotent),
and `make demo` prints how to sign in as that person."""

import random

from django.db import transaction

from parcours.accounts.models import Membership
from parcours.accounts.roles import Role
from parcours.households.models import Household
from parcours.portal import services
from parcours.portal.models import PortalAccess

DEMO_PHONE = "+33600000093"
WORKER = "travailleuse"


def _worker():
    membership = (
        Membership.objects.select_related("user", "organization")
        .filter(user__username=WORKER, role=Role.SOCIAL_WORKER, active=True)
        .first()
    )
    if membership is None:
        return None
    user = membership.user
    user.active_membership = membership
    return user


def _household(worker):
    membership = worker.active_membership
    return (
        Household.objects.filter(
            referent_organization=membership.organization,
            deleted_at__isnull=True,
            anonymised_at__isnull=True,
            merged_into__isnull=True,
        )
        .order_by("pk")
        .prefetch_related("people")
        .first()
    )


@transaction.atomic
def seed(rng: random.Random) -> None:
    if PortalAccess.objects.usable().filter(phone=DEMO_PHONE).exists():
        return
    worker = _worker()
    household = _household(worker) if worker else None
    if household is None or household.head is None:
        return
    services.invite(actor=worker, household=household, person=household.head, phone=DEMO_PHONE)


def instructions() -> list[str]:
    access = PortalAccess.objects.usable().select_related("person").filter(phone=DEMO_PHONE).first()
    if access is None:
        return []
    return [
        "",
        "Mon espace (la personne accompagnée) : http://<serveur>/mon-espace/connexion/",
        f"  {access.person.first_name} {access.person.last_name} — téléphone 06 00 00 00 93 ;",
        "  le code à 6 chiffres s'affiche dans la console (« [SMS] … Votre code : … »),",
        "  ou dans var/sms.jsonl avec SMS_BACKEND=parcours.core.sms.FileBackend.",
    ]
