"""API v1 skeleton: bearer tokens bound to one membership, /me, the OpenAPI document and the error format."""

from datetime import timedelta

import pytest
from django.utils import timezone

from parcours.accounts import services
from parcours.accounts.models import ApiToken
from parcours.accounts.roles import Role
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def bearer(key):
    return {"Authorization": f"Bearer {key}"}


@pytest.mark.parametrize("role", Role.values)
def test_me_answers_for_the_token_membership(client, role):
    membership = MembershipFactory(role=role)
    MembershipFactory(user=membership.user, role=Role.OBSERVER)  # another membership, not the token's
    _token, key = services.token_create(actor=membership.user, membership=membership, name="t")
    response = client.get("/api/v1/me", headers=bearer(key))
    assert response.status_code == 200
    assert response.json() == {
        "username": membership.user.username,
        "organization": {
            "id": membership.organization_id,
            "name": membership.organization.name,
            "type": membership.organization.type,
        },
        "role": role,
    }


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic dXNlcjpwYXNz"}]
)
def test_missing_or_wrong_token_gets_401_in_the_error_format(client, headers):
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == "unauthenticated" and error["message"] and error["fields"] == {}


def test_revoked_expired_or_deactivated_tokens_stop_working(client):
    membership = MembershipFactory()
    token, key = services.token_create(actor=membership.user, membership=membership, name="t")
    assert client.get("/api/v1/me", headers=bearer(key)).status_code == 200
    services.token_revoke(actor=membership.user, token=token)
    assert client.get("/api/v1/me", headers=bearer(key)).status_code == 401

    token, key = services.token_create(actor=membership.user, membership=membership, name="t2")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/me", headers=bearer(key)).status_code == 401

    token, key = services.token_create(actor=membership.user, membership=membership, name="t3")
    membership.active = False
    membership.save()
    assert client.get("/api/v1/me", headers=bearer(key)).status_code == 401


def test_token_use_is_recorded_at_most_once_a_minute(client):
    membership = MembershipFactory()
    token, key = services.token_create(actor=membership.user, membership=membership, name="t")
    client.get("/api/v1/me", headers=bearer(key))
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None
    client.get("/api/v1/me", headers=bearer(key))
    token.refresh_from_db()
    assert token.last_used_at == first_use


def test_openapi_document_and_local_docs(client):
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200
    assert spec.json()["openapi"].startswith("3.") and "/api/v1/me" in spec.json()["paths"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn" not in html.lower() and "/static/ninja/swagger-ui-bundle" in html


def test_unknown_endpoint_is_a_json_404(client):
    membership = MembershipFactory()
    _token, key = services.token_create(actor=membership.user, membership=membership, name="t")
    response = client.get("/api/v1/nothing-here", headers=bearer(key))
    assert response.status_code == 404


def test_api_calls_need_no_session_nor_second_factor(client):
    membership = MembershipFactory(role=Role.CALL_HANDLER)
    _token, key = services.token_create(actor=membership.user, membership=membership, name="t")
    assert client.get("/api/v1/me", headers=bearer(key)).status_code == 200


def test_health_check_answers_without_authentication(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_schema_names_are_unique_across_the_api():
    """django-ninja names OpenAPI components after the Schema classes: two classes of one name in two
    routers make one of them vanish from the document (and clients then send the wrong body)."""
    import ast
    from collections import Counter
    from pathlib import Path

    from django.conf import settings

    names = Counter()
    for path in (Path(settings.BASE_DIR) / "parcours").glob("*/api.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef) and any(
                isinstance(b, ast.Name) and b.id == "Schema" for b in node.bases
            ):
                names[node.name] += 1
    assert [name for name, n in names.items() if n > 1] == []
