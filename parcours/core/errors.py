"""The domain's refusals, one hierarchy for every app (ADR 0013).

A service raises a DomainError subclass; it carries what both doors need: a stable `code`, the
HTTP status of the API, a French message for people, and, for invalid input, the errors by field.
The API maps them once (`parcours.api.errors`), the pages once (`page_message`, `show`,
`add_to_form` and `DomainErrorMiddleware` below); no app writes its own mapper.

NotFound is also an Http404 and Forbidden also a PermissionDenied, so code that knows only Django's
exceptions (a view's `except PermissionDenied`, Django's 404 and 403 pages) keeps working.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class DomainError(Exception):
    """A refusal a user can understand: `code` for programs, `message` (French) for people."""

    code = "error"
    http_status = 400
    default_message = gettext_lazy("Cette action n'est pas possible.")

    def __init__(self, message=None, *, code: str | None = None, fields: dict | None = None):
        self.message = str(message) if message else str(self.default_message)
        if code:
            self.code = code
        self.fields = fields or {}
        super().__init__(self.message)


class NotFound(DomainError, Http404):
    """The object does not exist, or the user may not know it exists (the same answer)."""

    code = "not_found"
    http_status = 404
    default_message = gettext_lazy("Ressource introuvable.")


class Forbidden(DomainError, PermissionDenied):
    """The user sees the object but their role does not allow this action on it."""

    code = "forbidden"
    http_status = 403
    default_message = gettext_lazy("Votre rôle ne permet pas cette action.")


def require(allowed: bool, message=None) -> None:
    """The first line of a write service (ADR 0016): the actor's `can_*` rule, or Forbidden with
    `message` before anything is saved."""
    if not allowed:
        raise Forbidden(message)


class Conflict(DomainError):
    """The action is impossible in the object's current state: a wrong status, a place taken…"""

    code = "conflict"
    http_status = 409
    default_message = gettext_lazy("Cette action n'est pas possible dans l'état actuel de la fiche.")


class InvalidTransition(Conflict):
    """The workflow does not allow this move from the record's current status (core.workflow); its
    code stays "conflict", as the API has always answered it."""


class StaleVersion(Conflict):
    """Someone saved the record after it was read: the edit must be redone on the current version."""

    code = "stale_version"

    def __init__(self, current_version: int | None, message=None):
        self.current_version = current_version
        super().__init__(
            message
            or _(
                "Cette fiche a été modifiée entre-temps (version actuelle : %(v)s). "
                "Relisez-la avant de modifier."
            )
            % {"v": current_version},
            fields={"version": [str(current_version)]},
        )


class Invalid(DomainError):
    """Input the domain refuses; `fields` maps a field name (or "__all__") to its messages."""

    code = "invalid"
    http_status = 400
    default_message = gettext_lazy("Les informations saisies ne sont pas valables.")

    def __init__(self, message=None, *, code: str | None = None, fields: dict | None = None, status=None):
        if not message and fields:
            message = " ".join(str(m) for ms in fields.values() for m in ms)
        super().__init__(message, code=code, fields=fields)
        if status:
            self.http_status = status


# Pages: one way to show a refusal.


def page_message(exc: Exception) -> str:
    """The French sentence a page shows for a service's refusal."""
    if isinstance(exc, DomainError):
        return exc.message
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or str(DomainError.default_message)


def show(request, exc: Exception) -> None:
    """Show a refusal as an error message at the top of the next page (nothing saved is lost)."""
    messages.error(request, page_message(exc))


def add_to_form(form, exc: Exception, *, on_fields: bool = False) -> None:
    """Show a refusal above the form the user is filling in (what they typed stays). With
    `on_fields`, a DomainError's errors by field go beside the fields the form has (the others, and
    "__all__", above it); its message above the form only when it names no field."""
    fields = exc.fields if on_fields and isinstance(exc, DomainError) else {}
    for name, problems in fields.items():
        form.add_error(name if name in form.fields else None, problems)
    if not fields:
        form.add_error(None, page_message(exc))


class DomainErrorMiddleware:
    """A conflict or invalid input that no page caught becomes an error message on the same page
    (a redirect to it, 303), never a 500; a GET runs no service, so it is never sent back to itself.
    NotFound and Forbidden are left to Django's 404 and 403 pages (they are Http404 and
    PermissionDenied); the API has its own handler (parcours.api.errors)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exc):
        if request.path.startswith("/api/") or not isinstance(exc, DomainError):
            return None
        if isinstance(exc, NotFound | Forbidden) or request.method in ("GET", "HEAD"):
            return None
        show(request, exc)
        response = HttpResponseRedirect(request.get_full_path())
        response.status_code = 303
        return response
