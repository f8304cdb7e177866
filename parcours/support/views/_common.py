"""What every support page shares: paging, breadcrumbs, refusals shown as French messages."""

from django.contrib import messages
from django.urls import reverse
from django.utils.translation import gettext as _

from parcours.core import errors
from parcours.core.versioning import StaleVersionError
from parcours.households.models import with_people

PAGE_SIZE = 25


def _stale_message() -> str:
    return _(
        "Cette fiche a été modifiée entre-temps par quelqu'un d'autre : "
        "relisez-la, puis refaites votre modification."
    )


def _crumbs(*more):
    return [(_("Accompagnement"), reverse("support:measures")), *more]


def _people() -> list:
    """The people of each row's household, into the list `Household.members` reads (with_people)."""
    return with_people("household")


def _fail(request, exc) -> None:
    """Show a service's refusal as a French message; nothing already saved is lost."""
    if isinstance(exc, StaleVersionError):
        messages.error(request, _stale_message())
    else:
        errors.show(request, exc)


def _form_errors(request, form) -> None:
    for field, field_errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in field_errors:
            messages.error(request, f"{label} : {error}" if label else error)
