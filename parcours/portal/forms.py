from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.core.forms import StyledFormMixin
from parcours.households.choices import ConsentPurpose

from .models import FeedbackKind


def _sign_in_field(label, max_length: int, help_text, **attrs) -> forms.CharField:
    """The one large field a sign-in page asks for (a phone, a code), focused when the page opens;
    attrs: what helps the phone fill it (autocomplete, keyboard)."""
    return forms.CharField(
        label=label,
        max_length=max_length,
        help_text=help_text,
        widget=forms.TextInput(attrs={**attrs, "autofocus": True, "class": "form-control-lg"}),
    )


class PhoneForm(StyledFormMixin, forms.Form):
    phone = _sign_in_field(
        _("Votre numéro de téléphone"),
        25,
        _("Par exemple : 06 12 34 56 78"),
        autocomplete="tel",
        inputmode="tel",
    )


class SmsCodeForm(StyledFormMixin, forms.Form):
    code = _sign_in_field(
        _("Le code reçu par SMS"), 10, _("6 chiffres"), autocomplete="one-time-code", inputmode="numeric"
    )


class PrintedCodeForm(StyledFormMixin, forms.Form):
    code = _sign_in_field(
        _("Le code écrit sur votre feuille"),
        20,
        _("Par exemple : ABCD-EFGH-JK"),
        autocomplete="off",
        autocapitalize="characters",
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
