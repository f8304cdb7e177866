"""A paper of the vault about to expire: the person is told, if they chose to be (documents.reminders).

The paper's own person is told when they have an access to « Mon espace »; a paper of a child or of a
member without access goes to the household's accesses, unless that member is protected from the
other adults: then nobody is told (the others must not learn the paper exists). The SMS names no
paper (texts.py). One message per paper, expiry date and reminder (30 days before, then on the day):
a rerun sends nothing.
"""

from parcours.documents import reminders
from parcours.portal.models import CoMemberProtection, PortalAccess

from .kinds import DOCUMENT_EXPIRING
from .services import notify_household
from .texts import document_expiring


@reminders.on_expiry
def tell_the_person(document, days_left: int) -> None:
    person_id = document.person_id
    if person_id is not None and not PortalAccess.objects.usable().filter(person_id=person_id).exists():
        if CoMemberProtection.objects.filter(person_id=person_id).exists():
            return
        person_id = None
    notify_household(
        document.household_id,
        DOCUMENT_EXPIRING,
        document_expiring(document.expires_on),
        ref=f"document:{document.pk}:{document.expires_on.isoformat()}:{days_left}",
        person_id=person_id,
    )
