"""An encounter linked to a household: a step of its path (the commune only for who may see its
whereabouts), a section of its right-of-access export, a contact for the retention run."""

import pytest

from parcours.core.retention import last_contacts
from parcours.households.export import household_export
from parcours.households.timeline import household_path
from tests.factories import EncounterFactory, HouseholdFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


def _labels(user, household):
    return [s.label for s in household_path(user, household) if s.domain == "outreach"]


def test_the_encounter_is_a_step_of_the_households_path(outreach, login):
    own = HouseholdFactory(
        referent_organization=outreach.net.association, territory=outreach.net.siao.territory
    )
    encounter = EncounterFactory(team=outreach.maraude, household=own, commune=outreach.bobigny)
    assert _labels(outreach.worker, own) == ["Aller-vers : rencontre par « Maraude du soir » à Bobigny"]
    html = login(outreach.worker).get(f"/menages/{own.pk}/").content.decode()
    assert "Aller-vers : rencontre par" in html and f"/aller-vers/rencontres/{encounter.pk}/" in html


def test_a_protected_households_step_does_not_say_where(outreach):
    hidden = HouseholdFactory(
        referent_organization=outreach.net.association, territory=outreach.net.siao.territory, protected=True
    )
    EncounterFactory(team=outreach.maraude, household=hidden, commune=outreach.bobigny)
    assert _labels(outreach.worker, hidden) == ["Aller-vers : rencontre par « Maraude du soir »"]


def test_the_export_gives_the_encounters_and_they_count_as_contact(outreach):
    own = HouseholdFactory(
        referent_organization=outreach.net.association, territory=outreach.net.siao.territory
    )
    encounter = EncounterFactory(
        team=outreach.maraude, household=own, commune=outreach.bobigny, note="Va mieux"
    )
    data = household_export(own, outreach.worker)
    rows = (
        data["sections"]["outreach"]["encounters"] if "sections" in data else data["outreach"]["encounters"]
    )
    assert rows[0]["commune"] == "Bobigny" and rows[0]["note"] == "Va mieux"
    assert last_contacts()[own.pk] >= encounter.met_at
