"""Outreach's indicators on hand-computed examples, and small cells suppressed for observers."""

import datetime as dt

import pytest
from django.utils import timezone

from parcours.observatory import services as observatory
from parcours.observatory.catalogue import INDICATORS, Period
from parcours.outreach import services
from tests.factories import (
    EmergencyRequestFactory,
    EncounterFactory,
    HouseholdFactory,
    NightAllocationFactory,
    UnitFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


def _today():
    today = timezone.localdate()
    return Period(today - dt.timedelta(days=1), today)


def _values(result):
    return {row.key: row.value for row in result.rows}


def test_people_met_counts_encounters_persons_distinct_households_and_anonymous(outreach):
    own = HouseholdFactory(
        referent_organization=outreach.net.association, territory=outreach.net.siao.territory
    )
    EncounterFactory(team=outreach.maraude, household=own, persons=2)
    EncounterFactory(team=outreach.maraude, household=own, persons=2)  # seen again: one household
    EncounterFactory(team=outreach.other_team, persons=3, children=1)
    EncounterFactory(
        team=outreach.maraude, met_at=timezone.now() - dt.timedelta(days=40)
    )  # outside the period
    result = INDICATORS["outreach.people_met"].compute(_today(), "93")
    assert _values(result) == {"encounters": 3, "persons": 7, "households": 1, "anonymous": 1}
    assert _values(INDICATORS["outreach.people_met"].compute(_today(), "75"))["encounters"] == 0


def test_needs_count_encounters_by_need(outreach):
    EncounterFactory(team=outreach.maraude, needs=["shelter", "food"])
    EncounterFactory(team=outreach.maraude, needs=["shelter"])
    values = _values(INDICATORS["outreach.needs"].compute(_today(), None))
    assert (values["shelter"], values["food"], values["papers"]) == (2, 1, 0)


def test_encounters_to_115_and_to_a_place(outreach):
    placed = EncounterFactory(team=outreach.maraude)
    waiting = EncounterFactory(team=outreach.maraude)
    EncounterFactory(team=outreach.maraude)
    for encounter in (placed, waiting):
        services.encounter_to_115(actor=outreach.worker, encounter=encounter)
    placed.refresh_from_db()
    NightAllocationFactory(
        request=placed.emergency_request, unit=UnitFactory(), night=placed.emergency_request.night
    )
    assert _values(INDICATORS["outreach.to_115"].compute(_today(), "93")) == {"requests": 2, "placed": 1}
    assert EmergencyRequestFactory  # the factory module stays importable for the 115's own tests


def test_signalements_received_and_their_steps(outreach):
    from parcours.accounts.roles import Role

    siao = outreach.users[Role.SIAO_COORDINATOR]
    reports = [
        services.report_receive(commune="93008", place="Gare", seen_at=timezone.now(), description="x")
        for _ in range(3)
    ]
    services.report_triage(actor=siao, report=reports[0], team=outreach.maraude, round_=outreach.round)
    services.report_handle(actor=outreach.worker, report=reports[0].__class__.objects.get(pk=reports[0].pk))
    services.report_close(actor=siao, report=reports[1], note="doublon")
    values = _values(INDICATORS["outreach.reports"].compute(_today(), "93"))
    assert values == {"received": 3, "triaged": 1, "assigned": 1, "handled": 1, "closed": 1}


def test_observers_get_small_counts_suppressed(outreach, settings):
    settings.PARCOURS_DISCLOSURE_THRESHOLD = 11
    for _ in range(3):
        EncounterFactory(team=outreach.maraude)
    for code in ("outreach.people_met", "outreach.needs", "outreach.reports", "outreach.to_115"):
        ind = INDICATORS[code]
        shown = observatory.figures(
            ind, _today(), "93", small_cells=False, territories=[("93", "Seine-Saint-Denis")]
        )
        for row in shown.rows:
            assert row.value is None or row.value == 0 or row.value >= 11, (code, row)
        raw = observatory.figures(ind, _today(), "93", small_cells=True)
        assert raw.rows  # whoever may see small cells reads them
    people = observatory.figures(
        INDICATORS["outreach.people_met"],
        _today(),
        "93",
        small_cells=False,
        territories=[("93", "Seine-Saint-Denis")],
    )
    assert {r.key: r.suppressed for r in people.rows}["encounters"]
