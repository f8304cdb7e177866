"""A person's access to their own file ("Mon espace").

A person accompanied is not a staff user: they have no `User`, no membership, no role. Their access
is a `PortalAccess`, opened by the referent worker after checking their identity face to face, for one
adult member of one household. Everything the person can reach is computed from it (portal/auth.py).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parcours.core.models import TimeStampedModel


class PortalAccessQuerySet(models.QuerySet):
    def usable(self):
        """Accesses a person may sign in with now: not revoked, their file neither closed (deleted)
        nor anonymised nor merged away, and the person still a member of the household."""
        return self.filter(
            revoked_at__isnull=True,
            household__deleted_at__isnull=True,
            household__anonymised_at__isnull=True,
            household__merged_into__isnull=True,
            person__left_on__isnull=True,
        )


class PortalAccess(TimeStampedModel):
    household = models.ForeignKey(
        "households.Household", on_delete=models.CASCADE, related_name="portal_accesses"
    )
    person = models.ForeignKey(
        "households.Person",
        verbose_name=_("personne"),
        on_delete=models.CASCADE,
        related_name="portal_accesses",
    )
    # The phone the sign-in codes and the notifications go to, E.164 (+33612345678); empty for a
    # person without a phone, who signs in with a printed one-time code.
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+", editable=False
    )
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True, editable=False)
    last_sign_in_at = models.DateTimeField(_("dernière connexion"), null=True, blank=True, editable=False)

    objects = PortalAccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("accès à Mon espace")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(revoked_at__isnull=True),
                name="portal_one_open_access_per_person",
            )
        ]

    def __str__(self):
        return f"Accès n° {self.pk}"
