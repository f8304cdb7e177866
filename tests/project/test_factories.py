"""The shared factories build rows the domain accepts: each Trait gives a row at that point of its life
cycle, consistent with the workflow's invariants, that the services can carry on from."""

import pytest
from django.utils import timezone

from parcours.accounts.roles import Role
from parcours.emergency.nights import current_night
from parcours.households.choices import ConsentPurpose
from parcours.households.models import Consent
from parcours.orientation import proposals
from parcours.orientation.choices import ProposalStatus, RequestStatus
from tests.factories import (
    EmergencyRequestFactory,
    HouseholdFactory,
    InsertionRequestFactory,
    MembershipFactory,
    OrganizationFactory,
    ProposalFactory,
    SupportMeasureFactory,
    as_member,
    make_household,
)
from tests.security.test_workflow_invariants import assert_orientation_invariants

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]
S, P = RequestStatus, ProposalStatus


def test_a_household_has_a_head_living_in_the_street_by_default():
    household = HouseholdFactory()
    assert [p.relationship for p in household.people.all()] == ["head"]
    assert household.current_situation.situation == "street"
    assert not household.protected and household.referent_organization.territory == household.territory


def test_with_members_gives_a_family_and_protected_masks_it():
    household = HouseholdFactory(with_members=True, protected=True)
    relationships = sorted(household.people.values_list("relationship", flat=True))
    assert relationships == ["child", "child", "head", "spouse"] and household.head.first_name == "Benoît"
    assert household.protected


def test_make_household_keeps_its_signature():
    organization = OrganizationFactory()
    household = make_household(organization=organization, territory="75", protected=True, situation="hotel")
    assert household.referent_organization == organization and household.territory.code == "75"
    assert household.protected and household.current_situation.situation == "hotel"


def test_with_consent_gives_an_active_consent_per_purpose_to_that_organization():
    partner = OrganizationFactory(landlord=True)
    household = HouseholdFactory(
        with_consent=[ConsentPurpose.ORIENTATION, ConsentPurpose.SUPPORT], with_consent__organization=partner
    )
    consents = Consent.objects.filter(household=household).active()
    assert sorted(c.purpose for c in consents) == ["orientation", "support"]
    assert {c.organization for c in consents} == {partner}


@pytest.mark.parametrize("status", RequestStatus.values)
def test_an_insertion_request_at_each_status(status):
    request = InsertionRequestFactory(**({} if status == S.DRAFT else {status: True}))
    assert request.status == status
    assert (request.submitted_at is None) == (status == S.DRAFT)
    assert (request.validated_at is not None) == (status in (S.VALIDATED, S.PROPOSED, S.ADMITTED, S.EXPIRED))


@pytest.mark.parametrize("status", ProposalStatus.values)
def test_a_proposal_at_each_status_keeps_the_workflow_invariants(status):
    proposal = ProposalFactory(**({} if status == P.PENDING else {status: True}))
    assert proposal.status == status
    assert_orientation_invariants()


def test_the_services_carry_on_from_a_pending_proposal():
    proposal = ProposalFactory()
    landlord = MembershipFactory(role=Role.LANDLORD, organization=proposal.vacancy.unit.facility.organization)
    proposals.proposal_decide(actor=as_member(landlord), proposal=proposal, decision="accepted")
    proposal.refresh_from_db()
    assert proposal.status == P.ACCEPTED
    assert_orientation_invariants()


def test_support_measures_open_closed_refused():
    household = HouseholdFactory()
    running = SupportMeasureFactory(household=household)
    closed = SupportMeasureFactory(household=household, closed=True)
    refused = SupportMeasureFactory(household=household, refused=True)
    assert running.is_open and running.organization == household.referent_organization
    assert closed.status == "closed" and closed.ended_on == timezone.localdate()
    assert refused.status == "refused" and not refused.consent_given and refused.started_on is None


def test_115_requests_allocated_and_unmet_tonight():
    allocated = EmergencyRequestFactory(allocated=True)
    unmet = EmergencyRequestFactory(unmet=True)
    booking = allocated.allocations.get()
    assert allocated.status == "allocated" and booking.status == "booked"
    assert booking.night == allocated.night == current_night()
    assert booking.unit.facility.kind == "chu"
    assert unmet.status == "unmet" and unmet.unmet.reason == "no_place"
