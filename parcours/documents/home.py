"""The referent's work list: a paper that expires within PARCOURS_DOCUMENT_EXPIRY_DAYS days is a
step of the household (registry: parcours.households.home.next_step)."""

from django.utils.translation import gettext as _

from parcours.core.compiled import instances_of
from parcours.core.home import day, pk_url
from parcours.households.home import Step, among, next_step

from .reminders import warning_days


@next_step
def documents_expiring(user, households, today):
    from django.conf import settings
    from django.utils import timezone

    from .models import Document

    # `households` were read through the household rules (households.home.my_households): the
    # documents' own rules still apply, the household ones are not compiled a second time. No order:
    # the panel sorts each household's steps, and two papers due the same day link to the same list.
    # Compiled once per process and key (core.compiled): the documents' rules depend on the user, their
    # membership's role and organization, and the day that decides the active consents.
    if not households:
        return  # no query: the documents are only those of `households`
    membership = getattr(user, "active_membership", None)
    days = warning_days()
    key = (
        "home.documents_expiring",
        user.pk,
        getattr(membership, "role", None),
        getattr(membership, "organization_id", None),
        timezone.localdate(),
        today,
        days,
        settings.PARCOURS_CONSENT_MAX_MONTHS,
    )
    documents = instances_of(
        key,
        lambda ids: Document.objects.visible_to(user, among=among(ids)).expiring(today, days).order_by(),
        ids=households,
    )
    url = pk_url("documents:list")
    for document in documents:
        late = document.expires_on < today
        yield Step(
            household_id=document.household_id,
            due=document.expires_on,
            reason=(_("%(kind)s expiré le %(d)s") if late else _("%(kind)s à renouveler avant le %(d)s"))
            % {"kind": document.get_kind_display(), "d": day(document.expires_on)},
            url=url(document.household_id),
            late=late,
        )
