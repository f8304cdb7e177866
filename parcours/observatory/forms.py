"""The dashboard's filter: a period (at most two years) and a département of the region."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.core.forms import StyledFormMixin
from parcours.territories.models import Territory

from .catalogue import Period

MAX_DAYS = 731


def region_territories() -> list[tuple[str, str]]:
    """The départements of the region the network works in (Île-de-France in the demo)."""
    codes = Territory.objects.filter(region_code="11").order_by("code").values_list("code", "name")
    return list(codes) or list(Territory.objects.order_by("code").values_list("code", "name"))


class PeriodForm(StyledFormMixin, forms.Form):
    start = forms.DateField(label=_("Du"), widget=forms.DateInput(attrs={"type": "date"}), required=False)
    end = forms.DateField(label=_("Au"), widget=forms.DateInput(attrs={"type": "date"}), required=False)
    territory = forms.ChoiceField(label=_("Département"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].choices = [("", _("Tous les départements"))] + [
            (code, f"{code} — {name}") for code, name in region_territories()
        ]

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        end = data.get("end") or today
        start = data.get("start") or (end.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        if start > end:
            raise forms.ValidationError(_("La période commence après sa fin."))
        if (end - start).days > MAX_DAYS:
            raise forms.ValidationError(_("La période couvre au plus deux ans."))
        data["period"] = Period(start, end)
        data["territory"] = data.get("territory") or None
        return data


def default_period() -> Period:
    end = timezone.localdate()
    return Period((end.replace(day=1) - dt.timedelta(days=1)).replace(day=1), end)
