"""Départements (the SIAO's territory) and communes, from the Code officiel géographique (COG)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Territory(models.Model):
    """A département. `code` is the COG code ("93", "2A", "971")."""

    code = models.CharField(_("code"), max_length=3, unique=True)
    name = models.CharField(_("nom"), max_length=100)
    region_code = models.CharField(_("code région"), max_length=2)
    region_name = models.CharField(_("région"), max_length=100)

    class Meta:
        verbose_name = _("département")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class Commune(models.Model):
    """A current commune, or a municipal arrondissement of Paris, Lyon or Marseille."""

    code = models.CharField(_("code INSEE"), max_length=5, unique=True)
    name = models.CharField(_("nom"), max_length=150)
    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="communes")
    postal_codes = models.JSONField(_("codes postaux"), default=list)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    is_arrondissement = models.BooleanField(_("arrondissement municipal"), default=False)

    class Meta:
        verbose_name = _("commune")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.code})"
