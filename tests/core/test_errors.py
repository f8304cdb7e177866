"""One DomainError hierarchy (issue 14, item 2): every refusal of the domain answers the API's JSON
error with its own status and code, and a French message on a page; no app maps errors itself."""

import ast
import json
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import include, path

from parcours.accounts.roles import Role
from parcours.api.api import api as ninja_api
from parcours.assessments.grids import GridFileError, GridVersionConflict
from parcours.core import errors
from parcours.core.lookup import get_visible_or_404
from parcours.core.versioning import StaleVersionError
from parcours.emergency import services as emergency_services
from parcours.matching.services import SettingsConflict
from parcours.observatory.services import UnknownIndicator
from parcours.offers.services import VacancyConflict
from parcours.orientation.commissions import CommissionConflict
from parcours.orientation.services import TransitionConflict
from parcours.support import services as support_services
from parcours.support.models import Workshop
from tests.factories import OrganizationFactory

ROOT = Path(__file__).resolve().parents[2]

# (exception, status, code, French message) for every class of the hierarchy, the apps' included.
CASES = [
    (errors.NotFound(), 404, "not_found", "Ressource introuvable."),
    (errors.Forbidden(), 403, "forbidden", "Votre rôle ne permet pas cette action."),
    (errors.Conflict(), 409, "conflict", "Cette action n'est pas possible dans l'état actuel de la fiche."),
    (
        errors.StaleVersion(4),
        409,
        "stale_version",
        "Cette fiche a été modifiée entre-temps (version actuelle : 4). Relisez-la avant de modifier.",
    ),
    (errors.Invalid(fields={"age": ["Âge impossible."]}), 400, "invalid", "Âge impossible."),
    (emergency_services.Conflict("Demande déjà close."), 409, "conflict", "Demande déjà close."),
    (emergency_services.PlaceTaken("Place prise."), 409, "place_taken", "Place prise."),
    (support_services.Conflict("Mesure close."), 409, "conflict", "Mesure close."),
    (TransitionConflict("Déjà validée."), 409, "conflict", "Déjà validée."),
    (CommissionConflict("Commission close."), 409, "conflict", "Commission close."),
    (VacancyConflict("Vacance pourvue."), 409, "conflict", "Vacance pourvue."),
    (SettingsConflict(), 409, "conflict", "Les réglages ont été modifiés par quelqu'un d'autre"),
    (GridFileError(["Ligne 3 : code manquant."]), 400, "invalid", "Ligne 3 : code manquant."),
    (GridVersionConflict(["Version déjà publiée."]), 409, "conflict", "Version déjà publiée."),
    (UnknownIndicator(), 404, "not_found", "Indicateur inconnu."),
]
IDS = [type(exc).__module__.rsplit(".", 2)[-2] + "." + type(exc).__name__ for exc, *_ in CASES]


@pytest.mark.parametrize(("exc", "status", "code", "message"), CASES, ids=IDS)
def test_api_maps_every_domain_error_to_its_status_and_the_json_format(rf, exc, status, code, message):
    response = ninja_api.on_exception(rf.post("/api/v1/x"), exc)
    assert response.status_code == status
    body = json.loads(response.content)
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    assert body["error"]["message"].startswith(message)
    assert isinstance(body["error"]["fields"], dict)


def test_api_stale_version_keeps_the_version_field_and_old_name(rf):
    """api-v1: a stale write answers 409 stale_version and names the current version."""
    assert StaleVersionError is errors.StaleVersion
    body = json.loads(ninja_api.on_exception(rf.post("/api/v1/x"), StaleVersionError(7)).content)
    assert body["error"]["fields"] == {"version": ["7"]}


def test_api_maps_a_bare_permission_denied_to_the_json_403(rf):
    from django.core.exceptions import PermissionDenied

    response = ninja_api.on_exception(rf.post("/api/v1/x"), PermissionDenied("Non."))
    assert response.status_code == 403
    assert json.loads(response.content)["error"] == {"code": "forbidden", "message": "Non.", "fields": {}}


# Pages: a test view raising each error behind the whole middleware stack.


def _raising(request, index):
    if request.method == "POST":
        raise CASES[index][0]
    from django.contrib.messages import get_messages

    return HttpResponse(" | ".join(str(m) for m in get_messages(request)))


urlpatterns = [path("test-errors/<int:index>/", _raising), path("", include("config.urls"))]


@pytest.mark.urls("tests.core.test_errors")
@pytest.mark.parametrize(("index", "case"), list(enumerate(CASES)), ids=IDS)
def test_a_page_shows_every_domain_error_in_french(client, login, member, index, case):
    exc, status, _code, message = case
    login(_acting(member(Role.SOCIAL_WORKER)))
    response = client.post(f"/test-errors/{index}/")
    if status in (403, 404):
        # What a user may not see or do: Django's 404 and 403 pages, as for Http404/PermissionDenied.
        assert response.status_code == status
        return
    assert response.status_code == 303
    assert response["Location"] == f"/test-errors/{index}/"
    shown = client.get(response["Location"]).content.decode()
    assert message in shown


def test_page_message_reads_domain_and_django_validation_errors():
    from django.core.exceptions import ValidationError

    assert errors.page_message(TransitionConflict("Déjà validée.")) == "Déjà validée."
    assert errors.page_message(ValidationError({"age": "Âge impossible."})) == "Âge impossible."


def test_the_old_names_are_domain_errors_so_old_except_clauses_keep_working():
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    assert isinstance(errors.Forbidden(), PermissionDenied)
    assert isinstance(errors.NotFound(), Http404)
    assert isinstance(UnknownIndicator(), KeyError)
    assert isinstance(GridVersionConflict(["x"]), ValueError)
    for cls in (TransitionConflict, CommissionConflict, VacancyConflict, SettingsConflict, StaleVersionError):
        assert issubclass(cls, errors.Conflict)
    assert issubclass(emergency_services.PlaceTaken, emergency_services.Conflict)


# The shared lookup.


def _acting(user):
    user.active_membership = user.memberships.get()  # as ActiveMembershipMiddleware does
    return user


@pytest.mark.django_db
def test_get_visible_or_404_answers_not_found_for_hidden_and_missing_alike(member):
    workshop = Workshop.objects.create(organization=OrganizationFactory(), title="Budget", capacity=5)
    assert get_visible_or_404(Workshop, workshop.pk, _acting(member(Role.SOCIAL_WORKER))) == workshop
    for role in set(Role) - {Role.SOCIAL_WORKER}:  # the six others: as if it did not exist
        with pytest.raises(errors.NotFound) as hidden:
            get_visible_or_404(
                Workshop.objects.all(), workshop.pk, _acting(member(role)), message="Atelier introuvable."
            )
        assert hidden.value.message == "Atelier introuvable."
    with pytest.raises(errors.NotFound):
        get_visible_or_404(Workshop, workshop.pk + 1000, _acting(member(Role.SOCIAL_WORKER)))


# No app maps errors itself any more.


def _domain_error_names() -> set[str]:
    names, todo = set(), [errors.DomainError]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return names | {"PermissionDenied", "StaleVersionError"}


def test_no_api_module_defines_its_own_error_mapper():
    domain = _domain_error_names()
    found = []
    for api_file in sorted((ROOT / "parcours").glob("*/api.py")):
        tree = ast.parse(api_file.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name in (
                "_conflict",
                "_forbidden",
                "_service_errors",
            ):
                found.append(f"{api_file.parent.name}: def {node.name}")
            if isinstance(node, ast.ExceptHandler) and node.type is not None:
                caught = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
                for expr in caught:
                    name = expr.attr if isinstance(expr, ast.Attribute) else getattr(expr, "id", "")
                    if name in domain:
                        found.append(f"{api_file.parent.name}:{node.lineno} except {name}")
            if isinstance(node, ast.Attribute) and node.attr in (
                "exception_handler",
                "add_exception_handler",
            ):
                found.append(f"{api_file.parent.name}:{node.lineno} {node.attr}")
    assert found == []


@pytest.fixture
def rf():
    return RequestFactory()


def test_add_to_form_puts_field_errors_beside_their_fields_only_when_asked():
    from django import forms

    class Paper(forms.Form):
        kind = forms.CharField(required=False)

    refusal = errors.Invalid(fields={"kind": ["Type inconnu."], "size": ["Trop gros."]})
    above = Paper(data={})
    above.is_valid()
    errors.add_to_form(above, refusal)
    assert above.errors == {"__all__": ["Type inconnu. Trop gros."]}

    beside = Paper(data={})
    beside.is_valid()
    errors.add_to_form(beside, refusal, on_fields=True)
    assert beside.errors == {"kind": ["Type inconnu."], "__all__": ["Trop gros."]}

    plain = Paper(data={})
    plain.is_valid()
    errors.add_to_form(plain, errors.Conflict("Déjà pris."), on_fields=True)
    assert plain.errors == {"__all__": ["Déjà pris."]}
