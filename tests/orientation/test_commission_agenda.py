"""The commission's agenda in sections (issue 15): each section's page in a bounded number of queries
whatever the week holds, a decision recorded in place through htmx (the line and the counts come
back) or by a full POST without JavaScript, households named where the role may read names, no
second proposal offered on a vacancy that waits for an answer, correct counts, and minutes without
names."""

import re

import pytest
from django.urls import reverse

from parcours.core.models import AuditEvent, AuditKind
from parcours.orientation.choices import LineKind, RequestStatus
from parcours.orientation.models import CommissionLine, Proposal
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    ProposalFactory,
    TerritoryFactory,
    commission_week,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def small_week():
    return commission_week(n_requests=4, n_vacancies=3, n_validated=5, n_answered=3)


def _url(week, **query):
    url = reverse("orientation:commission", args=[week["commission"].pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _line(week, kind, n=0):
    return week["commission"].lines.filter(kind=kind).order_by("position", "pk")[n]


def _decide(client, week, line, headers=None, **data):
    return client.post(
        reverse("orientation:line_decide", args=[week["commission"].pk, line.pk]),
        {f"l{line.pk}-{k}": v for k, v in data.items()},
        **(headers or {}),
    )


@pytest.mark.parametrize("section", ["requests", "vacancies", "answered"])
def test_each_section_of_a_realistic_week_in_bounded_queries(
    section, client, login, django_assert_max_num_queries
):
    week = commission_week()  # 70 requests, 45 vacancies, 60 validated requests, 12 answers
    login(week["coordinator"])
    with django_assert_max_num_queries(24):
        page = client.get(_url(week, section=section, page=2 if section != "answered" else 1), **HTMX)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.lstrip().startswith(f'<section id="sec-{section}"')
    assert "<html" not in html  # the section alone, not the page
    if section == "requests":
        assert "70 demandes à l'ordre du jour · 70 restent à décider" in html
        assert "Page 2 sur 5" in html
    elif section == "vacancies":
        assert "45 vacances à l'ordre du jour" in html
        # Each vacancy line offers a short list of named households, not every validated request.
        options = re.findall(r'<select name="l\d+-request"[^>]*>(.*?)</select>', html, re.S)
        assert options and all(1 < o.count("<option") <= 26 for o in options)
    else:
        assert "12 propositions répondues depuis le" in html


def test_decided_lines_cost_no_query_each(client, login, django_assert_max_num_queries):
    week = commission_week(n_requests=20, n_vacancies=18, n_validated=20, n_answered=2)
    login(week["coordinator"])
    for n, line in enumerate(week["commission"].lines.order_by("kind", "position", "pk")):
        if line.kind == LineKind.REQUEST:
            _decide(client, week, line, HTMX, decision="postpone", reason="Pièce manquante")
        elif n % 2:
            _decide(client, week, line, HTMX, decision="propose", request=week["validated"][n % 20].pk)
        else:
            _decide(client, week, line, HTMX, decision="no_candidate", reason="Aucun ménage adapté")
    for section in ("requests", "vacancies"):
        with django_assert_max_num_queries(24):
            page = client.get(_url(week, section=section), **HTMX)
        assert page.status_code == 200 and "toutes décidées" in page.content.decode()


def test_the_whole_agenda_page_stays_light(small_week, client, login, django_assert_max_num_queries):
    login(small_week["coordinator"])
    with django_assert_max_num_queries(40):
        page = client.get(_url(small_week))
    html = page.content.decode()
    assert page.status_code == 200
    for title in ("Nouvelles demandes", "Vacances à pourvoir", "Propositions répondues"):
        assert title in html
    assert "4 demandes à l'ordre du jour · 4 restent à décider" in html
    assert "3 vacances à l'ordre du jour · 3 restent à décider" in html
    assert "7 lignes n'ont pas de décision" in html


def test_households_are_named_with_what_matters_for_the_decision(small_week, client, login):
    login(small_week["coordinator"])
    html = client.get(_url(small_week)).content.decode()
    first = small_week["submitted"][0]
    head = first.household.members[0]
    assert f"{head.first_name} {head.last_name[0]}." in html
    assert "Ménage n°" not in html
    assert "en attente depuis le" in html and "Souhaits :" in html
    # The households a vacancy may go to are named in its select, with their waiting time.
    select = re.search(r'<select name="l\d+-request"[^>]*>(.*?)</select>', html, re.S).group(1)
    assert "Demande n°" not in select and "en attente depuis le" in select
    # The names shown are traced as reads (design §5 rule 7).
    traced = AuditEvent.objects.filter(
        kind=AuditKind.READ, actor=small_week["coordinator"], object_type="households.household"
    ).values_list("object_id", flat=True)
    assert str(first.household_id) in set(traced)


def test_a_decision_is_recorded_in_place_with_htmx(small_week, client, login):
    login(small_week["coordinator"])
    line = _line(small_week, LineKind.REQUEST)
    answer = _decide(client, small_week, line, HTMX, decision="validate", reason="")
    assert answer.status_code == 200
    html = answer.content.decode()
    assert html.lstrip().startswith(f'<li id="line-{line.pk}"')
    assert 'data-decision="validate"' in html
    # The counts come back out of band; the message goes to the live region.
    assert 'id="count-requests"' in html and "3 restent à décider" in html
    assert 'id="undecided-note" hx-swap-oob="true"' in html
    assert "La décision est enregistrée." in html
    line.refresh_from_db()
    line.request.refresh_from_db()
    assert line.decision == "validate" and line.request.status == RequestStatus.VALIDATED


def test_a_vacancy_is_proposed_in_place(small_week, client, login):
    login(small_week["coordinator"])
    line = _line(small_week, LineKind.VACANCY)
    chosen = small_week["validated"][0]
    answer = _decide(client, small_week, line, HTMX, decision="propose", request=chosen.pk, reason="")
    assert answer.status_code == 200
    assert 'data-decision="propose"' in answer.content.decode()
    assert Proposal.objects.get(commission_line=line).request == chosen


def test_a_wrong_decision_comes_back_in_its_line_and_saves_nothing(small_week, client, login):
    login(small_week["coordinator"])
    line = _line(small_week, LineKind.REQUEST)
    answer = _decide(client, small_week, line, HTMX, decision="postpone", reason="")
    html = answer.content.decode()
    assert answer.status_code == 200  # htmx swaps 2xx answers only
    assert "Indiquez le motif" in html and f'id="line-{line.pk}"' in html
    line.refresh_from_db()
    assert line.decision == "" and line.request.status == RequestStatus.SUBMITTED


def test_without_javascript_a_decision_is_a_full_post(small_week, client, login):
    login(small_week["coordinator"])
    line = _line(small_week, LineKind.REQUEST, 1)
    done = _decide(client, small_week, line, decision="to_complete", reason="Avis d'imposition")
    assert done.status_code == 302
    assert done["Location"].endswith(f"?requests=1#line-{line.pk}")
    bad = _decide(client, small_week, _line(small_week, LineKind.REQUEST, 2), decision="to_complete")
    assert bad.status_code == 400 and "Indiquez le motif" in bad.content.decode()


def test_a_line_is_removed_in_place(small_week, client, login):
    login(small_week["coordinator"])
    line = _line(small_week, LineKind.REQUEST)
    answer = client.post(
        reverse("orientation:line_remove", args=[small_week["commission"].pk, line.pk]), **HTMX
    )
    html = answer.content.decode()
    assert answer.status_code == 200 and f'id="line-{line.pk}"' not in html
    assert "3 demandes à l'ordre du jour" in html
    assert not CommissionLine.objects.filter(pk=line.pk).exists()


def test_no_second_proposal_is_offered_on_a_vacancy_that_waits(small_week, client, login):
    login(small_week["coordinator"])
    line = _line(small_week, LineKind.VACANCY)
    # Proposed elsewhere (from the facility's page) after the agenda was prepared.
    ProposalFactory(vacancy=line.vacancy, request__household__territory=small_week["territory"])
    html = client.get(_url(small_week)).content.decode()
    item = re.search(rf'<li id="line-{line.pk}".*?</li>', html, re.S).group(0)
    assert "proposition en cours" in item
    assert 'value="propose"' not in item and "-request" not in item
    facility = line.vacancy.unit.facility
    page = client.get(reverse("offers:facility_detail", args=[facility.pk])).content.decode()
    assert reverse("orientation:propose", args=[line.vacancy.pk]) not in page
    assert "proposition en cours" in page
    propose = reverse("orientation:propose", args=[line.vacancy.pk])
    assert "proposition en cours" in client.get(propose).content.decode()
    before = Proposal.objects.count()
    refused = client.post(propose, {"request": small_week["validated"][0].pk})
    assert refused.status_code == 409 and Proposal.objects.count() == before


def test_only_the_departement_coordinators_read_or_decide(small_week, client, login):
    line = _line(small_week, LineKind.REQUEST)
    others = [
        MembershipFactory(
            role="social_worker", organization=OrganizationFactory(territory=small_week["territory"])
        ),
        MembershipFactory(
            role="siao_coordinator",
            organization=OrganizationFactory(siao=True, territory=TerritoryFactory(code="75")),
        ),
        MembershipFactory(role="observer"),
    ]
    for membership in others:
        login(membership.user)
        assert client.get(_url(small_week, section="requests"), **HTMX).status_code == 404
        assert _decide(client, small_week, line, HTMX, decision="validate").status_code == 404
    line.refresh_from_db()
    assert line.decision == ""


def test_minutes_are_a_document_without_names(small_week, client, login):
    login(small_week["coordinator"])
    line = _line(small_week, LineKind.REQUEST)
    _decide(client, small_week, line, HTMX, decision="to_complete", reason="Pièce manquante")
    html = client.get(reverse("orientation:minutes", args=[small_week["commission"].pk])).content.decode()
    assert "Compte rendu de la commission d'orientation" in html
    assert f"Demande n° {line.request_id}" in html and "Pièce manquante" in html
    assert "4 demandes inscrites (1 décidée)" in html
    for r in small_week["submitted"]:
        for person in r.household.members:
            assert person.last_name not in html
