"""A SIAO coordinator prepares a commission in the browser, records its decisions and gets the minutes."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from parcours.accounts.roles import Role
from parcours.offers.models import Facility, Unit, Vacancy
from parcours.orientation import services
from parcours.orientation.models import Commission, Proposal
from tests.factories import MembershipFactory, OrganizationFactory, TerritoryFactory, make_household

pytestmark = pytest.mark.django_db(transaction=True)


def test_coordinator_holds_a_commission(page, login, client, live_server):
    t93 = TerritoryFactory(code="93")
    siao = OrganizationFactory(name="SIAO 93", siao=True, territory=t93)
    association = OrganizationFactory(name="Les Amarres", territory=t93)
    landlord = OrganizationFactory(name="Logis", landlord=True, territory=t93)
    worker = MembershipFactory(role=Role.SOCIAL_WORKER, organization=association)
    coordinator = MembershipFactory(role=Role.SIAO_COORDINATOR, organization=siao).user
    housing = Facility.objects.create(
        name="Résidence du Parc", kind="logement_social", organization=landlord, territory=t93
    )
    unit = Unit.objects.create(facility=housing, label="A 12", capacity=3, typology="T2", rent=Decimal("400"))
    Vacancy.objects.create(unit=unit, available_from=timezone.localdate())
    worker.user.active_membership = worker
    submitted, waiting = (
        services.request_create(
            actor=worker.user,
            household=make_household(
                organization=association, people=[(first, "Martin", dt.date(1980, 1, 1))]
            ),
            wished_kinds=["logement_social"],
            wished_territories=["93"],
        )
        for first in ("Jeanne", "Paul")
    )
    for r in (submitted, waiting):
        services.request_submit(actor=worker.user, insertion_request=r)
    coordinator.active_membership = coordinator.memberships.get()
    services.request_validate(actor=coordinator, insertion_request=waiting)

    login(coordinator)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto("/")
    page.get_by_role("link", name="Commissions", exact=True).click()
    page.get_by_label("Date de la séance").fill(str(timezone.localdate()))
    page.get_by_role("button", name="Créer la séance").click()
    page.get_by_role("button", name="Préparer l'ordre du jour").click()
    assert page.get_by_text("L'ordre du jour est préparé").is_visible()

    request_row = page.locator("tr", has_text=f"Demande n° {submitted.pk}")
    request_row.get_by_role("combobox", name="Décision", exact=True).select_option("validate")
    request_row.get_by_role("button", name="Enregistrer la décision").click()
    assert page.get_by_text("La décision est enregistrée.").is_visible()

    vacancy_row = page.locator("tr", has_text="Résidence du Parc — A 12")
    vacancy_row.get_by_role("combobox", name="Décision", exact=True).select_option("propose")
    vacancy_row.get_by_role("combobox", name="Ménage proposé").select_option(label=f"Demande n° {waiting.pk}")
    vacancy_row.get_by_role("button", name="Enregistrer la décision").click()
    assert page.get_by_text("La décision est enregistrée.").is_visible()

    page.get_by_role("button", name="Clore la séance et établir le compte rendu").click()
    page.wait_for_url("**/compte-rendu/")
    minutes = page.locator("[data-minutes]").inner_text()
    assert f"Demande n° {submitted.pk} (1 adulte(s), 0 enfant(s)) : demande validée" in minutes
    assert f"Résidence du Parc, A 12 : proposition à un ménage (demande n° {waiting.pk})" in minutes
    assert "Martin" not in minutes
    assert Commission.objects.get().is_closed
    assert Proposal.objects.get().request == waiting
