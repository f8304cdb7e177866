"""A person's access to their own file ("Mon espace").

A person accompanied is not a staff user: they have no `User`, no membership, no role. Their access
is a `PortalAccess`, opened by the referent worker after checking their identity face to face, for one
adult member of one household. Everything the person can reach is computed from it (portal/auth.py).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.core.models import TimeStampedModel
from parcours.households.choices import ConsentPurpose


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


class CodeKind(models.TextChoices):
    SMS = "sms", _("code reçu par SMS")
    PRINTED = "printed", _("code imprimé")


class SignInCode(models.Model):
    """A one-time sign-in code: 6 digits by SMS (10 minutes) or a printed code (longer-lived). Only its
    keyed hash is stored; it is used once, and a new code of the same kind replaces the old one."""

    access = models.ForeignKey(PortalAccess, on_delete=models.CASCADE, related_name="codes")
    kind = models.CharField(_("nature"), max_length=8, choices=CodeKind.choices)
    code_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("valable jusqu'au"))
    used_at = models.DateTimeField(_("utilisé le"), null=True, blank=True)
    failures = models.PositiveSmallIntegerField(_("essais manqués"), default=0)

    class Meta:
        verbose_name = _("code de connexion")
        indexes = [models.Index(fields=["code_hash"], name="portal_code_hash_idx")]

    def __str__(self):
        return f"Code n° {self.pk}"


class SignInAttempt(models.Model):
    """One try at signing in (right or wrong), for the per-phone and per-address limits. The phone is
    kept only as a keyed hash; rows older than a day are of no use and are purged (codes.purge_old)."""

    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    succeeded = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("essai de connexion à Mon espace")

    def __str__(self):
        return f"Essai n° {self.pk}"


class PortalToken(models.Model):
    """The bearer token of the person's API: hashed, expiring, ended with the access."""

    access = models.ForeignKey(PortalAccess, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("jeton de Mon espace")

    def __str__(self):
        return f"Jeton n° {self.pk}"


class CoMemberProtection(TimeStampedModel):
    """A member of the household protected from the other members (violence, separation): the other
    adults' access never shows this person's data. Set by the worker."""

    person = models.OneToOneField(
        "households.Person", on_delete=models.CASCADE, related_name="portal_protection"
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("personne protégée des autres membres")

    def __str__(self):
        return f"Protection n° {self.pk}"


class ConsentOffer(TimeStampedModel):
    """An organisation the worker proposes, for a purpose: the person may give (or not) their consent
    to share their file with it, from their own space."""

    household = models.ForeignKey(
        "households.Household", on_delete=models.CASCADE, related_name="portal_consent_offers"
    )
    organization = models.ForeignKey(
        "accounts.Organization", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.CharField(_("finalité"), max_length=20, choices=ConsentPurpose.choices)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("organisation proposée pour un consentement")

    def __str__(self):
        return f"{self.organization} — {self.get_purpose_display()}"


class FeedbackKind(models.TextChoices):
    SUGGESTION = "suggestion", _("Une idée pour améliorer le service")
    COMPLAINT = "complaint", _("Une réclamation")


class Feedback(TimeStampedModel):
    """« Votre avis »: a suggestion or a complaint about the service, for the network's participation
    body. Anonymous when the person asks it: then no link to their access or household is kept."""

    kind = models.CharField(_("nature"), max_length=12, choices=FeedbackKind.choices)
    text = models.TextField(_("message"), max_length=2000)
    access = models.ForeignKey(
        PortalAccess, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedbacks"
    )
    household = models.ForeignKey(
        "households.Household", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    territory = models.ForeignKey(
        "territories.Territory", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(_("traité le"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("avis d'une personne accompagnée")
        ordering = ["-created_at"]

    def __str__(self):
        return f"Avis n° {self.pk}"
