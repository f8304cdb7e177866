"""The dashboard's filter: a period (at most two years) and a département of the region."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.core.forms import StyledFormMixin
from parcours.territories.models import Territory

from .catalogue import Period

MAX_DAYS = 731
# Figures exist from the network's first years to the end of the century; outside, a date is a typo
# or an attack, and date arithmetic at the edges of the calendar would overflow.
FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2100, 12, 31)


def period_error(start: dt.date | None, end: dt.date | None) -> str | None:
    """Why a requested period cannot be served (a French message), or None."""
    for day in (start, end):
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            return _("Les dates vont du 1er janvier 2000 au 31 décembre 2100.")
    if start is not None and end is not None:
        if start > end:
            return _("La période commence après sa fin.")
        if (end - start).days > MAX_DAYS:
            return _("La période couvre au plus deux ans.")
    return None


def region_territories() -> list[tuple[str, str]]:
    """The départements of the region the network works in (Île-de-France in the demo)."""
    codes = Territory.objects.filter(region_code="11").order_by("code").values_list("code", "name")
    return list(codes) or list(Territory.objects.order_by("code").values_list("code", "name"))


class PeriodForm(StyledFormMixin, forms.Form):
    # A date input only shows an ISO date: the localised format (01/11/2026) would leave it empty.
    start = forms.DateField(
        label=_("Du"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), required=False
    )
    end = forms.DateField(
        label=_("Au"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), required=False
    )
    territory = forms.ChoiceField(label=_("Département"), required=False)

    def __init__(self, *args, territories: list[tuple[str, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        territories = region_territories() if territories is None else territories
        self.fields["territory"].choices = [("", _("Tous les départements"))] + [
            (code, f"{code} — {name}") for code, name in territories
        ]

    def clean(self):
        data = super().clean()
        error = period_error(data.get("start"), data.get("end"))
        if error:
            raise forms.ValidationError(error)
        today = timezone.localdate()
        end = data.get("end") or today
        start = data.get("start") or (end.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        error = period_error(start, end)
        if error:
            raise forms.ValidationError(error)
        data["period"] = Period(start, end)
        data["territory"] = data.get("territory") or None
        return data


def default_period() -> Period:
    end = timezone.localdate()
    return Period((end.replace(day=1) - dt.timedelta(days=1)).replace(day=1), end)
