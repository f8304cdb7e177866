"""Forms of the account pages: login, second factor, membership switch, API tokens."""

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from parcours.core.forms import StyledFormMixin
from parcours.territories.models import Territory

from .roles import ROLES_BY_ORGANIZATION_TYPE, OrganizationType, Role


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


class OrganizationCreateForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=200)
    type = forms.ChoiceField(label=_("Type"), choices=OrganizationType.choices)
    territory = forms.ModelChoiceField(
        label=_("Département"), queryset=Territory.objects.all(), to_field_name="code", empty_label=None
    )
    siret = forms.CharField(label=_("SIRET"), max_length=14, required=False, help_text=_("14 chiffres."))
    finess = forms.CharField(label=_("FINESS"), max_length=9, required=False, help_text=_("9 caractères."))


class OrganizationEditForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(label=_("Nom"), max_length=200)
    siret = forms.CharField(label=_("SIRET"), max_length=14, required=False, help_text=_("14 chiffres."))
    finess = forms.CharField(label=_("FINESS"), max_length=9, required=False, help_text=_("9 caractères."))
    active = forms.BooleanField(
        label=_("Organisation active"),
        required=False,
        help_text=_(
            "Une organisation inactive disparaît de l'annuaire ; ses membres ne peuvent plus agir pour elle."
        ),
    )


class _RoleChoiceMixin:
    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = ROLES_BY_ORGANIZATION_TYPE[organization.type]
        self.fields["role"].choices = [(r.value, r.label) for r in Role if r in allowed]


class InviteForm(_RoleChoiceMixin, StyledFormMixin, forms.Form):
    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    email = forms.EmailField(
        label=_("Adresse électronique professionnelle"),
        help_text=_("Le lien pour choisir un mot de passe y est envoyé."),
    )
    username = forms.SlugField(label=_("Identifiant"), max_length=150)
    role = forms.ChoiceField(label=_("Rôle"))


class AttachExistingForm(_RoleChoiceMixin, StyledFormMixin, forms.Form):
    username = forms.CharField(label=_("Identifiant du compte existant"), max_length=150)
    role = forms.ChoiceField(label=_("Rôle"))

    def clean_username(self):
        from .models import User

        user = User.objects.filter(username=self.cleaned_data["username"], is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("Aucun compte actif ne porte cet identifiant."))
        return user


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's password reset, its e-mail sent through the outbox (after the commit, retried, logged):
    the page answers at once whether the address is known or not."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **_html):
        from django.template.loader import render_to_string

        from parcours.core import outbox

        outbox.send_email(
            to=[to_email],
            subject="".join(render_to_string(subject_template_name, context).splitlines()),
            body=render_to_string(email_template_name, context),
            from_email=from_email,
            purpose="accounts.password_reset",
        )
