"""Forms of the engine's pages: the simulation's weights and rule parameters, the why-not question."""

from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.core.forms import StyledFormMixin, style_widgets

from .choices import Vulnerability
from .engine import RULES, TERMS
from .engine.rules import COST_DEFAULTS
from .models import MAX_MANUAL_PRIORITY

# The rules a coordinator may switch off in a simulation (the wishes always apply).
TOGGLED_RULES = (
    "capacity",
    "cost",
    "age",
    "sex",
    "composition",
    "pets",
    "accessibility",
    "parking",
    "pending_proposal",
)


class SimulationForm(StyledFormMixin, forms.Form):
    """Everything optional: an empty field keeps the network's current setting."""

    max_effort_rate = forms.DecimalField(
        label=_("Taux d'effort maximum (%)"), min_value=0, max_value=100, decimal_places=1, required=False
    )
    min_daily_residual = forms.DecimalField(
        label=_("Reste à vivre minimum (€ par jour et par unité de consommation)"),
        min_value=0,
        max_value=200,
        decimal_places=2,
        required=False,
    )
    overcrowding_threshold = forms.IntegerField(
        label=_("Personnes tolérées au-delà de la typologie"), min_value=0, max_value=5, required=False
    )

    def __init__(self, *args, weights: dict[str, float], **kwargs):
        super().__init__(*args, **kwargs)
        self.current_weights = weights
        for code, label in TERMS.items():
            self.fields[f"w_{code}"] = forms.DecimalField(
                label=label, min_value=0, max_value=1000, decimal_places=3, required=False
            )
            self.fields[f"w_{code}"].widget.attrs["placeholder"] = f"{weights[code]:g}"
        for code in TOGGLED_RULES:
            self.fields[f"off_{code}"] = forms.BooleanField(
                label=_("Ne pas appliquer : %(rule)s") % {"rule": RULES[code].label}, required=False
            )
        self.fields["max_effort_rate"].widget.attrs["placeholder"] = (
            f"{100 * COST_DEFAULTS['max_effort_rate']:g}"
        )
        self.fields["min_daily_residual"].widget.attrs["placeholder"] = (
            f"{COST_DEFAULTS['min_daily_residual']:g}"
        )
        self.fields["overcrowding_threshold"].widget.attrs["placeholder"] = "0"
        style_widgets(self)  # the fields added above

    def weight_fields(self):
        return [self[f"w_{code}"] for code in TERMS]

    def rule_fields(self):
        return [self[f"off_{code}"] for code in TOGGLED_RULES]

    def overrides(self) -> tuple[dict, dict]:
        """(weights, rules) to apply over the stored settings; empty when nothing was changed."""
        data = self.cleaned_data
        weights = {code: float(data[f"w_{code}"]) for code in TERMS if data.get(f"w_{code}") is not None}
        rules: dict[str, tuple[bool, dict]] = {}
        cost = {}
        if data.get("max_effort_rate") is not None:
            cost["max_effort_rate"] = float(data["max_effort_rate"]) / 100
        if data.get("min_daily_residual") is not None:
            cost["min_daily_residual"] = float(data["min_daily_residual"])
        if cost:
            rules["cost"] = (True, cost)
        if data.get("overcrowding_threshold") is not None:
            rules["capacity"] = (True, {"overcrowding_threshold": data["overcrowding_threshold"]})
        for code in TOGGLED_RULES:
            if data.get(f"off_{code}"):
                rules[code] = (False, rules.get(code, (False, {}))[1])
        return weights, rules


class WhyNotForm(StyledFormMixin, forms.Form):
    request = forms.IntegerField(label=_("Numéro de la demande"), min_value=1)


class RequestFactsForm(StyledFormMixin, forms.Form):
    """A request's matching facts; the fields the user may not change are left out by the view."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    needs_accessible = forms.BooleanField(label=_("A besoin d'un logement accessible (PMR)"), required=False)
    has_pets = forms.BooleanField(label=_("Vit avec un animal"), required=False)
    vulnerability = forms.ChoiceField(
        label=_("Priorité de vulnérabilité"), choices=Vulnerability.choices, required=False
    )
    manual_priority = forms.IntegerField(
        label=_("Priorité de la commission (points)"),
        min_value=0,
        max_value=MAX_MANUAL_PRIORITY,
        required=False,
    )
    manual_priority_reason = forms.CharField(
        label=_("Motif de la priorité"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text=_("Obligatoire dès qu'une priorité est donnée : la décision de la commission, datée."),
    )

    def __init__(self, *args, needs: bool, priority: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not needs:
            del self.fields["needs_accessible"], self.fields["has_pets"]
        if not priority:
            del (
                self.fields["vulnerability"],
                self.fields["manual_priority"],
                self.fields["manual_priority_reason"],
            )

    def clean(self):
        data = super().clean()
        if data.get("manual_priority") and not (data.get("manual_priority_reason") or "").strip():
            self.add_error("manual_priority_reason", _("Une priorité de la commission est toujours motivée."))
        return data
