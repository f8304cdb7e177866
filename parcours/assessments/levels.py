"""The levels an item of the shared assessment is rated with (AFFIL grid: acquis, en cours, soutien)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """Describes a support need, never a condition to meet: no score is ever computed from it."""

    ACQUIRED = "acquired", _("Acquis")
    IN_PROGRESS = "in_progress", _("En cours d'acquisition")
    NEEDS_SUPPORT = "needs_support", _("Nécessite un soutien")
    NOT_ASSESSED = "not_assessed", _("Non évalué")
