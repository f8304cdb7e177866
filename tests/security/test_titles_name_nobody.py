"""A staff page's <title> names nobody: a browser tab's title ends up in the history, the bookmarks
and a shared screen. The title carries the file's reference (« Ménage n° 123 »); the <h1> keeps the
name for the one who may read it."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from parcours.accounts.roles import Role
from parcours.assessments import services as assessment_services
from parcours.emergency import services as emergency_services
from parcours.emergency.nights import current_night
from tests.factories import make_household
from tests.factories.orientation import InsertionRequestFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]

NAMES = ("Awa", "Diallo")
AWA = [("Awa", "Diallo", dt.date(1990, 1, 1))]


def _title(response) -> str:
    assert response.status_code == 200, response
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)


def _h1(response) -> str:
    return re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S).group(1)


def _assert_names_nobody(response, reference):
    title = _title(response)
    assert not any(name in title for name in NAMES), title
    assert reference in title, title
    assert "Awa" in _h1(response)  # the page itself still says who it is about


def test_the_staff_pages_of_a_household_name_it_by_its_number(role_network, login):
    worker = role_network.users[Role.SOCIAL_WORKER]
    household = make_household(organization=role_network.association, referent=worker, people=AWA)
    reference = f"Ménage n° {household.pk}"
    assessment = assessment_services.assessment_save(
        actor=worker, household=household, perspective="worker", answers=[]
    )
    insertion = InsertionRequestFactory(household=household)
    client = login(worker)
    kwargs = {"household_id": household.pk}
    for url in (
        reverse("households:detail", args=[household.pk]),
        reverse("assessments:index", kwargs=kwargs),
        reverse("assessments:detail", kwargs=kwargs | {"pk": assessment.pk}),
        reverse("assessments:create", kwargs=kwargs | {"perspective": "worker"}),
        reverse("orientation:detail", args=[insertion.pk]),
    ):
        _assert_names_nobody(client.get(url), reference)


def test_a_115_request_page_names_the_request_not_the_caller(role_network, login):
    handler = role_network.users[Role.CALL_HANDLER]
    household = make_household(organization=role_network.siao, people=AWA)
    req = emergency_services.request_create(
        actor=handler, night=current_night(), persons=1, household=household
    )
    client = login(handler)
    response = client.get(reverse("emergency:request", args=[req.pk]))
    title = _title(response)
    assert not any(name in title for name in NAMES), title
    assert f"Demande 115 n° {req.pk}" in title
    anonymous = emergency_services.request_create(
        actor=handler, night=current_night(), persons=1, caller_name="Awa Diallo"
    )
    title = _title(client.get(reverse("emergency:request", args=[anonymous.pk])))
    assert "Awa" not in title and f"n° {anonymous.pk}" in title
