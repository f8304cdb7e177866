"""Users, organizations, memberships (user × organization × role) and API tokens."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.core.models import TimeStampedModel, VersionedModel

from .roles import ROLES_REQUIRING_TWO_FACTOR, OrganizationType, Role


class User(AbstractUser):
    """A professional of the network. Never deleted: deactivated, so that the audit trail holds."""

    phone = models.CharField(_("téléphone professionnel"), max_length=20, blank=True)
    # Bumped in the transaction of every change to the user's memberships or their organizations
    # (accounts.access): the key of the cached memberships, read with the user's row at each request,
    # so that a revoked membership stops working at the next request in every worker process.
    access_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("utilisateur·rice")

    def active_memberships(self):
        return self.memberships.filter(active=True, organization__active=True).select_related("organization")

    def requires_two_factor(self) -> bool:
        return self.memberships.filter(active=True, role__in=ROLES_REQUIRING_TWO_FACTOR).exists()


class OrganizationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def visible_to(self, user):
        """The network's directory is known to all its members; inactive ones to administrators only."""
        from .perms import is_network_admin

        if is_network_admin(user):
            return self
        return self.active()


class Organization(TimeStampedModel, VersionedModel):
    name = models.CharField(_("nom"), max_length=200)
    type = models.CharField(_("type"), max_length=20, choices=OrganizationType.choices)
    siret = models.CharField(
        _("SIRET"),
        max_length=14,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{14}$", _("Un numéro SIRET compte exactement 14 chiffres."))],
    )
    finess = models.CharField(
        _("FINESS"),
        max_length=9,
        blank=True,
        validators=[
            RegexValidator(r"^[0-9AB]{9}$", _("Un numéro FINESS compte 9 caractères (chiffres, A ou B)."))
        ],
    )
    territory = models.ForeignKey(
        "territories.Territory", verbose_name=_("département"), on_delete=models.PROTECT, related_name="+"
    )
    active = models.BooleanField(_("active"), default=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "territory"],
                name="organization_unique_name_territory",
                violation_error_message=_("Une organisation porte déjà ce nom dans ce département."),
            ),
            models.CheckConstraint(
                condition=Q(siret="") | Q(siret__regex=r"^[0-9]{14}$"),
                name="organization_siret_14_digits",
                violation_error_message=_("Un numéro SIRET compte exactement 14 chiffres."),
            ),
            models.CheckConstraint(
                condition=Q(finess="") | Q(finess__regex=r"^[0-9AB]{9}$"),
                name="organization_finess_9_chars",
                violation_error_message=_("Un numéro FINESS compte 9 caractères (chiffres, A ou B)."),
            ),
        ]

    def __str__(self):
        return self.name


class MembershipApproval(models.TextChoices):
    """Four eyes: a membership an administrator gives themself to read named persons waits for a
    second administrator; only an approved membership can be active."""

    APPROVED = "approved", _("approuvé")
    PENDING = "pending", _("en attente d'approbation")
    REFUSED = "refused", _("refusé")


class Membership(TimeStampedModel):
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("rôle"), max_length=32, choices=Role.choices)
    active = models.BooleanField(_("active"), default=True)
    approval = models.CharField(
        _("approbation"),
        max_length=10,
        choices=MembershipApproval.choices,
        default=MembershipApproval.APPROVED,
    )
    requested_by = models.ForeignKey(
        User, verbose_name=_("accordé par"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        User, verbose_name=_("décidé par"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("décidé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("rattachement")
        ordering = ["organization__name", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "role"], name="membership_unique"),
            models.CheckConstraint(
                condition=Q(active=False) | Q(approval="approved"),
                name="membership_active_only_when_approved",
                violation_error_message=_("Un rattachement en attente ou refusé ne peut pas être actif."),
            ),
        ]

    def __str__(self):
        return f"{self.organization} — {self.get_role_display()}"


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now, membership__active=True)


class ApiToken(TimeStampedModel):
    """A bearer token bound to one user and one of their memberships. Only its hash is stored."""

    PREFIX_LENGTH = 8

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(_("nom"), max_length=100)
    prefix = models.CharField(max_length=PREFIX_LENGTH, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("expire le"))
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("jeton d'API")
        ordering = ["-created_at"]

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def generate_key() -> str:
        return "prc_" + secrets.token_urlsafe(32)

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"
