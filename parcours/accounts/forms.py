"""Forms of the account pages: login, second factor, membership switch, API tokens."""

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from parcours.core.forms import StyledFormMixin


class LoginForm(StyledFormMixin, AuthenticationForm):
    username = forms.CharField(
        label=_("Identifiant"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class OtpForm(StyledFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Code à usage unique"),
        max_length=16,
        help_text=_("Les 6 chiffres de votre application d'authentification, ou un code de secours."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self):
        return self.cleaned_data["code"].replace(" ", "").strip()


class MembershipSwitchForm(forms.Form):
    membership = forms.IntegerField(widget=forms.HiddenInput)


class TokenCreateForm(StyledFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Nom du jeton"), max_length=100, help_text=_("Par exemple : « export mensuel ».")
    )
    membership = forms.TypedChoiceField(label=_("Rattachement"), coerce=int)
    days = forms.IntegerField(label=_("Validité (jours)"), min_value=1, initial=90)

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].max_value = settings.PARCOURS_API_TOKEN_DAYS
        self.fields["days"].validators.append(MaxValueValidator(settings.PARCOURS_API_TOKEN_DAYS))
        self.fields["days"].widget.attrs["max"] = settings.PARCOURS_API_TOKEN_DAYS
        self.fields["membership"].choices = [(m.pk, str(m)) for m in memberships]
