"""Orientation commissions: the agenda, a decision with its reason on each line applied to requests and
vacancies, the minutes generated from the decisions, and the e-mail to each referent — only to them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from parcours.accounts.roles import Role
from parcours.offers.models import Facility, Unit, Vacancy
from parcours.orientation import commissions, perms, services
from parcours.orientation.choices import LineKind, ProposalStatus, RequestStatus
from parcours.orientation.models import Commission, Proposal
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    TerritoryFactory,
    UserFactory,
    as_member,
    make_household,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


@pytest.fixture
def session():
    t93, t75 = TerritoryFactory(code="93"), TerritoryFactory(code="75")
    siao = OrganizationFactory(name="SIAO 93", siao=True, territory=t93)
    amarres = OrganizationFactory(name="Les Amarres", territory=t93)
    canal = OrganizationFactory(name="Le Canal", territory=t93)
    landlord = OrganizationFactory(name="Logis", landlord=True, territory=t93)
    ref_a = UserFactory(username="ref-a", email="ref-a@example.org")
    MembershipFactory(role=Role.SOCIAL_WORKER, organization=amarres, user=ref_a)
    canal_worker = MembershipFactory(role=Role.SOCIAL_WORKER, organization=canal)
    coordinator = as_member(MembershipFactory(role=Role.SIAO_COORDINATOR, organization=siao))
    housing = Facility.objects.create(
        name="Résidence du Parc", kind="logement_social", organization=landlord, territory=t93
    )
    unit = Unit.objects.create(facility=housing, label="A 12", capacity=3, typology="T2", rent=Decimal("400"))
    vacancy = Vacancy.objects.create(unit=unit, available_from=timezone.localdate())
    h1 = make_household(
        organization=amarres, referent=ref_a, people=[("Benoît", "Lefèvre", dt.date(1984, 7, 3))]
    )
    h2 = make_household(
        organization=canal,
        people=[("Awa", "Diallo", dt.date(1990, 2, 1)), ("Moussa", "Diallo", dt.date(2019, 5, 6))],
    )
    h3 = make_household(organization=canal, people=[("Ana", "Rossi", dt.date(1975, 1, 1))])
    requests = []
    for household, worker in ((h1, ref_a), (h2, canal_worker.user), (h3, canal_worker.user)):
        worker.active_membership = worker.memberships.get()
        r = services.request_create(
            actor=worker, household=household, wished_kinds=["logement_social"], wished_territories=["93"]
        )
        services.request_submit(actor=worker, insertion_request=r)
        requests.append(r)
    # The third is already validated: it waits for a vacancy.
    services.request_validate(actor=coordinator, insertion_request=requests[2])
    return {
        "coordinator": coordinator,
        "coordinator75": as_member(
            MembershipFactory(
                role=Role.SIAO_COORDINATOR, organization=OrganizationFactory(siao=True, territory=t75)
            )
        ),
        "worker": as_member(canal_worker),
        "territory": t93,
        "requests": requests,
        "vacancy": vacancy,
        "canal_worker": canal_worker,
    }


def test_only_the_territory_coordinators_hold_commissions(session):
    assert perms.can_manage_commissions(session["coordinator"], session["territory"].pk)
    assert not perms.can_manage_commissions(session["coordinator75"], session["territory"].pk)
    assert not perms.can_manage_commissions(session["worker"])
    with pytest.raises(PermissionDenied):
        commissions.commission_create(
            actor=session["worker"], territory=session["territory"], held_on=timezone.localdate()
        )


def test_a_session_from_agenda_to_minutes(session):
    coordinator = session["coordinator"]
    r1, r2, r3 = session["requests"]
    c = commissions.commission_create(
        actor=coordinator, territory=session["territory"], held_on=timezone.localdate()
    )
    # The agenda takes the submitted requests and the open vacancies of the département.
    assert commissions.agenda_prepare(actor=coordinator, commission=c) == 3
    assert commissions.agenda_prepare(actor=coordinator, commission=c) == 0  # nothing twice
    lines = {(line.kind, line.request_id or line.vacancy_id): line for line in c.lines.all()}
    assert set(lines) == {
        (LineKind.REQUEST, r1.pk),
        (LineKind.REQUEST, r2.pk),
        (LineKind.VACANCY, session["vacancy"].pk),
    }
    # A negative or postponing decision needs its reason; a decision must fit the line.
    with pytest.raises(ValidationError):
        commissions.line_decide(
            actor=coordinator, line=lines[(LineKind.REQUEST, r2.pk)], decision="to_complete"
        )
    with pytest.raises(ValidationError):
        commissions.line_decide(actor=coordinator, line=lines[(LineKind.REQUEST, r2.pk)], decision="propose")
    commissions.line_decide(actor=coordinator, line=lines[(LineKind.REQUEST, r1.pk)], decision="validate")
    commissions.line_decide(
        actor=coordinator,
        line=lines[(LineKind.REQUEST, r2.pk)],
        decision="to_complete",
        reason="Avis d'imposition manquant",
    )
    commissions.line_decide(
        actor=coordinator,
        line=lines[(LineKind.VACANCY, session["vacancy"].pk)],
        decision="propose",
        request_for_vacancy=r3,
    )
    with pytest.raises(commissions.CommissionConflict):
        commissions.line_decide(
            actor=coordinator, line=lines[(LineKind.REQUEST, r1.pk)], decision="postpone", reason="x"
        )
    for r in (r1, r2, r3):
        r.refresh_from_db()
    assert (r1.status, r2.status, r3.status) == (
        RequestStatus.VALIDATED,
        RequestStatus.TO_COMPLETE,
        RequestStatus.PROPOSED,
    )
    proposal = Proposal.objects.get()
    assert proposal.commission_line == lines[(LineKind.VACANCY, session["vacancy"].pk)]
    assert proposal.status == ProposalStatus.PENDING
    mail.outbox.clear()
    closed = commissions.commission_close(actor=coordinator, commission=c, version=c.version)
    assert closed.is_closed
    minutes = closed.minutes
    assert f"Demande n° {r1.pk} (1 adulte(s), 0 enfant(s)) : demande validée" in minutes
    assert (
        f"Demande n° {r2.pk} (1 adulte(s), 1 enfant(s)) : à compléter — Avis d'imposition manquant" in minutes
    )
    assert f"Résidence du Parc, A 12 : proposition à un ménage (demande n° {r3.pk})" in minutes
    for name in ("Lefèvre", "Diallo", "Rossi"):
        assert name not in minutes
    # Each referent hears about their own household only: the named referent, else the organization's workers.
    sent = {tuple(m.to): m.body for m in mail.outbox}
    assert set(sent) == {("ref-a@example.org",), (session["canal_worker"].user.email,)}
    assert f"demande n° {r1.pk} :" in sent[("ref-a@example.org",)]
    assert f"demande n° {r2.pk} :" not in sent[("ref-a@example.org",)]
    assert all("Lefèvre" not in body and "Diallo" not in body for body in sent.values())
    with pytest.raises(commissions.CommissionConflict):
        commissions.agenda_prepare(actor=coordinator, commission=closed)


def test_stale_close_is_refused(session):
    from parcours.core.versioning import StaleVersionError

    c = commissions.commission_create(
        actor=session["coordinator"], territory=session["territory"], held_on=timezone.localdate()
    )
    Commission.objects.filter(pk=c.pk).update(version=c.version + 1)
    with pytest.raises(StaleVersionError):
        commissions.commission_close(actor=session["coordinator"], commission=c, version=c.version)


def test_commission_pages(session, client, login):
    login(session["coordinator"])
    created = client.post(
        reverse("orientation:commissions"), {"held_on": str(timezone.localdate()), "title": ""}
    )
    assert created.status_code == 302
    c = Commission.objects.get()
    client.post(reverse("orientation:commission_prepare", args=[c.pk]))
    page = client.get(reverse("orientation:commission", args=[c.pk]))
    assert page.status_code == 200
    line = c.lines.filter(kind="request").first()
    bad = client.post(
        reverse("orientation:line_decide", args=[c.pk, line.pk]), {f"l{line.pk}-decision": "postpone"}
    )
    assert bad.status_code == 400 and "Indiquez le motif" in bad.content.decode()
    other = MembershipFactory(
        role=Role.SIAO_COORDINATOR,
        organization=OrganizationFactory(siao=True, territory=TerritoryFactory(code="75")),
    )
    login(other.user)
    assert client.get(reverse("orientation:commission", args=[c.pk])).status_code == 404
    login(session["canal_worker"].user)
    assert client.get(reverse("orientation:commissions")).status_code == 404
