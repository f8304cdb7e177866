"""The per-project report for funders equals a hand-computed example (issue 7, "Done means")."""

import datetime as dt
from decimal import Decimal

import pytest

from parcours.accounts.roles import Role
from parcours.offers.models import Facility, Unit
from parcours.support import services
from parcours.support.models import MeasureKind, PreventionAlert, SupportMeasure
from parcours.support.reports import programme_report
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    TerritoryFactory,
    as_member,
    make_household,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def french():
    """Messages are asserted in French, whatever an earlier test activated."""
    from django.utils import translation

    with translation.override("fr"):
        yield


D = dt.date


@pytest.fixture
def project():
    t93 = TerritoryFactory(code="93")
    association = OrganizationFactory(name="Toit Partagé")
    landlord_org = OrganizationFactory(name="Logis de la Plaine", landlord=True)
    worker = as_member(MembershipFactory(role=Role.SOCIAL_WORKER, organization=association))
    landlord = as_member(MembershipFactory(role=Role.LANDLORD, organization=landlord_org))
    facility = Facility.objects.create(
        name="Cité des Lilas", kind="logement_social", organization=landlord_org, territory=t93
    )
    units = [Unit.objects.create(facility=facility, label=f"Log {n}", capacity=3) for n in (1, 2, 3)]
    programme = services.programme_create(
        actor=landlord,
        name="10 000 HLM accompagnés — Plaine",
        landlord=landlord_org,
        association=association,
        starts_on=D(2026, 1, 1),
    )
    for unit in units:
        services.programme_add_unit(actor=landlord, programme=programme, unit=unit)
    for source, year, amount in (
        ("fnavdl", 2026, "12000.00"),
        ("cglls", 2026, "6000.00"),
        ("fnavdl", 2027, "3000.00"),
    ):
        services.funding_add(
            actor=landlord, programme=programme, source=source, year=year, amount=Decimal(amount)
        )
    people = [("Nadia", "Haddad"), ("Yann", "Keita"), ("Inès", "Roux")]
    h1, h2, h3 = (
        make_household(organization=association, people=[(f, last, D(1985, 5, 5))], situation="own_housing")
        for f, last in people
    )
    services.housing_add(
        actor=worker, programme=programme, household=h1, unit=units[0], entered_on=D(2026, 2, 1)
    )
    h2_housing = services.housing_add(
        actor=worker, programme=programme, household=h2, unit=units[1], entered_on=D(2026, 3, 1)
    )
    services.housing_end(actor=worker, housing=h2_housing, left_on=D(2026, 6, 30))
    services.housing_add(
        actor=worker, programme=programme, household=h3, unit=units[1], entered_on=D(2026, 7, 15)
    )

    kind = MeasureKind.objects.get(code="hlm_accompagne")

    def measure(household, started_on, consent=True):
        return services.measure_create(
            actor=worker,
            household=household,
            kind=kind,
            consent_given=consent,
            started_on=started_on,
            programme=programme,
        )

    m1, m2 = measure(h1, D(2026, 2, 1)), measure(h2, D(2026, 3, 1))
    measure(h3, D(2026, 7, 15), consent=False)  # a refusal is not a measure
    for m, when, minutes in ((m1, D(2026, 2, 10), 60), (m1, D(2026, 3, 10), 90), (m2, D(2026, 3, 5), 30)):
        services.action_log(
            actor=worker, measure=m, kind="home_visit", happened_on=when, duration_minutes=minutes, note=""
        )
    services.measure_close(
        actor=worker,
        measure=m2,
        version=m2.version,
        reason="moved",
        ended_on=D(2026, 6, 30),
        evaluations={"worker": ("partly", ""), "person": ("reached", "")},
    )

    def alert(household, created, avoided):
        a = services.alert_raise(actor=landlord, household=household, kind="unpaid_rent", months=2)
        PreventionAlert.objects.filter(pk=a.pk).update(
            created_at=dt.datetime.combine(created, dt.time(12), tzinfo=dt.UTC), eviction_avoided=avoided
        )

    from django.utils import timezone

    from parcours.households.models import Consent

    for h in (h1, h2, h3):  # h2 has left: the landlord raises on it through the person's consent
        Consent.objects.create(
            household=h,
            organization=landlord_org,
            purpose="prevention",
            ends_on=D(2030, 1, 1),
            recorded_by=worker,
        )
    alert(h1, D(2026, 4, 1), True)  # while housed: counted, eviction avoided
    alert(h2, D(2026, 8, 1), True)  # after leaving the project: not counted
    alert(h3, D(2026, 7, 20), False)  # while housed: counted, not avoided
    assert timezone.localdate() >= D(2026, 3, 10)
    return programme


def test_report_equals_the_hand_computed_example(project):
    r = programme_report(project, on=D(2026, 12, 1))
    # Units: 3. Households ever housed: h1, h2, h3 = 3; housed on 1 Dec: h1 and h3 = 2.
    assert (r.units, r.households_housed, r.households_housed_now) == (3, 3, 2)
    # Measures: m1 open, m2 closed; h3's refusal is not counted.
    assert (r.measures, r.measures_open, r.measures_closed) == (2, 1, 1)
    # Actions: 60 + 90 + 30 minutes = 3 actions, 3.0 hours.
    assert (r.actions, r.action_hours) == (3, Decimal("3.0"))
    # Alerts raised while housed: h1 (avoided) and h3 (not); h2's came after it left.
    assert (r.alerts, r.evictions_avoided) == (2, 1)
    # Funding: FNAVDL 12 000 + 3 000 = 15 000, CGLLS 6 000, total 21 000; 21 000 / 3 households = 7 000.
    assert r.funding_total == Decimal("21000.00")
    assert [(code, amount) for code, _label, amount in r.funding_by_source] == [
        ("fnavdl", Decimal("15000.00")),
        ("cglls", Decimal("6000.00")),
    ]
    assert r.funding_per_household == Decimal("7000.00")
    assert SupportMeasure.objects.filter(programme=project, status="refused").count() == 1


def test_report_through_the_api_and_page_for_a_funder(project, api, login):
    observer = api(Role.OBSERVER)
    body = observer("get", f"/support/programmes/{project.pk}/report?on=2026-12-01").json()
    # A funder reads aggregates only: three households are a small count, hidden, and so is the
    # funding per household that would give them back (tests/security/test_suppression.py).
    assert body["households_housed"] is None and body["funding_total"] == "21000.00"
    assert body["funding_per_household"] is None
    assert "Haddad" not in str(body)
    assert api(Role.SOCIAL_WORKER)("get", f"/support/programmes/{project.pk}/report").status_code == 404
    listed = observer("get", "/support/programmes").json()
    assert (
        listed["count"] == 1
        and listed["results"][0]["units"] == 3
        and listed["results"][0]["territory"] == "93"
    )
    page = login(as_member(MembershipFactory(role=Role.OBSERVER))).get(
        f"/accompagnement/programmes/{project.pk}/"
    )
    assert page.status_code == 200
    text = page.content.decode()
    compact = text.replace("\u202f", "").replace("\xa0", "").replace("&nbsp;", "")
    assert 'data-figure="funding_total">21000,00 €' in compact
    assert "Haddad" not in text  # an observer reads the report only
