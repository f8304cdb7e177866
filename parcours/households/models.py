"""The household file: people, situation history, resources, identifiers, consent."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.core.models import SoftDeleteModel, TimeStampedModel, VersionedModel
from parcours.core.text import fold

from .choices import (
    ChargeKind,
    ConsentPurpose,
    ConsentState,
    DaloDecision,
    InformedHow,
    PublicFamily,
    Relationship,
    ResourceKind,
    Sex,
    Situation,
)
from .querysets import ConsentQuerySet, HouseholdQuerySet, consent_last_day

# Where `with_people` puts a household's people and consents (issue 18). A plain Prefetch puts a
# queryset built per household in the prefetch cache (Django filters a related manager for each):
# on a list of 50 households that was a sixth of a page's CPU. With `to_attr`, one list each.
PEOPLE_ATTR = "prefetched_people"
CONSENTS_ATTR = "prefetched_consents"
# The open situation periods a list read with its households (views._listed): `current_situation`
# reads them as a list rather than through the related manager, whose queryset Django builds and
# filters for each household of the list when it prefetches into it (issue 18).
OPEN_SITUATIONS_ATTR = "prefetched_open_situations"


def with_people(path: str = "", *, consents: bool = False) -> list:
    """The Prefetch objects that read the people (and the consents) of the households at `path`
    ("" for households themselves, "household", "request__household"…), for `prefetch_related`.
    `Household.members`, `all_people` and `all_consents` read them; `people.all()` elsewhere would
    query again (slower, never wrong)."""
    prefix = f"{path}__" if path else ""
    lookups = [Prefetch(f"{prefix}people", to_attr=PEOPLE_ATTR)]
    if consents:
        lookups.append(Prefetch(f"{prefix}consents", to_attr=CONSENTS_ATTR))
    return lookups


class Household(TimeStampedModel, SoftDeleteModel, VersionedModel):
    territory = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("département d'ancrage"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    referent_organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("organisation référente"),
        on_delete=models.PROTECT,
        related_name="referred_households",
        db_index=False,  # the index (organization, id) of Meta leads with it
    )
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("référent·e"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referred_households",
    )
    public_family = models.PositiveSmallIntegerField(
        _("famille de public (AFFIL)"), choices=PublicFamily.choices, null=True, blank=True
    )
    public_family_reason = models.TextField(_("motif du choix de la famille de public"), blank=True)
    protected = models.BooleanField(
        _("ménage protégé"),
        default=False,
        help_text=_("Par exemple une victime de violences : adresse, lieu de vie et téléphone masqués."),
    )
    protected_viewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("personnes habilitées"), blank=True, related_name="+"
    )
    si_siao_number = models.CharField(_("numéro SI-SIAO"), max_length=30, blank=True)
    sne_number = models.CharField(
        _("numéro unique SNE"),
        max_length=18,
        blank=True,
        validators=[
            RegexValidator(r"^[0-9A-Z]{10,18}$", _("Le numéro SNE compte 10 à 18 chiffres ou lettres."))
        ],
    )
    dalo_decision = models.CharField(
        _("décision DALO/DAHO"), max_length=4, choices=DaloDecision.choices, blank=True, default=""
    )
    dalo_decision_on = models.DateField(_("date de la décision"), null=True, blank=True)
    dalo_territory = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("département de la décision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    syplo_labelled = models.BooleanField(_("labellisé SYPLO"), default=False)
    syplo_labelled_on = models.DateField(_("date de labellisation SYPLO"), null=True, blank=True)
    address = models.TextField(_("adresse ou lieu de vie"), blank=True)
    phone = models.CharField(_("téléphone de contact"), max_length=20, blank=True)
    last_contact_at = models.DateTimeField(_("dernier contact"), default=timezone.now)
    # Set by the retention run (parcours.core.retention): the file no longer leads to a named person.
    anonymised_at = models.DateTimeField(_("anonymisé le"), null=True, blank=True, editable=False)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("fusionné dans"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("ménage")
        ordering = ["-created_at"]
        indexes = [
            # An organization's households in the order of their ids: the insertion requests list of a
            # social worker joins them to its requests in that order (issue 18: with statistics,
            # PostgreSQL walked the whole primary key instead, 22 ms against 0.8 ms).
            models.Index(fields=["referent_organization", "id"], name="household_org_id_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(dalo_decision="") | Q(dalo_decision_on__isnull=False),
                name="household_dalo_has_date",
                violation_error_message=_("Une décision DALO ou DAHO a une date."),
            ),
        ]

    def __str__(self):
        return f"Ménage n° {self.pk}"

    @property
    def members(self) -> list:
        """The people who are part of the household now (those who left stay in its history)."""
        return [p for p in self.all_people if p.left_on is None]

    @property
    def all_people(self) -> list:
        """Everyone ever in the household: the list `with_people()` read (Prefetch to_attr), else
        `people.all()` (its own prefetch, or a query)."""
        prefetched = getattr(self, PEOPLE_ATTR, None)
        return prefetched if prefetched is not None else list(self.people.all())

    @property
    def all_consents(self) -> list:
        """The household's consents: the list `with_people()` read, else `consents.all()`."""
        prefetched = getattr(self, CONSENTS_ATTR, None)
        return prefetched if prefetched is not None else list(self.consents.all())

    @property
    def head(self):
        members = self.members
        return next(
            (p for p in members if p.relationship == Relationship.HEAD), members[0] if members else None
        )

    @property
    def current_situation(self):
        periods = getattr(self, OPEN_SITUATIONS_ATTR, None)
        if periods is None:
            periods = self.situations.all()
        periods = [p for p in periods if p.ended_on is None]
        return max(periods, key=lambda p: (p.started_on, p.pk)) if periods else None

    @property
    def monthly_resources(self) -> Decimal:
        return sum((r.monthly_amount for r in self.money_lines.all() if r.is_resource), Decimal("0.00"))

    @property
    def monthly_charges(self) -> Decimal:
        return sum((r.monthly_amount for r in self.money_lines.all() if not r.is_resource), Decimal("0.00"))


class Person(TimeStampedModel):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="people")
    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100)
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    sex = models.CharField(_("sexe"), max_length=1, choices=Sex.choices, default=Sex.UNSPECIFIED)
    relationship = models.CharField(
        _("lien avec la personne de référence"), max_length=10, choices=Relationship.choices
    )
    left_on = models.DateField(_("a quitté le ménage le"), null=True, blank=True)
    # Names folded for search (accents and case ignored); kept in step by save().
    search_text = models.CharField(max_length=210, editable=False, db_index=False)

    class Meta:
        verbose_name = _("personne")
        ordering = ["household", "pk"]
        indexes = [models.Index(fields=["birth_date"], name="person_birth_date_idx")]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    def save(self, *args, **kwargs):
        self.search_text = fold(f"{self.first_name} {self.last_name}")
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    @property
    def age(self) -> int | None:
        if self.birth_date is None:
            return None
        today = timezone.localdate()
        return (
            today.year
            - self.birth_date.year
            - ((today.month, today.day) < (self.birth_date.month, self.birth_date.day))
        )


class SituationPeriod(TimeStampedModel):
    """A dated period of the household's housing situation; history is never overwritten."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="situations")
    situation = models.CharField(_("situation"), max_length=20, choices=Situation.choices)
    started_on = models.DateField(_("depuis le"))
    ended_on = models.DateField(_("jusqu'au"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("période de situation")
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="situation_period_ends_after_start",
                violation_error_message=_("La fin d'une période ne peut précéder son début."),
            ),
        ]

    def __str__(self):
        return f"{self.get_situation_display()} ({self.started_on})"


class MoneyLine(models.Model):
    """A monthly resource or charge, by source."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="money_lines")
    is_resource = models.BooleanField(_("ressource"), default=True)
    kind = models.CharField(_("nature"), max_length=20)
    monthly_amount = models.DecimalField(
        _("montant mensuel (€)"), max_digits=9, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )

    class Meta:
        verbose_name = _("ressource ou charge")
        ordering = ["-is_resource", "kind"]
        constraints = [
            models.CheckConstraint(condition=Q(monthly_amount__gte=0), name="money_line_amount_not_negative"),
            models.CheckConstraint(
                condition=(Q(is_resource=True) & Q(kind__in=ResourceKind.values))
                | (Q(is_resource=False) & Q(kind__in=ChargeKind.values)),
                name="money_line_known_kind",
            ),
        ]

    def __str__(self):
        return f"{self.kind}: {self.monthly_amount} €"

    def get_kind_display(self):
        choices = ResourceKind if self.is_resource else ChargeKind
        return choices(self.kind).label


class Consent(TimeStampedModel):
    """The person's consent to share the file with one organization, for one purpose, until a date."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="consents")
    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="consents",
    )
    purpose = models.CharField(_("finalité"), max_length=20, choices=ConsentPurpose.choices)
    starts_on = models.DateField(_("à partir du"), default=timezone.localdate)
    ends_on = models.DateField(_("jusqu'au"))
    informed_how = models.CharField(
        _("comment la personne a été informée"),
        max_length=20,
        choices=InformedHow.choices,
        default=InformedHow.ORALLY,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    revoked_at = models.DateTimeField(_("retiré le"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consentement")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="consent_ends_after_start",
                violation_error_message=_("La fin du consentement ne peut précéder son début."),
            ),
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} — {self.organization}"

    @property
    def effective_ends_on(self):
        """The last day the consent opens anything: its end date, or earlier its maximum duration,
        or earlier the day it was revoked."""
        ends = min(self.ends_on, consent_last_day(self.starts_on))
        if self.revoked_at is not None:
            ends = min(ends, timezone.localdate(self.revoked_at))
        return ends

    def state_on(self, on) -> ConsentState:
        """The one function that says whether a consent opens anything on `on`: revoked, not begun,
        past its effective end, or active. The household page, the API and the access rules
        (is_active_on; ConsentQuerySet.active is its database twin) all read it."""
        if self.revoked_at is not None:
            return ConsentState.REVOKED
        if on < self.starts_on:
            return ConsentState.UPCOMING
        if on > self.effective_ends_on:
            return ConsentState.EXPIRED
        return ConsentState.ACTIVE

    @property
    def state(self) -> ConsentState:
        return self.state_on(timezone.localdate())

    def is_active_on(self, on) -> bool:
        """Active on `on` (state_on; the Python twin of ConsentQuerySet.active, for consents already
        prefetched)."""
        return self.state_on(on) == ConsentState.ACTIVE

    @property
    def is_active(self) -> bool:
        return self.is_active_on(timezone.localdate())
