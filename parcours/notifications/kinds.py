"""The kinds of message a person may choose to receive by SMS (all off until they opt in)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    NEW_PROPOSAL = "new_proposal", _("Une nouvelle proposition de logement ou d'hébergement")
    APPOINTMENT_REMINDER = "appointment_reminder", _("Un rappel la veille d'un rendez-vous")
    REQUEST_EXPIRING = "request_expiring", _("Ma demande de logement doit être mise à jour")
    DOCUMENT_EXPIRING = "document_expiring", _("Un de mes papiers arrive à sa date de fin")


NEW_PROPOSAL = NotificationKind.NEW_PROPOSAL
APPOINTMENT_REMINDER = NotificationKind.APPOINTMENT_REMINDER
REQUEST_EXPIRING = NotificationKind.REQUEST_EXPIRING
DOCUMENT_EXPIRING = NotificationKind.DOCUMENT_EXPIRING
