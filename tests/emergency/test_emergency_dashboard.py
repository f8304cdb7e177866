"""The 115 dashboard's figures equal a hand-computed example (Baromètre du 115 definitions)."""

import re
from datetime import date

import pytest
from django.urls import reverse

from parcours.accounts.roles import Role
from parcours.emergency import figures
from parcours.emergency.models import EmergencyRequest, NightAllocation, UnmetDemand
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    TerritoryFactory,
    make_emergency_facility,
    make_household,
)

pytestmark = pytest.mark.django_db

N1, N2, N3 = date(2025, 3, 1), date(2025, 3, 2), date(2025, 3, 3)


@pytest.fixture
def month():
    """Households A (a family that grows from 3 to 4 persons) and B (alone), anonymous callers X (a
    parent and a child) and Y (alone), over three nights of March 2025:

    N1: A 3 (2 children) allocated, B unmet (no place), X 2 (1 child) allocated
    N2: A 4 (2 children) allocated, B unmet (no place)
    N3: B allocated, Y unmet (refused), A cancelled (does not count)
    """
    t93 = TerritoryFactory(code="93")
    siao = OrganizationFactory(siao=True, territory=t93)
    a = make_household(organization=siao)
    b = make_household(organization=siao)
    _facility, units = make_emergency_facility(organization=siao, units=3, capacity=5)

    def req(night, household, persons, children, status, reason=None):
        r = EmergencyRequest.objects.create(
            territory=t93,
            night=night,
            household=household,
            persons=persons,
            children=children,
            suggested_priority="P4",
            priority="P4",
            status=status,
        )
        if status == "allocated":
            NightAllocation.objects.create(request=r, unit=units[r.pk % 3], night=night)
        if reason:
            UnmetDemand.objects.create(request=r, reason=reason)
        return r

    req(N1, a, 3, 2, "allocated")
    req(N1, b, 1, 0, "unmet", "no_place")
    req(N1, None, 2, 1, "allocated")
    req(N2, a, 4, 2, "allocated")
    req(N2, b, 1, 0, "unmet", "no_place")
    req(N3, b, 1, 0, "allocated")
    req(N3, None, 1, 0, "unmet", "refused_by_person")
    req(N3, a, 3, 2, "cancelled")
    return t93


def test_nights_and_month_by_hand(month):
    nights = figures.night_rows(month.pk, N1, N3)
    by_hand = [
        # requests, households, persons, children, family requests, allocated, unmet, rates (%)
        (3, 3, 6, 3, 2, 2, 1, 33.3, 66.7, 50.0),
        (2, 2, 5, 2, 1, 1, 1, 50.0, 50.0, 40.0),
        (2, 2, 2, 0, 0, 1, 1, 50.0, 0.0, 0.0),
    ]
    got = [
        (
            n.requests,
            n.households,
            n.persons,
            n.children,
            n.family_requests,
            n.allocated,
            n.unmet,
            n.unmet_rate,
            n.family_share,
            n.children_share,
        )
        for n in nights
    ]
    assert got == by_hand
    total = figures.period_total(month.pk, N1, N3, nights)
    # Distinct over the month: A counted once with its largest composition (4 persons, 2 children).
    assert (total.requests, total.households, total.persons, total.children) == (7, 4, 8, 3)
    assert (total.allocated, total.unmet, total.unmet_households, total.unmet_persons) == (4, 3, 2, 2)
    assert (total.unmet_rate, total.family_share, total.children_share) == (42.9, 42.9, 37.5)
    assert total.unmet_by_reason == {"no_place": 2, "refused_by_person": 1}


def test_the_boards_night_counts_are_the_nights_figures(month):
    # The board reads its three figures in one aggregate query (figures.night_counts).
    for night in (N1, N2, N3, date(2025, 3, 4)):
        full = figures.night_rows(month.pk, night, night)[0]
        counts = figures.night_counts(month.pk, night)
        got = (counts.requests, counts.allocated, counts.unmet)
        assert got == (full.requests, full.allocated, full.unmet)
    assert (figures.night_counts(month.pk, N3).requests, figures.night_counts(month.pk, N3).unmet) == (2, 1)


def _cells(body):
    return {m.group(1): m.group(2).strip() for m in re.finditer(r'data-figure="([\w-]+)">([^<]*)<', body)}


def test_dashboard_page_shows_the_same_figures_with_a_table_for_the_chart(month, login, client):
    handler = MembershipFactory(
        role=Role.CALL_HANDLER, organization=OrganizationFactory(siao=True, territory=month)
    )
    login(handler.user)
    response = client.get(reverse("emergency:dashboard"), {"month": "2025-03"})
    assert response.status_code == 200
    body = response.content.decode()
    cell = _cells(body)
    assert [cell[n] for n in ("requests", "households", "persons", "allocated", "unmet")] == [
        "7",
        "4",
        "8",
        "4",
        "3",
    ]
    assert (cell["unmet_rate"], cell["family_share"], cell["children_share"]) == (
        "42,9 %",
        "42,9 %",
        "37,5 %",
    )
    assert (cell["unmet_households"], cell["unmet_persons"]) == ("2", "2")
    assert 'role="img"' in body and "<caption>Chiffres par nuit</caption>" in body
    row = re.search(r'data-night="2025-03-01">(.*?)</tr>', body, re.S).group(1)
    assert re.findall(r"<td>([^<]*)</td>", row)[:5] == ["3", "6", "3", "2", "1"]
    # No named person on the dashboard.
    assert "Lefèvre" not in body


def test_observers_get_aggregates_without_small_cells(month, login, client, settings, monkeypatch):
    settings.PARCOURS_DISCLOSURE_THRESHOLD = 5
    # Readers of aggregates only see the month under way (closed months are in the observatory).
    monkeypatch.setattr("parcours.emergency.views.current_night", lambda: N3)
    observer = MembershipFactory(
        role=Role.OBSERVER, organization=OrganizationFactory(state=True, territory=month)
    )
    login(observer.user)
    body = client.get(reverse("emergency:dashboard"), {"month": "2025-01"}).content.decode()
    cell = _cells(body)
    assert (cell["requests"], cell["persons"]) == ("7", "8")
    assert (cell["households"], cell["allocated"], cell["unmet"]) == ("&lt; 5", "&lt; 5", "&lt; 5")
    # A rate on a hidden count is hidden too; one on shown counts stays.
    assert cell["unmet_rate"] == "—" and cell["children_share"] == "—"
    assert "masqués" in body


def test_dashboard_is_refused_to_field_roles_without_the_115(month, login, client):
    worker = MembershipFactory(role=Role.SOCIAL_WORKER)
    login(worker.user)
    assert client.get(reverse("emergency:dashboard")).status_code == 404
