from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.core.forms import StyledFormMixin
from parcours.households.choices import ConsentPurpose

from .models import FeedbackKind


class PhoneForm(StyledFormMixin, forms.Form):
    phone = forms.CharField(
        label=_("Votre numéro de téléphone"),
        max_length=25,
        help_text=_("Par exemple : 06 12 34 56 78"),
        widget=forms.TextInput(
            attrs={"autocomplete": "tel", "inputmode": "tel", "autofocus": True, "class": "form-control-lg"}
        ),
    )


class SmsCodeForm(StyledFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Le code reçu par SMS"),
        max_length=10,
        help_text=_("6 chiffres"),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "class": "form-control-lg",
            }
        ),
    )


class PrintedCodeForm(StyledFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Le code écrit sur votre feuille"),
        max_length=20,
        help_text=_("Par exemple : ABCD-EFGH-JK"),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "autofocus": True,
                "class": "form-control-lg",
            }
        ),
    )


class FeedbackForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Vous voulez nous dire"), choices=FeedbackKind.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("Votre message"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5})
    )
    anonymous = forms.BooleanField(
        label=_("Je ne veux pas donner mon nom"),
        required=False,
        help_text=_("Si vous cochez, personne ne saura que ce message vient de vous."),
    )


class InviteForm(StyledFormMixin, forms.Form):
    person = forms.TypedChoiceField(label=_("Personne"), coerce=int)
    phone = forms.CharField(
        label=_("Téléphone portable de la personne"),
        max_length=25,
        required=False,
        help_text=_("Laissez vide pour une personne sans téléphone : un code à imprimer vous sera donné."),
    )
    identity_checked = forms.BooleanField(
        label=_("J'ai vérifié l'identité de la personne en face à face."), required=True
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [(p.pk, f"{p.first_name} {p.last_name}") for p in people]


class ConsentOfferForm(StyledFormMixin, forms.Form):
    organization = forms.TypedChoiceField(label=_("Organisation"), coerce=int)
    purpose = forms.ChoiceField(label=_("Finalité"), choices=ConsentPurpose.choices)

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [(o.pk, o.name) for o in organizations]
