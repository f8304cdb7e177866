"""Forms of the orientation pages: the list filter, a new request, a transition with its reason."""

from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.core.forms import StyledFormMixin
from parcours.offers.choices import FacilityKind
from parcours.territories.models import Territory

from .choices import RequestStatus


class RequestFilterForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("État"), choices=[("", _("Tous"))] + RequestStatus.choices, required=False
    )


class RequestForm(StyledFormMixin, forms.Form):
    wished_kinds = forms.MultipleChoiceField(
        label=_("Types d'offre souhaités"), choices=FacilityKind.choices, widget=forms.CheckboxSelectMultiple
    )
    wished_territories = forms.CharField(
        label=_("Départements souhaités"),
        max_length=100,
        help_text=_("Codes des départements par ordre de préférence, séparés par des virgules : 93, 75."),
    )
    max_rent = forms.DecimalField(
        label=_("Loyer maximum (€)"), min_value=0, max_digits=8, decimal_places=2, required=False
    )

    def clean_wished_territories(self):
        codes = [c.strip() for c in self.cleaned_data["wished_territories"].split(",") if c.strip()]
        if not codes:
            raise forms.ValidationError(_("Indiquez au moins un département souhaité."))
        known = set(Territory.objects.filter(code__in=codes).values_list("code", flat=True))
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise forms.ValidationError(_("Départements inconnus : %(c)s.") % {"c": ", ".join(unknown)})
        return codes


class TransitionForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Motif"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
