"""Each role's home is its work list: what to do now, most urgent first, each row a link with the
household's name where the role may read it and the reason it is there (issue 15)."""

import datetime as dt

import pytest
from django.urls import reverse

from parcours.accounts.roles import Role
from parcours.core.audit import AuditEvent, AuditKind
from parcours.core.home import MAX_ROWS
from parcours.households.models import Household
from parcours.orientation.models import Commission, CommissionLine
from parcours.support.models import PreventionAlert
from tests.clock import freeze, local
from tests.factories import (
    ConsentFactory,
    EmergencyRequestFactory,
    InsertionRequestFactory,
    MembershipFactory,
    ProposalFactory,
    SupportMeasureFactory,
    TerritoryFactory,
    UnitFactory,
    VacancyFactory,
    make_emergency_facility,
    make_household,
)
from tests.factories.offers import FacilityFactory
from tests.home_page import read_home

pytestmark = pytest.mark.django_db

# Monday 7 December 2026, in the afternoon: the dates the reasons give are fixed.
NOW = local(2026, 12, 7, 15, 0)
TODAY = NOW.date()


@pytest.fixture
def clock(monkeypatch):
    return freeze(monkeypatch, NOW)


def _home(client, login, user):
    login(user)
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    return response.content.decode(), read_home(response.content.decode())


def _person(first, last):
    return [(first, last, dt.date(1985, 3, 1))]


def _ago(**delta):
    return NOW - dt.timedelta(**delta)


def _home_reads(user):
    return AuditEvent.objects.filter(actor=user, kind=AuditKind.READ, purpose="home")


# --- call handler -----------------------------------------------------------------------------------


def test_call_handler_sees_waiting_callers_by_priority_then_wait(role_network, clock, client, login):
    net = role_network
    awa = make_household(organization=net.association, people=_person("Awa", "Diallo"))
    marc = make_household(organization=net.association, people=_person("Marc", "Petit"))
    paris = make_household(organization=net.association, territory="75", people=_person("Léa", "Roux"))
    later = EmergencyRequestFactory(
        household=awa, priority="P2", persons=3, children=2, created_at=_ago(minutes=130)
    )
    anonymous = EmergencyRequestFactory(
        household=None, territory=TerritoryFactory(code="93"), priority="P2", created_at=_ago(hours=3)
    )
    urgent = EmergencyRequestFactory(household=marc, priority="P1", created_at=_ago(minutes=12))
    EmergencyRequestFactory(household=paris, priority="P1", created_at=_ago(hours=5))  # another département
    EmergencyRequestFactory(priority="P1", allocated=True)  # has its place
    make_emergency_facility(organization=net.association, units=2, capacity=2)

    html, panels = _home(client, login, net.users[Role.CALL_HANDLER])

    assert list(panels)[:2] == ["Appelants en attente", "Places libres ce soir"]
    rows = panels["Appelants en attente"].rows
    assert [r.href for r in rows] == [
        reverse("emergency:request", args=[r.pk]) for r in (urgent, anonymous, later)
    ]
    assert rows[0].text == "P1 Marc P. · adulte en attente depuis 12 min · 1 personne"
    assert rows[1].text.startswith(
        f"P2 Demande 115 n° {anonymous.pk} — appel sans nom en attente depuis 3 h 00"
    )
    assert (
        "Awa D." in rows[2].text and "en attente depuis 2 h 10 · 3 personnes dont 2 enfants" in rows[2].text
    )
    assert "Léa" not in html
    places = panels["Places libres ce soir"].rows
    assert places[0].href == reverse("emergency:board")
    assert places[0].text == "Centre d'hébergement d'urgence (CHU) 2 unités libres 4 places"
    assert _home_reads(net.users[Role.CALL_HANDLER]).count() == 2  # the two named households shown


def test_call_handler_sees_twenty_callers_and_how_many_more(
    role_network, clock, client, login, django_assert_max_num_queries
):
    net = role_network
    for n in range(MAX_ROWS + 5):
        household = make_household(organization=net.association, people=_person(f"Prénom{n}", "Nom"))
        EmergencyRequestFactory(household=household, created_at=_ago(minutes=n))
    login(net.users[Role.CALL_HANDLER])
    with django_assert_max_num_queries(16):
        html = client.get(reverse("core:home")).content.decode()
    panel = read_home(html)["Appelants en attente"]
    assert len(panel.rows) == MAX_ROWS
    assert "et 5 autres" in panel.text
    assert panel.links[-1] == reverse("emergency:board") + "#waiting-title"
    assert "Toutes les demandes en attente, sur le tableau de la nuit (25)" in panel.text


def test_call_handler_empty_list_says_what_to_do(role_network, clock, client, login):
    _html, panels = _home(client, login, role_network.users[Role.CALL_HANDLER])
    waiting = panels["Appelants en attente"]
    assert waiting.rows == [] and "Personne n'attend de place cette nuit" in waiting.text
    assert reverse("emergency:call") in waiting.links  # « Prendre un nouvel appel »


# --- SIAO coordinator -------------------------------------------------------------------------------


def test_coordinator_work_list(role_network, clock, client, login):
    net = role_network
    old = InsertionRequestFactory(
        household=make_household(organization=net.association, people=_person("Ana", "Silva")),
        submitted=True,
        submitted_at=_ago(days=6, hours=2),
    )
    new = InsertionRequestFactory(
        household=make_household(organization=net.association, people=_person("Bo", "Lin")),
        submitted=True,
        submitted_at=_ago(hours=3),
    )
    InsertionRequestFactory(
        household=make_household(organization=net.association, territory="75", people=_person("Cy", "Paris")),
        submitted=True,
    )
    housing = FacilityFactory(
        name="Résidence du Parc", organization=net.landlord, territory=TerritoryFactory(code="93")
    )
    waiting = VacancyFactory(
        unit=UnitFactory(facility=housing, label="Bât. A 12"), available_from=TODAY - dt.timedelta(days=4)
    )
    proposed_unit = UnitFactory(facility=housing, label="Bât. B 3")
    late = ProposalFactory(
        vacancy=VacancyFactory(unit=proposed_unit),
        request__household=make_household(organization=net.association, people=_person("Dia", "Ba")),
        created_at=_ago(days=10),
    )
    ProposalFactory(
        vacancy__unit__facility=housing,
        request__household=make_household(organization=net.association, people=_person("Eli", "Moy")),
        created_at=_ago(days=2),
    )
    session = Commission.objects.create(
        territory=TerritoryFactory(code="93"), held_on=TODAY + dt.timedelta(days=3)
    )
    CommissionLine.objects.create(commission=session, kind="request", request=old)
    Commission.objects.create(territory=TerritoryFactory(code="93"), held_on=TODAY + dt.timedelta(days=20))

    html, panels = _home(client, login, net.users[Role.SIAO_COORDINATOR])

    assert list(panels)[:5] == [
        "Demandes à instruire",
        "Alertes de prévention à traiter",
        "Vacances sans proposition",
        "Propositions sans réponse",
        "Commission de la semaine",
    ]
    assert "Signalements à orienter" in panels  # outreach (aller-vers): nothing received yet
    requests = panels["Demandes à instruire"].rows
    assert [r.href for r in requests] == [reverse("orientation:detail", args=[r.pk]) for r in (old, new)]
    assert requests[0].text == "Ana S. · adulte transmise le 1 décembre, en attente depuis 6 jours"
    assert "Cy P." not in html
    vacancies = panels["Vacances sans proposition"].rows
    assert [r.href for r in vacancies] == [reverse("matching:candidates", args=[waiting.pk])]
    assert vacancies[0].text == (
        "Résidence du Parc — Bât. A 12 En retard : libre depuis le 3 décembre, aucun ménage proposé"
    )
    answers = panels["Propositions sans réponse"].rows
    assert [r.href for r in answers] == [reverse("orientation:proposal", args=[late.pk])]
    assert (
        answers[0].text
        == "Dia B. · adulte En retard : réponse de Résidence du Parc attendue depuis le 4 décembre"
    )
    week = panels["Commission de la semaine"].rows
    assert [r.href for r in week] == [reverse("orientation:commission", args=[session.pk])]
    assert week[0].text == "Commission d'orientation jeudi 10 décembre · 1 dossier à l'ordre du jour"


# --- social worker ----------------------------------------------------------------------------------


def test_social_worker_sees_each_household_with_its_next_step(role_network, clock, client, login):
    net = role_network
    worker = net.users[Role.SOCIAL_WORKER]

    def mine(first, last):
        household = make_household(organization=net.association, referent=worker, people=_person(first, last))
        Household.objects.filter(pk=household.pk).update(created_at=NOW)  # opened today
        return household

    consent = mine("Awa", "Diallo")
    ConsentFactory(
        household=consent,
        organization=net.partner,
        starts_on=TODAY - dt.timedelta(days=80),
        ends_on=TODAY + dt.timedelta(days=10),
    )
    review = mine("Marc", "Petit")
    SupportMeasureFactory(
        household=review,
        started_on=TODAY - dt.timedelta(days=60),
        next_review_on=TODAY - dt.timedelta(days=5),
    )
    renew = mine("Nina", "Kone")
    # validated three months ago less five days: expires in five days (PARCOURS_REQUEST_VALIDITY_MONTHS=3)
    InsertionRequestFactory(household=renew, validated=True, validated_at=local(2026, 9, 12, 10))
    new = mine("Zoé", "Ly")
    colleague = MembershipFactory(role=Role.SOCIAL_WORKER, organization=net.association).user
    make_household(organization=net.association, referent=colleague, people=_person("Other", "Worker"))

    html, panels = _home(client, login, worker)

    assert list(panels) == ["Mes ménages et leur prochaine étape", "Alertes de prévention à traiter"]
    rows = panels["Mes ménages et leur prochaine étape"].rows
    assert [r.text.split(" ·")[0] for r in rows] == ["Marc P.", "Nina K.", "Awa D.", "Zoé L."]
    assert "En retard : point d'étape «" in rows[0].text
    assert "» prévu le 2 décembre (et 1 autre échéance)" in rows[0].text
    assert rows[0].href.startswith("/accompagnement/mesures/")
    assert "demande d'insertion à actualiser avant le 12 décembre" in rows[1].text
    assert "consentement pour Autre association qui expire le 17 décembre" in rows[2].text
    assert rows[2].href == reverse("households:detail", args=[consent.pk]) + "#consentements"
    assert "première évaluation partagée à faire avant le 6 janvier 2027" in rows[3].text
    assert rows[3].href == reverse("assessments:index", args=[new.pk])
    assert "Other" not in html
    shown = set(_home_reads(worker).values_list("object_id", flat=True))
    assert shown == {str(h.pk) for h in (consent, review, renew, new)}


def test_social_worker_without_households_is_told_what_to_do(role_network, clock, client, login):
    _html, panels = _home(client, login, role_network.users[Role.SOCIAL_WORKER])
    panel = panels["Mes ménages et leur prochaine étape"]
    assert panel.rows == [] and "Vous n'êtes référent·e d'aucun ménage" in panel.text


def test_social_worker_home_queries_do_not_grow_with_the_households(
    role_network, clock, client, login, django_assert_max_num_queries
):
    net = role_network
    worker = net.users[Role.SOCIAL_WORKER]
    for n in range(MAX_ROWS + 10):
        household = make_household(
            organization=net.association, referent=worker, people=_person(f"P{n}", "Nom")
        )
        ConsentFactory(household=household, organization=net.partner, ends_on=TODAY + dt.timedelta(days=5))
        SupportMeasureFactory(household=household, next_review_on=TODAY - dt.timedelta(days=1))
    login(worker)
    # 21: one query per step provider, the documents about to expire included (documents.home),
    # whether the worker belongs to an outreach team (its panel), and the appointments and the
    # undelivered-SMS panels, one query each (issue 16); the named households' people and consents
    # once for all the panels (issue 18).
    with django_assert_max_num_queries(21):
        html = client.get(reverse("core:home")).content.decode()
    panel = read_home(html)["Mes ménages et leur prochaine étape"]
    assert len(panel.rows) == MAX_ROWS and "et 10 autres" in panel.text


# --- facility manager and landlord ------------------------------------------------------------------


def test_facility_answers_proposals_by_their_deadline_and_names_only_with_consent(
    role_network, clock, client, login
):
    net = role_network
    chrs = FacilityFactory(
        name="CHRS du Canal", kind="chrs", organization=net.association, territory=TerritoryFactory(code="93")
    )
    no_consent = make_household(organization=net.partner, people=_person("Secret", "Person"))
    with_consent = make_household(organization=net.partner, people=_person("Inès", "Bakri"))
    ConsentFactory(household=with_consent, organization=net.association, purpose="orientation")
    recent = ProposalFactory(
        vacancy__unit=UnitFactory(facility=chrs, label="Chambre 4"),
        request__household=no_consent,
        created_at=_ago(days=1),
    )
    late = ProposalFactory(
        vacancy__unit=UnitFactory(facility=chrs, label="Chambre 2"),
        request__household=with_consent,
        created_at=_ago(days=9),
    )
    ProposalFactory(created_at=_ago(days=20))  # on another organization's place
    left = ProposalFactory(
        exited=True,
        vacancy__unit=UnitFactory(facility=chrs, label="Chambre 7"),
        vacancy__declared_at=_ago(days=300),
        exited_on=TODAY - dt.timedelta(days=2),
    )

    html, panels = _home(client, login, net.users[Role.FACILITY_MANAGER])

    assert list(panels)[:3] == ["Propositions à traiter", "Vacances à déclarer", "Mes vacances"]
    rows = panels["Propositions à traiter"].rows
    assert [r.href for r in rows] == [reverse("orientation:proposal", args=[p.pk]) for p in (late, recent)]
    assert rows[0].text.startswith(
        "Inès B. · adulte En retard : CHRS du Canal — Chambre 2 : réponse attendue depuis le 5 décembre"
    )
    assert rows[1].text.startswith(f"Ménage n° {no_consent.pk} (identité non partagée")
    assert "réponse attendue avant le 13 décembre" in rows[1].text
    assert "Secret" not in html
    declare = panels["Vacances à déclarer"].rows
    assert [r.href for r in declare] == [reverse("offers:vacancy_declare", args=[left.vacancy.unit_id])]
    assert declare[0].text == "CHRS du Canal — Chambre 7 libérée le 5 décembre : vacance à déclarer"
    # Declared: off the list.
    VacancyFactory(unit=left.vacancy.unit, declared_at=NOW)
    _html, panels = _home(client, login, net.users[Role.FACILITY_MANAGER])
    assert panels["Vacances à déclarer"].rows == []


def test_landlord_work_list_in_order(role_network, clock, client, login):
    net = role_network
    housing = FacilityFactory(
        name="Résidence du Parc", organization=net.landlord, territory=TerritoryFactory(code="93")
    )
    accepted = ProposalFactory(
        accepted=True, answered_at=NOW, vacancy__unit=UnitFactory(facility=housing, label="Bât. A 1")
    )
    VacancyFactory(
        unit=UnitFactory(facility=housing, label="Bât. C 9"), available_from=TODAY + dt.timedelta(days=10)
    )
    household = make_household(organization=net.association, people=_person("Sam", "Tao"))
    alert = PreventionAlert.objects.create(
        household=household,
        landlord=net.landlord,
        kind="unpaid_rent",
        siao=net.siao,
        association=net.association,
    )

    html, panels = _home(client, login, net.users[Role.LANDLORD])

    assert list(panels) == [
        "Propositions à traiter",
        "Vacances à déclarer",
        "Mes vacances",
        "Alertes de prévention",
    ]
    proposal = panels["Propositions à traiter"].rows[0]
    assert proposal.href == reverse("orientation:proposal", args=[accepted.pk])
    assert "Résidence du Parc — Bât. A 1 : acceptée le 7 décembre, entrée à enregistrer" in proposal.text
    vacancy = panels["Mes vacances"].rows[0]
    assert (
        vacancy.text
        == "Résidence du Parc — Bât. C 9 libre le 17 décembre, en attente d'une proposition du SIAO"
    )
    alerts = panels["Alertes de prévention"].rows
    assert alerts[0].href == reverse("support:alert", args=[alert.pk])
    assert alerts[0].text.startswith(f"Ménage n° {household.pk} (identité non partagée")
    assert "Sam" not in html


# --- observer and network administration ------------------------------------------------------------


def test_observer_sees_figures_only(role_network, clock, client, login):
    net = role_network
    household = make_household(organization=net.association, people=_person("Awa", "Diallo"))
    EmergencyRequestFactory(household=household, night=dt.date(2026, 11, 12))
    observer = net.users[Role.OBSERVER]

    html, panels = _home(client, login, observer)

    assert list(panels) == ["Les chiffres clés de novembre", "Indicateurs"]
    figures = panels["Les chiffres clés de novembre"].rows
    assert [r.text.split(" ")[0:3] for r in figures][:1] == [["Demandes", "au", "115"]]
    assert figures[0].href == reverse("observatory:indicator", args=["115.requests_and_people"]) + (
        "?start=2026-11-01&end=2026-11-30"
    )
    # One request and one household: below the threshold, not published.
    assert "non publié : secret statistique" in figures[0].text
    assert "Awa" not in html and "Ménage n°" not in html
    assert not _home_reads(observer).exists()


def test_network_admin_sees_memberships_to_approve(role_network, clock, client, login):
    from parcours.accounts.models import MembershipApproval

    net = role_network
    pending = MembershipFactory(
        role=Role.SOCIAL_WORKER, organization=net.partner, approval=MembershipApproval.PENDING, active=False
    )
    _html, panels = _home(client, login, net.users[Role.NETWORK_ADMIN])
    assert list(panels)[:2] == ["Rattachements à approuver", "Le réseau"]
    row = panels["Rattachements à approuver"].rows[0]
    assert row.href == reverse("network:organization_list") + "#h-pending"
    assert row.text.startswith(
        f"{pending.user.get_full_name()} — Autre association Travailleur·se social·e, demandé le"
    )


@pytest.mark.parametrize(
    ("role", "ceiling"),
    [
        (Role.CALL_HANDLER, 16),
        (Role.SIAO_COORDINATOR, 26),
        (Role.SOCIAL_WORKER, 16),  # the appointments and undelivered-SMS panels: one query each
        (Role.FACILITY_MANAGER, 22),
        (Role.LANDLORD, 22),
        (Role.OBSERVER, 60),
        (Role.NETWORK_ADMIN, 14),
    ],
)
def test_home_query_count_is_bounded_for_each_role(
    role_network, clock, client, login, django_assert_max_num_queries, role, ceiling
):
    login(role_network.users[role])
    with django_assert_max_num_queries(ceiling):
        assert client.get(reverse("core:home")).status_code == 200


def test_facility_home_queries_do_not_grow_with_the_named_proposals(
    role_network, clock, client, login, django_assert_max_num_queries
):
    """Naming a household to a facility asks whether a proposal links it: once for the list."""
    net = role_network
    chrs = FacilityFactory(kind="chrs", organization=net.association, territory=TerritoryFactory(code="93"))
    for n in range(MAX_ROWS + 2):
        household = make_household(organization=net.partner, people=_person(f"Prénom{n}", "Nom"))
        ConsentFactory(household=household, organization=net.association)
        ProposalFactory(
            vacancy__unit=UnitFactory(facility=chrs), request__household=household, created_at=_ago(days=n)
        )
    login(net.users[Role.FACILITY_MANAGER])
    with django_assert_max_num_queries(20):
        html = client.get(reverse("core:home")).content.decode()
    panel = read_home(html)["Propositions à traiter"]
    assert len(panel.rows) == MAX_ROWS and "Prénom21 N." in html and "et 2 autres" in panel.text


def test_a_co_worked_measure_brings_its_household_when_the_worker_may_open_it(
    role_network, clock, client, login
):
    """A measure another organization carries and the worker's co-works, with the worker as its
    referent: its overdue review lists the household (a shared sheet through the consent), counted with
    the worker's own households; without the consent, neither the step nor the household shows."""
    from parcours.support.models import MeasureCoworker

    net = role_network
    worker = net.users[Role.SOCIAL_WORKER]
    make_household(organization=net.association, referent=worker, people=_person("Own", "Household"))
    shared = make_household(organization=net.partner, people=_person("Sami", "Partage"))
    hidden = make_household(organization=net.partner, people=_person("Cache", "Secret"))
    for household in (shared, hidden):
        measure = SupportMeasureFactory(
            household=household,
            organization=net.partner,
            referent=worker,
            next_review_on=TODAY - dt.timedelta(days=3),
        )
        MeasureCoworker.objects.create(measure=measure, organization=net.association)
    ConsentFactory(household=shared, organization=net.association, purpose="support")
    html, panels = _home(client, login, worker)
    panel = panels["Mes ménages et leur prochaine étape"]
    assert [r.text.split(" ·")[0] for r in panel.rows][:1] == ["Sami P."]
    assert "point d'étape" in panel.rows[0].text and len(panel.rows) == 2
    assert "Cache" not in html and "Secret" not in html
