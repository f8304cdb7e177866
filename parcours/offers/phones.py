"""French telephone numbers of the offer (a facility's reception desk): accepted as typed (spaces,
dots, dashes, +33 or 0033), stored in the national format « 01 48 95 00 00 »."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PHONE_MESSAGE = _(
    "Numéro de téléphone français attendu : 10 chiffres commençant par 0 (par exemple 01 48 95 00 00), "
    "ou +33 suivi de 9 chiffres."
)
_SEPARATORS = re.compile(r"[\s.\-()/]")


def normalize_french_phone(value: str) -> str:
    """« +33 1 48 95 00 00 », « 01.48.95.00.00 » → « 01 48 95 00 00 »; '' stays ''. ValidationError
    (French message) for anything that is not a French number with 10 digits."""
    raw = _SEPARATORS.sub("", value or "")
    if not raw:
        return ""
    if raw.startswith("+33"):
        raw = "0" + raw[3:]
    elif raw.startswith("0033"):
        raw = "0" + raw[4:]
    if raw.startswith("00"):
        raw = raw[1:]  # « +33 (0)1 … » typed with its trunk zero
    if not re.fullmatch(r"0[1-9][0-9]{8}", raw):
        raise ValidationError(PHONE_MESSAGE, code="invalid_phone")
    return " ".join(raw[i : i + 2] for i in range(0, 10, 2))


def validate_french_phone(value: str) -> None:
    normalize_french_phone(value)
