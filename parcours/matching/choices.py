"""Reference lists of the orientation engine's configuration (codes shared with the pure engine)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .engine import RULES, TERMS

RULE_CHOICES = [(code, rule.label) for code, rule in RULES.items()]
TERM_CHOICES = list(TERMS.items())


class Vulnerability(models.TextChoices):
    """Vulnerability priority of the Île-de-France unified framework (P1 most urgent)."""

    NONE = "", _("Non évaluée")
    P1 = "P1", _("P1 — très haute vulnérabilité")
    P2 = "P2", _("P2 — haute vulnérabilité")
    P3 = "P3", _("P3 — vulnérabilité modérée")
    P4 = "P4", _("P4 — vulnérabilité faible")
