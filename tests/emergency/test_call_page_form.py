"""The new call page builds no CallForm when it shows the empty form (its fields come from the cache,
issue 18): the page around them is drawn the same with the stand-in as with an empty CallForm, and a
posted form is still checked and shown with its errors."""

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from parcours.emergency import forms as emergency_forms
from parcours.emergency import views
from parcours.emergency.forms import CallForm
from tests.emergency.test_emergency import net  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def test_the_stand_in_draws_the_page_as_an_empty_call_form(net, rf):  # noqa: F811
    request = rf.get("/115/appels/nouveau/")
    request.user = net["handler"]
    request.user.active_membership = request.user.memberships.first()
    request.htmx = False
    context = {
        "household": None,
        "suggested": "P3",
        "suggested_label": "P3",
        "call_fields_html": "<p>fields</p>",
        "offline_banner_html": "<div>banner</div>",
        "query": "",
        "results": [],
        "breadcrumbs_html": "<nav>crumbs</nav>",
        "csrf_token": "TOKEN",
        "CSP_NONCE": "NONCE",
    }
    with_form = render_to_string("emergency/call.html", {**context, "form": CallForm()}, request)
    with_stand_in = render_to_string(
        "emergency/call.html", {**context, "form": views._UNBOUND_CALL_FORM}, request
    )
    assert with_stand_in == with_form


def test_the_empty_page_builds_no_form_once_its_fields_are_cached(net, login, monkeypatch):  # noqa: F811
    client = login(net["handler"], Client())
    first = client.get(reverse("emergency:call")).content.decode()
    built = []
    init = emergency_forms.CallForm.__init__

    def counted(self, *args, **kwargs):
        built.append(args)
        init(self, *args, **kwargs)

    monkeypatch.setattr(emergency_forms.CallForm, "__init__", counted)
    again = client.get(reverse("emergency:call")).content.decode()
    assert built == []
    assert 'name="flash_first_name"' in again and 'name="night"' in again
    assert len(again) == len(first)


def test_a_posted_call_is_still_checked(net, login):  # noqa: F811
    client = login(net["handler"], Client())
    response = client.post(reverse("emergency:call"), {"outcome": "request", "flash_first_name": "Awa"})
    assert response.status_code == 400
    assert "data-error-summary" in response.content.decode()
    assert client.post(reverse("emergency:call"), {}).status_code == 200  # nothing posted: the empty form
