"""Promise: a partner's signed link (design §5 rule 3) opens one proposal and the household's shared
sheet, for as long as — and only as long as — the consent it relies on is in force, the proposal waits
for an answer, and the link has not expired. It is single-purpose, and every use is audited. A refused
link answers 404, shows nothing of the household and records nothing (issue 13, finding 3).

The clock is fixed (and moved) through django.utils.timezone.now."""

import datetime as dt

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from parcours.accounts.roles import Role
from parcours.core.models import AuditEvent
from parcours.households import services as household_services
from parcours.orientation import proposals
from parcours.orientation.choices import ProposalStatus
from parcours.orientation.models import PartnerLink, Proposal, ProposalEvent
from tests.factories import make_household

from .orientation_world import build_world, consent, propose, validated_request

pytestmark = pytest.mark.django_db
P = ProposalStatus
NAME = "Lefèvre"
START = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC)


class Clock:
    def __init__(self, now):
        self.now = now

    def advance(self, **delta):
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    fixed = Clock(START)
    monkeypatch.setattr(timezone, "now", lambda: fixed.now)
    return fixed


@pytest.fixture
def world(clock):
    return build_world()


@pytest.fixture
def linked(world):
    """A pending proposal to the landlord, the household's consent for orientation, and a link."""
    proposal = propose(world)
    world["consent"] = consent(world, world["landlord_org"])
    link, token = proposals.partner_link_create(
        actor=world["coordinator"], proposal=proposal, recipient="accueil@plaine.example"
    )
    world.update(proposal=proposal, link=link, token=token, url=reverse("orientation:partner", args=[token]))
    return world


def _traces():
    """What a use of a link leaves behind: audit rows, proposal steps, the links' last use."""
    return (
        AuditEvent.objects.count(),
        ProposalEvent.objects.count(),
        list(PartnerLink.objects.order_by("pk").values_list("last_used_at", flat=True)),
        list(Proposal.objects.order_by("pk").values_list("status", "version")),
    )


def assert_dead(client, world, url=None):
    """The link answers 404 to a read and to an answer, shows nothing, and changes nothing."""
    url = url or world["url"]
    before = _traces()
    page = client.get(url)
    assert page.status_code == 404
    assert NAME not in page.content.decode() and "Résidence du Parc" not in page.content.decode()
    answer = client.post(url, {"decision": "accepted", "side": "facility"})
    assert answer.status_code == 404
    assert NAME not in answer.content.decode()
    refusal = client.post(url, {"decision": "refused", "side": "facility", "reason": "fac_needs"})
    assert refusal.status_code == 404
    assert _traces() == before


def test_a_fresh_link_shows_the_sheet_and_every_view_is_audited(client, linked):
    page = client.get(linked["url"])
    assert page.status_code == 200 and NAME in page.content.decode()
    link = linked["link"]
    read = AuditEvent.objects.get(kind="read", purpose=f"partner_link:{link.pk}")
    assert read.object_id == str(linked["household"].pk)
    use = AuditEvent.objects.get(action="orientation.partner_link.view")
    assert use.object_id == str(link.pk)
    link.refresh_from_db()
    assert link.last_used_at == START


def test_an_answer_through_the_link_is_audited_and_spends_the_link(client, clock, linked):
    clock.advance(hours=1)
    done = client.post(linked["url"], {"decision": "accepted", "side": "facility"})
    assert done.status_code == 200 and NAME not in done.content.decode()
    linked["proposal"].refresh_from_db()
    assert linked["proposal"].status == P.ACCEPTED
    assert linked["proposal"].events.filter(via_link=linked["link"], to_status=P.ACCEPTED).exists()
    use = AuditEvent.objects.get(action="orientation.partner_link.answer")
    assert use.object_id == str(linked["link"].pk)
    assert_dead(client, linked)


def test_revoking_the_consent_kills_the_link_at_once(client, linked):
    household_services.consent_revoke(actor=linked["worker"], consent=linked["consent"])
    assert_dead(client, linked)
    linked["proposal"].refresh_from_db()
    assert linked["proposal"].status == P.PENDING


def test_revoking_the_consent_through_the_api_kills_the_link(client, linked):
    from parcours.accounts import services as account_services

    membership = linked["m"][Role.SOCIAL_WORKER]
    _token, key = account_services.token_create(actor=membership.user, membership=membership, name="t")
    response = client.delete(
        f"/api/v1/households/{linked['household'].pk}/consents/{linked['consent'].pk}",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code in (200, 204), response.content
    assert_dead(client, linked)


def test_the_link_dies_when_the_consent_expires(client, clock, linked):
    assert client.get(linked["url"]).status_code == 200
    clock.advance(days=2)
    linked["consent"].ends_on = timezone.localdate() - dt.timedelta(days=1)
    linked["consent"].save(update_fields=["ends_on"])
    assert_dead(client, linked)


def test_a_consent_for_another_purpose_neither_issues_nor_keeps_a_link(client, linked):
    household_services.consent_revoke(actor=linked["worker"], consent=linked["consent"])
    consent(linked, linked["landlord_org"], purpose="prevention")
    assert_dead(client, linked)
    with pytest.raises(Exception, match="consenti"):
        proposals.partner_link_create(
            actor=linked["coordinator"], proposal=linked["proposal"], recipient="x@plaine.example"
        )


def test_the_link_dies_at_its_own_expiry(client, clock, settings, linked):
    clock.advance(days=settings.PARCOURS_PARTNER_LINK_DAYS, seconds=1)
    assert_dead(client, linked)


def test_the_link_dies_once_the_landlord_answers_on_the_page(client, login, linked):
    login(linked["m"][Role.LANDLORD].user)
    response = client.post(
        reverse("orientation:proposal_decide", args=[linked["proposal"].pk]),
        {"decision": "accepted", "side": "facility"},
    )
    assert response.status_code == 302
    client.logout()
    assert_dead(client, linked)


def test_the_link_dies_once_answered_through_the_api(client, linked):
    from parcours.accounts import services as account_services

    membership = linked["m"][Role.LANDLORD]
    _token, key = account_services.token_create(actor=membership.user, membership=membership, name="t")
    response = client.post(
        f"/api/v1/proposals/{linked['proposal'].pk}/decision",
        {"decision": "refused", "side": "facility", "reason": "fac_needs"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 200, response.content
    assert_dead(client, linked)


def test_the_link_dies_when_the_siao_withdraws_the_proposal(client, linked):
    proposals.proposal_withdraw(
        actor=linked["coordinator"], proposal=linked["proposal"], reason="Logement retiré"
    )
    assert_dead(client, linked)


def test_a_link_opens_its_own_proposal_only(client, linked):
    """A second household proposed to the same landlord: the first link cannot be turned to it, nor
    can a token naming the link with another proposal; an old-style token (link only) is refused."""
    other = make_household(organization=linked["association"], people=[("Ana", "Rossi", None)])
    other_request = validated_request(other, linked["worker"], linked["coordinator"])
    second = propose(linked, vacancy="vacancy2", request=other_request)
    household_services.consent_record(
        actor=linked["worker"],
        household=other,
        organization=linked["landlord_org"],
        purpose="orientation",
        ends_on=timezone.localdate() + dt.timedelta(days=90),
    )
    link_pk = linked["link"].pk
    for payload in ({"link": link_pk, "proposal": second.pk}, {"link": link_pk}, {"link": str(link_pk)}):
        forged = signing.dumps(payload, salt=proposals.LINK_SALT)
        assert_dead(client, linked, url=reverse("orientation:partner", args=[forged]))
    # The genuine link, posted with another proposal's id, answers its own proposal only.
    response = client.post(
        linked["url"], {"decision": "accepted", "side": "facility", "proposal": second.pk, "pk": second.pk}
    )
    assert response.status_code == 200
    second.refresh_from_db()
    linked["proposal"].refresh_from_db()
    assert second.status == P.PENDING and not second.events.filter(via_link__isnull=False).exists()
    assert linked["proposal"].status == P.ACCEPTED
    # Nor does the link open the second household's sheet or proposal page.
    page = client.get(reverse("orientation:proposal", args=[second.pk]))
    assert page.status_code in (302, 404) and "Rossi" not in page.content.decode()


def test_the_service_refuses_an_answer_through_a_spent_or_foreign_link(linked):
    """The answer service itself re-checks the link, whoever calls it."""
    other = make_household(organization=linked["association"], people=[("Ana", "Rossi", None)])
    second = propose(
        linked, vacancy="vacancy2", request=validated_request(other, linked["worker"], linked["coordinator"])
    )
    before = _traces()
    with pytest.raises(proposals.PermissionDenied):
        proposals.proposal_decide(
            actor=None, proposal=second, decision="accepted", side="facility", via_link=linked["link"]
        )
    household_services.consent_revoke(actor=linked["worker"], consent=linked["consent"])
    after_revoke = _traces()
    with pytest.raises(proposals.PermissionDenied):
        proposals.proposal_decide(
            actor=None,
            proposal=linked["proposal"],
            decision="accepted",
            side="facility",
            via_link=linked["link"],
        )
    assert _traces() == after_revoke
    assert before[1] == after_revoke[1]


def test_a_link_is_issued_only_while_the_proposal_waits(linked):
    proposals.proposal_decide(actor=linked["landlord"], proposal=linked["proposal"], decision="accepted")
    with pytest.raises(proposals.TransitionConflict):
        proposals.partner_link_create(
            actor=linked["coordinator"], proposal=linked["proposal"], recipient="x@plaine.example"
        )


def test_no_role_reaches_a_proposal_through_someone_elses_link_page(client, login, linked):
    """Logged in or not, whatever the role, a dead link is dead (the link is not a session)."""
    household_services.consent_revoke(actor=linked["worker"], consent=linked["consent"])
    for role in Role.values:
        login(linked["m"][role].user)
        assert client.get(linked["url"]).status_code == 404
        client.logout()


def test_the_siao_sees_which_links_no_longer_open_anything(client, login, linked):
    login(linked["m"][Role.SIAO_COORDINATOR].user)
    url = reverse("orientation:proposal", args=[linked["proposal"].pk])
    assert "n'ouvre plus rien" not in client.get(url).content.decode()
    household_services.consent_revoke(actor=linked["worker"], consent=linked["consent"])
    assert "n'ouvre plus rien" in client.get(url).content.decode()
