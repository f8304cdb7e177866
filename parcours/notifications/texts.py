"""The SMS texts, in plain French (FALC): short sentences, the date in words, no sensitive detail —
only that there is news in « Mon espace » and what to do."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _


def day(value) -> str:
    """« le 12 janvier » (the year when it is not this year's)."""
    if hasattr(value, "hour"):
        value = timezone.localtime(value).date()
    return date_format(value, "j F" if value.year == timezone.localdate().year else "j F Y")


def hour(value) -> str:
    """« 10 h 30 », « 9 h »."""
    local = timezone.localtime(value)
    return f"{local.hour} h {local.minute:02d}" if local.minute else f"{local.hour} h"


def new_proposal(answer_by=None) -> str:
    text = _("Vous avez un nouveau message dans Mon espace : une proposition de logement.")
    if answer_by:
        text += " " + _("Répondez avant le %(d)s.") % {"d": day(answer_by)}
    return text


def appointment_reminder(starts_at, place: str) -> str:
    return _(
        "Rappel : vous avez un rendez-vous demain, le %(d)s à %(h)s. Lieu : %(place)s. "
        "Pour le déplacer, allez dans Mon espace."
    ) % {
        "d": day(starts_at),
        "h": hour(starts_at),
        "place": place,
    }


def request_expiring(until) -> str:
    return _(
        "Votre demande de logement doit être mise à jour avant le %(d)s. "
        "Appelez votre référent ou allez dans Mon espace."
    ) % {"d": day(until)}


def document_expiring(until) -> str:
    return _(
        "Un de vos papiers n'est plus valable après le %(d)s. "
        "Regardez dans Mon espace et pensez à le renouveler."
    ) % {"d": day(until)}
