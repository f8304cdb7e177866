from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.core.forms import StyledFormMixin
from parcours.households.forms import DateInput

from .choices import DocumentKind
from .files import ACCEPT_ATTRIBUTE


class DetailsForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Type de document"), choices=[("", "—"), *DocumentKind.choices])
    person = forms.TypedChoiceField(
        label=_("À qui est ce papier"), coerce=int, required=False, empty_value=None
    )
    label = forms.CharField(label=_("Précision (facultatif)"), max_length=200, required=False)
    expires_on = forms.DateField(label=_("Valable jusqu'au (facultatif)"), required=False, widget=DateInput())

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", _("Tout le ménage"))] + [
            (p.pk, f"{p.first_name} {p.last_name}") for p in household.members
        ]


class UploadForm(DetailsForm):
    file = forms.FileField(
        label=_("Fichier (PDF, JPEG ou PNG)"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )


class EditForm(DetailsForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class PersonUploadForm(StyledFormMixin, forms.Form):
    """What the person fills in from their phone: the kind of paper and the photo (or a PDF)."""

    kind = forms.ChoiceField(label=_("Quel papier ?"), choices=[("", "—"), *DocumentKind.choices])
    expires_on = forms.DateField(
        label=_("Date de fin de validité, si le papier en a une"), required=False, widget=DateInput()
    )
    file = forms.FileField(
        label=_("Photo ou fichier PDF"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE, "capture": "environment"}),
    )
