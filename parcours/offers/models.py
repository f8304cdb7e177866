"""The offer: facilities (structures) and their target public, units (places, dwellings), vacancies."""

import contextlib
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.core.models import TimeStampedModel, VersionedModel

from .choices import EMERGENCY_KINDS, AcceptedHousehold, AcceptedSex, FacilityKind, Typology, VacancyStatus
from .phones import normalize_french_phone, validate_french_phone
from .querysets import FacilityQuerySet, UnitQuerySet, VacancyQuerySet

POSTCODE_MESSAGE = _("Un code postal compte exactement 5 chiffres.")
SIRET_MESSAGE = _("Un numéro SIRET compte exactement 14 chiffres.")
FINESS_MESSAGE = _("Un numéro FINESS compte 9 caractères (chiffres, A ou B).")


class Facility(TimeStampedModel, VersionedModel):
    """A structure of the network (CHU, CHRS, résidence sociale…) or a landlord's housing stock."""

    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type d'offre"), max_length=24, choices=FacilityKind.choices)
    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("organisation gestionnaire"),
        on_delete=models.PROTECT,
        related_name="facilities",
    )
    territory = models.ForeignKey(
        "territories.Territory", verbose_name=_("département"), on_delete=models.PROTECT, related_name="+"
    )
    commune = models.ForeignKey(
        "territories.Commune",
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Where to go and how to get in: texted to the person given a place (emergency services), shown
    # on the 115 board. The door code is for the staff and the person allocated only (perms).
    street_address = models.CharField(_("adresse"), max_length=200, blank=True)
    postcode = models.CharField(
        _("code postal"),
        max_length=5,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{5}$", POSTCODE_MESSAGE)],
    )
    phone = models.CharField(_("téléphone"), max_length=20, blank=True, validators=[validate_french_phone])
    door_code = models.CharField(_("code d'accès"), max_length=20, blank=True)
    opening_hours = models.TextField(
        _("horaires d'ouverture et d'arrivée"),
        blank=True,
        max_length=500,
    )
    finess = models.CharField(
        _("FINESS"), max_length=9, blank=True, validators=[RegexValidator(r"^[0-9AB]{9}$", FINESS_MESSAGE)]
    )
    siret = models.CharField(
        _("SIRET"), max_length=14, blank=True, validators=[RegexValidator(r"^[0-9]{14}$", SIRET_MESSAGE)]
    )
    min_age = models.PositiveSmallIntegerField(
        _("âge minimum"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    max_age = models.PositiveSmallIntegerField(
        _("âge maximum"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    accepted_sex = models.CharField(
        _("public accueilli"), max_length=3, choices=AcceptedSex.choices, default=AcceptedSex.ANY
    )
    accepted_household = models.CharField(
        _("composition accueillie"),
        max_length=6,
        choices=AcceptedHousehold.choices,
        default=AcceptedHousehold.ANY,
    )
    couples_accepted = models.BooleanField(_("couples acceptés"), default=False)
    pets_accepted = models.BooleanField(_("animaux acceptés"), default=False)
    wheelchair_accessible = models.BooleanField(_("accessible en fauteuil roulant"), default=False)
    active = models.BooleanField(_("active"), default=True)

    objects = FacilityQuerySet.as_manager()

    class Meta:
        verbose_name = _("structure")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["territory", "kind"], name="facility_territory_kind_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=FacilityKind.values),
                name="facility_known_kind",
                violation_error_message=_("Type d'offre inconnu."),
            ),
            models.CheckConstraint(
                condition=Q(siret="") | Q(siret__regex=r"^[0-9]{14}$"),
                name="facility_siret_14_digits",
                violation_error_message=SIRET_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(finess="") | Q(finess__regex=r"^[0-9AB]{9}$"),
                name="facility_finess_9_chars",
                violation_error_message=FINESS_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(min_age__isnull=True)
                | Q(max_age__isnull=True)
                | Q(min_age__lte=models.F("max_age")),
                name="facility_age_band_ordered",
                violation_error_message=_("L'âge minimum ne peut dépasser l'âge maximum."),
            ),
            models.CheckConstraint(
                condition=Q(accepted_sex__in=AcceptedSex.values)
                & Q(accepted_household__in=AcceptedHousehold.values),
                name="facility_known_public",
                violation_error_message=_("Public accueilli inconnu."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        with contextlib.suppress(ValidationError):  # else already reported by the field's validator
            self.phone = normalize_french_phone(self.phone)
        self.street_address = self.street_address.strip()
        self.door_code = self.door_code.strip()
        if self.commune_id and self.territory_id and self.commune.territory_id != self.territory_id:
            raise ValidationError(
                {"commune": _("Cette commune n'est pas dans le département de la structure.")}
            )

    @property
    def full_address(self) -> str:
        """« 12 rue de la Gare, 93000 Bobigny », as much of it as is known."""
        postcode = self.postcode
        if not postcode and self.commune_id and self.commune.postal_codes:
            postcode = self.commune.postal_codes[0]
        town = " ".join(p for p in (postcode, self.commune.name if self.commune_id else "") if p)
        return ", ".join(p for p in (self.street_address, town) if p)

    @property
    def public_badges(self) -> list[str]:
        """Who the place takes, in words (the board's badges, never a colour alone)."""
        badges = []
        if self.accepted_household != AcceptedHousehold.FAMILY:
            if self.accepted_sex in (AcceptedSex.ANY, AcceptedSex.FEMALE):
                badges.append(_("Femmes"))
            if self.accepted_sex in (AcceptedSex.ANY, AcceptedSex.MALE):
                badges.append(_("Hommes"))
        if self.accepted_household != AcceptedHousehold.SINGLE:
            badges.append(_("Familles"))
        if self.couples_accepted:
            badges.append(_("Couples"))
        if self.pets_accepted:
            badges.append(_("Animaux"))
        if self.wheelchair_accessible:
            badges.append(_("Accès fauteuil roulant"))
        return badges

    @property
    def emergency(self) -> bool:
        """CHU, hotels and night shelters are the 115's emergency offer (allocated night by night)."""
        return self.kind in EMERGENCY_KINDS


class Unit(TimeStampedModel, VersionedModel):
    """A place, a room or a dwelling of a facility."""

    facility = models.ForeignKey(
        Facility, verbose_name=_("structure"), on_delete=models.PROTECT, related_name="units"
    )
    label = models.CharField(_("libellé"), max_length=100)
    capacity = models.PositiveSmallIntegerField(
        _("capacité (places)"), default=1, validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    typology = models.CharField(_("typologie"), max_length=4, choices=Typology.choices, blank=True)
    surface = models.DecimalField(
        _("surface (m²)"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("1"))],
    )
    rent = models.DecimalField(
        _("loyer ou redevance mensuel (€)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    charges = models.DecimalField(
        _("charges mensuelles (€)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    accessible = models.BooleanField(_("accessible (PMR)"), default=False)
    active = models.BooleanField(_("active"), default=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("place ou logement")
        ordering = ["facility", "label", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "label"],
                name="unit_unique_label_per_facility",
                violation_error_message=_("Cette structure a déjà une place ou un logement de ce libellé."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="unit_capacity_at_least_one",
                violation_error_message=_("Une place ou un logement compte au moins une place."),
            ),
            models.CheckConstraint(
                condition=(Q(rent__isnull=True) | Q(rent__gte=0))
                & (Q(charges__isnull=True) | Q(charges__gte=0)),
                name="unit_costs_not_negative",
                violation_error_message=_("Le loyer et les charges ne peuvent pas être négatifs."),
            ),
            models.CheckConstraint(
                condition=Q(surface__isnull=True) | Q(surface__gt=0),
                name="unit_surface_positive",
                violation_error_message=_("La surface est positive."),
            ),
            models.CheckConstraint(
                condition=Q(typology="") | Q(typology__in=Typology.values),
                name="unit_known_typology",
                violation_error_message=_("Typologie inconnue."),
            ),
        ]

    def __str__(self):
        return f"{self.facility} — {self.label}"


class Vacancy(TimeStampedModel):
    """A unit free from a date, until a household is admitted (filled) or it is withdrawn."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("place ou logement"), on_delete=models.PROTECT, related_name="vacancies"
    )
    available_from = models.DateField(_("libre à partir du"))
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    declared_at = models.DateTimeField(_("déclarée le"), default=timezone.now, editable=False)
    status = models.CharField(
        _("état"), max_length=10, choices=VacancyStatus.choices, default=VacancyStatus.OPEN
    )
    filled_at = models.DateTimeField(_("pourvue le"), null=True, blank=True, editable=False)
    withdrawn_at = models.DateTimeField(_("retirée le"), null=True, blank=True, editable=False)

    objects = VacancyQuerySet.as_manager()

    class Meta:
        verbose_name = _("vacance")
        ordering = ["-declared_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(status="open"),
                name="vacancy_one_open_per_unit",
                violation_error_message=_("Cette place ou ce logement a déjà une vacance à pourvoir."),
            ),
            models.CheckConstraint(
                condition=(Q(status="open") & Q(filled_at__isnull=True) & Q(withdrawn_at__isnull=True))
                | (Q(status="filled") & Q(filled_at__isnull=False) & Q(withdrawn_at__isnull=True))
                | (Q(status="withdrawn") & Q(withdrawn_at__isnull=False) & Q(filled_at__isnull=True)),
                name="vacancy_status_dates_consistent",
                violation_error_message=_("L'état de la vacance ne correspond pas à ses dates."),
            ),
        ]

    def __str__(self):
        from django.utils.formats import date_format

        # A French date in titles and breadcrumbs (« libre le 7 décembre 2026 »), never an ISO one.
        when = date_format(self.available_from, "DATE_FORMAT")
        return f"{self.unit} — " + str(_("libre le %(date)s") % {"date": when})

    @property
    def is_open(self) -> bool:
        return self.status == VacancyStatus.OPEN
