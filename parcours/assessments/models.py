"""The shared assessment grid (trame d'évaluation partagée) as versioned, immutable data."""

from django.db import models
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .levels import Level

__all__ = ["AssessmentGrid", "FieldType", "GridItem", "GridSection", "ItemKind", "Level"]


class ItemKind(models.TextChoices):
    RATED = "rated", _("Évalué par un niveau et un commentaire")
    STRUCTURED = "structured", _("Renseigné par des champs structurés")


class FieldType(models.TextChoices):
    """Types of a structured field; `departement` holds a COG code ("93"), `money` a decimal in euros."""

    TEXT = "text", _("Texte")
    MONEY = "money", _("Montant en euros")
    CHOICE = "choice", _("Choix dans une liste")
    BOOLEAN = "boolean", _("Oui / non")
    DATE = "date", _("Date")
    DEPARTEMENT = "departement", _("Département")


class AssessmentGridQuerySet(models.QuerySet):
    def with_content(self):
        """Sections and items in order, in three queries whatever the size of the grid."""
        return self.prefetch_related(
            Prefetch("sections", queryset=GridSection.objects.order_by("position")),
            Prefetch("sections__items", queryset=GridItem.objects.order_by("position")),
        )

    def current(self):
        """The grid new assessments use: the highest published version, or None."""
        return self.order_by("-version").first()


class AssessmentGrid(models.Model):
    """One published version of the grid. Never edited: a change is a new version (see grids.py)."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    title = models.CharField(_("titre"), max_length=200)
    source = models.TextField(_("source"))
    published_at = models.DateTimeField(_("publiée le"), default=timezone.now, editable=False)

    objects = AssessmentGridQuerySet.as_manager()

    class Meta:
        verbose_name = _("trame d'évaluation")
        verbose_name_plural = _("trames d'évaluation")
        ordering = ["-version"]
        constraints = [
            models.CheckConstraint(condition=Q(version__gte=1), name="assessment_grid_version_positive"),
        ]

    def __str__(self):
        return f"{self.title} (v{self.version})"


class GridSection(models.Model):
    """A section of the grid ("Pouvoir louer"…). `fields` are answered once for the whole section."""

    grid = models.ForeignKey(
        AssessmentGrid, on_delete=models.PROTECT, related_name="sections", verbose_name=_("trame")
    )
    code = models.CharField(_("code"), max_length=10)
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("intitulé"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    fields = models.JSONField(_("champs structurés"), default=list, blank=True)

    class Meta:
        verbose_name = _("section de la trame")
        verbose_name_plural = _("sections de la trame")
        ordering = ["grid", "position"]
        constraints = [
            models.UniqueConstraint(fields=["grid", "code"], name="grid_section_unique_code"),
            models.UniqueConstraint(fields=["grid", "position"], name="grid_section_unique_position"),
        ]

    def __str__(self):
        return f"{self.code}. {self.title}"


class GridItem(models.Model):
    """An item of a section: rated (level + comment) or structured (the fields described by `fields`)."""

    section = models.ForeignKey(
        GridSection, on_delete=models.PROTECT, related_name="items", verbose_name=_("section")
    )
    code = models.CharField(_("code"), max_length=10)
    position = models.PositiveSmallIntegerField(_("position"))
    label = models.TextField(_("libellé"))
    kind = models.CharField(_("nature"), max_length=16, choices=ItemKind.choices, default=ItemKind.RATED)
    fields = models.JSONField(_("champs structurés"), default=list, blank=True)

    class Meta:
        verbose_name = _("élément de la trame")
        verbose_name_plural = _("éléments de la trame")
        ordering = ["section", "position"]
        constraints = [
            models.UniqueConstraint(fields=["section", "code"], name="grid_item_unique_code"),
            models.UniqueConstraint(fields=["section", "position"], name="grid_item_unique_position"),
            models.CheckConstraint(condition=Q(kind__in=ItemKind.values), name="grid_item_known_kind"),
        ]

    def __str__(self):
        return f"{self.code} {self.label[:60]}"
