"""The error format of api-v1.md: {"error": {"code", "message", "fields"}}, never a 500 for bad input.

Every refusal of the domain (parcours.core.errors.DomainError: NotFound, Forbidden, Conflict,
StaleVersion, Invalid, and each app's subclasses) is mapped here, once, by its own code and status;
no app's api.py maps exceptions itself (tests/core/test_errors.py checks it)."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from parcours.core.errors import DomainError, Forbidden


class ApiError(DomainError):
    """Raised by endpoints for a documented failure with its own status and code."""

    def __init__(self, status: int, code: str, message: str, fields: dict | None = None):
        super().__init__(message, code=code, fields=fields)
        self.http_status = status

    @property
    def status(self) -> int:
        return self.http_status


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _ninja_fields(errors: list[dict]) -> dict:
    fields: dict[str, list[str]] = {}
    for err in errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload")]
        fields.setdefault(".".join(loc) or "__all__", []).append(err.get("msg", ""))
    return fields


def install(api) -> None:
    def respond(request, status, code, message, fields=None):
        return api.create_response(request, error_body(code, message, fields), status=status)

    @api.exception_handler(DomainError)
    def on_domain_error(request, exc: DomainError):
        return respond(request, exc.http_status, exc.code, exc.message, exc.fields)

    @api.exception_handler(PermissionDenied)
    def on_permission_denied(request, exc: PermissionDenied):
        # A bare PermissionDenied (Forbidden is a DomainError, handled above): its text, if any.
        return respond(request, 403, Forbidden.code, str(exc) or str(Forbidden.default_message))

    @api.exception_handler(NinjaValidationError)
    def on_schema_error(request, exc: NinjaValidationError):
        return respond(
            request,
            422,
            "invalid",
            _("La requête ne respecte pas le schéma attendu."),
            _ninja_fields(exc.errors),
        )

    @api.exception_handler(DjangoValidationError)
    def on_validation_error(request, exc: DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return respond(request, 400, "invalid", " ".join(m for ms in fields.values() for m in ms), fields)

    @api.exception_handler(Http404)
    def on_not_found(request, exc):
        return respond(request, 404, "not_found", _("Ressource introuvable."))

    @api.exception_handler(AuthenticationError)
    def on_unauthenticated(request, exc):
        return respond(
            request, 401, "unauthenticated", _("Jeton d'accès absent, invalide, expiré ou révoqué.")
        )

    @api.exception_handler(HttpError)
    def on_http_error(request, exc: HttpError):
        return respond(request, exc.status_code, "error", str(exc))
