"""Forms of the plan pages: an action's progress (with the version it read), a figure entered by hand."""

from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import Organization
from parcours.core.forms import StyledFormMixin

from .models import ActionStatus


class ActionForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("Action"), max_length=300)
    owner = forms.ModelChoiceField(
        label=_("Organisation pilote"), queryset=Organization.objects.order_by("name"), required=False
    )
    owner_label = forms.CharField(label=_("Instance ou groupe pilote"), max_length=200, required=False)
    starts_on = forms.DateField(
        label=_("Début"), widget=forms.DateInput(attrs={"type": "date"}), required=False
    )
    due_on = forms.DateField(
        label=_("Échéance"), widget=forms.DateInput(attrs={"type": "date"}), required=False
    )
    status = forms.ChoiceField(label=_("État"), choices=ActionStatus.choices)
    note = forms.CharField(
        label=_("Point d'avancement"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )


class ValueForm(StyledFormMixin, forms.Form):
    on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    value = forms.DecimalField(label=_("Valeur"), max_digits=12, decimal_places=2)
    source = forms.CharField(
        label=_("Source"),
        max_length=300,
        help_text=_("D'où vient ce chiffre : compte rendu, bilan d'activité, enquête…"),
    )


class ReportForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Année"), min_value=2000, max_value=2100, required=False)
