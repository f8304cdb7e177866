"""Reads of documents that depend on who asks, in SQL, consistent with perms.can_view_documents."""

from django.db import models
from django.db.models import Exists, OuterRef, Q


class DocumentQuerySet(models.QuerySet):
    def alive(self):
        return self.filter(deleted_at__isnull=True)

    def visible_to(self, user, among=None):
        """The documents the user may read (perms.can_view_documents), never a deleted one.

        `among`: households already read through `Household.objects.visible_to(user)` (a queryset or
        ids), to which the documents are limited without compiling the household rules a second time
        (the home page's next steps: the household rules were ~60 % of this query's Python)."""
        from parcours.accounts.roles import Role
        from parcours.households.choices import ConsentPurpose
        from parcours.households.models import Consent, Household

        from .perms import HOLDERS

        membership = getattr(user, "active_membership", None) if user.is_authenticated else None
        if membership is None:
            return self.none()
        org_id = membership.organization_id
        consented = Exists(
            Consent.objects.active().filter(
                household=OuterRef("household_id"), organization_id=org_id, purpose=ConsentPurpose.DOCUMENTS
            )
        )
        rule = Q(consented)
        if membership.role in HOLDERS:
            holds = Q()
            if membership.role == Role.SOCIAL_WORKER:
                holds = Q(household__referent_organization_id=org_id) | Q(household__referent_id=user.pk)
            viewers = Household.protected_viewers.through.objects.filter(
                household_id=OuterRef("household_id"), user_id=user.pk
            )
            named = Q(household__protected=False) | Q(household__referent_id=user.pk) | Q(Exists(viewers))
            rule |= holds & named
        households = Household.objects.visible_to(user) if among is None else among
        return self.alive().filter(household__in=households).filter(rule)

    def of_person_space(self, access):
        """What the person signed in to "Mon espace" sees: their household's documents, except the
        papers of a co-member protected from them (violence, separation: portal.CoMemberProtection)."""
        from parcours.portal.reads import protected_from

        return (
            self.alive()
            .filter(household_id=access.household_id)
            .exclude(person_id__in=protected_from(access))
        )

    def expiring(self, today, days: int):
        """Alive documents whose expiry date falls within `days` days (the expired ones too)."""
        import datetime as dt

        return self.alive().filter(expires_on__isnull=False, expires_on__lte=today + dt.timedelta(days=days))
