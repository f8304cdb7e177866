"""Observatory pages (issue 15): a summary of headline figures by theme and one page per theme, the
period form showing the period applied, filters carried between pages, who may open them, and a
bound on the queries each page runs."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from parcours.accounts.roles import Role
from parcours.observatory.catalogue import INDICATORS, TOTAL, by_domain
from parcours.observatory.themes import THEMES
from tests.clock import freeze, local
from tests.factories import MembershipFactory, OrganizationFactory, TerritoryFactory
from tests.observatory.test_observatory import siao_world  # noqa: F401  (November 2026 by hand, five requests of the 93)

pytestmark = pytest.mark.django_db

NOVEMBER = {"start": "2026-11-01", "end": "2026-11-30", "territory": "93"}
ILE_DE_FRANCE = ("75", "77", "78", "91", "92", "93", "94", "95")


@pytest.fixture(autouse=True)
def _december(monkeypatch):
    """7 December 2026: November is the last closed month."""
    return freeze(monkeypatch, local(2026, 12, 7, 10))


def _observer():
    return MembershipFactory(role=Role.OBSERVER).user


def _siao_93():
    t93 = TerritoryFactory(code="93")
    return MembershipFactory(
        role=Role.SIAO_COORDINATOR, organization=OrganizationFactory(siao=True, territory=t93)
    ).user


def _inputs(html: str) -> dict:
    """The values the period form shows: what the reader sees in its fields."""
    values = dict(re.findall(r'<input type="date" name="(start|end)" value="([^"]*)"', html))
    selected = re.search(r'<option value="([^"]*)" selected>', html)
    values["territory"] = selected.group(1) if selected else ""
    return values


def test_every_headline_and_summary_chart_is_an_indicator_of_its_theme():
    for theme in THEMES:
        assert INDICATORS[theme.chart].domain == theme.domain
        for headline in theme.headlines:
            assert INDICATORS[headline.code].domain == theme.domain
            assert headline.key == TOTAL or headline.key in _row_keys(headline.code)
    assert {theme.domain for theme in THEMES} == set(by_domain())


def _row_keys(code):
    from parcours.observatory.catalogue import Period

    result = INDICATORS[code].compute(Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30)), None)
    return {row.key for row in result.rows}


def test_summary_shows_headline_figures_suppressed_as_every_other_door(siao_world, client, login):  # noqa: F811
    login(_observer())
    page = client.get(reverse("observatory:dashboard"), NOVEMBER)
    html = page.content.decode()
    assert page.status_code == 200
    siao = next(s for s in page.context["sections"] if s["theme"].slug == "orientation")
    admissions = next(h for h in siao["headlines"] if h["indicator"].code == "siao.admissions_by_kind")
    # Two admissions in the 93 in November: fewer than 11, hidden on the summary as on the theme page.
    assert (admissions["value"], admissions["suppressed"]) == (None, True)
    theme = client.get(reverse("observatory:theme", args=["orientation"]), NOVEMBER)
    block = next(b for b in theme.context["blocks"] if b["indicator"].code == "siao.admissions_by_kind")
    assert block["result"].total is None
    assert "&lt; 11" in html
    # A median computed on two stays is hidden, and not shown as « < 11 jours ».
    wait = next(h for h in siao["headlines"] if h["indicator"].code == "siao.waiting_time")
    assert wait["suppressed"] and wait["unit"] == ""
    # Each theme: its headline figures, a chart with its table, and a link to its page with the filters.
    carried = "?start=2026-11-01&amp;end=2026-11-30&amp;territory=93"
    for theme in THEMES:
        assert f'id="h-domain-{theme.domain}"' in html
        assert reverse("observatory:theme", args=[theme.slug]) + carried in html
    assert html.count("<canvas") == len(THEMES) and html.count("<table") == len(THEMES)


def test_the_siao_of_the_departement_reads_its_headline_figures_whole(siao_world, client, login):  # noqa: F811
    login(_siao_93())
    page = client.get(reverse("observatory:dashboard"), NOVEMBER)
    siao = next(s for s in page.context["sections"] if s["theme"].slug == "orientation")
    figures = {h["indicator"].code + ":" + str(h["label"]): h["value"] for h in siao["headlines"]}
    assert figures["siao.admissions_by_kind:Entrées en hébergement ou logement"] == 2
    assert figures["siao.requests_submitted:Demandes d'insertion transmises"] == 3
    assert figures["siao.waiting_time:Délai médian de la validation à l'entrée"] == 19.0


@pytest.mark.parametrize("theme", THEMES, ids=lambda t: t.slug)
def test_a_theme_page_holds_its_indicators_only_each_chart_with_its_table(theme, client, login):
    login(_observer())
    page = client.get(reverse("observatory:theme", args=[theme.slug]), NOVEMBER)
    html = page.content.decode()
    assert page.status_code == 200
    shown = [b["indicator"].code for b in page.context["blocks"]]
    assert shown == [i.code for i in by_domain()[theme.domain]]
    assert html.count("<canvas") == html.count("<table") == len(shown)
    assert html.count('type="application/json"') == len(shown)
    assert "<script>" not in html  # the charts' data are JSON, drawn by static/js/charts.js (strict CSP)
    assert html.count("<figure") == html.count("<figcaption") == len(shown)
    assert 'aria-current="page"' in html


def test_an_unknown_theme_is_a_404(client, login):
    login(_observer())
    assert client.get(reverse("observatory:theme", args=["logement"])).status_code == 404


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_every_role_of_the_network_reads_the_theme_pages(role, client, login):
    login(MembershipFactory(role=role).user)
    assert client.get(reverse("observatory:theme", args=["115"])).status_code == 200


def test_no_membership_no_theme_page_and_anonymous_is_sent_to_login(client, login):
    from tests.factories import UserFactory

    url = reverse("observatory:theme", args=["115"])
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "connexion" in anonymous["Location"]
    login(UserFactory())
    assert client.get(url).status_code == 404


def test_the_date_fields_show_the_period_applied(client, login):
    TerritoryFactory(code="93")
    login(_observer())
    # No filter yet: the fields show the month read (the last closed one), not empty fields.
    page = client.get(reverse("observatory:dashboard"))
    assert _inputs(page.content.decode()) == {"start": "2026-11-01", "end": "2026-11-30", "territory": ""}
    assert page.context["period_note"] is None
    # A period replaced by its closed month: the fields show the month, and the page says why.
    asked = {"start": "2026-11-03", "end": "2026-11-14", "territory": "93"}
    page = client.get(reverse("observatory:theme", args=["115"]), asked)
    html = page.content.decode()
    assert _inputs(html) == {"start": "2026-11-01", "end": "2026-11-30", "territory": "93"}
    assert "data-period-note" in html and "mois civil entier" in html
    # The links to the other pages carry the period applied: no note there, the same figures.
    assert "?start=2026-11-01&amp;end=2026-11-30&amp;territory=93" in html
    carried = client.get(reverse("observatory:dashboard"), NOVEMBER)
    assert carried.context["period_note"] is None and "data-period-note" not in carried.content.decode()


def test_the_siao_of_the_departement_keeps_the_period_it_typed(client, login):
    login(_siao_93())
    asked = {"start": "2026-11-03", "end": "2026-11-14", "territory": "93"}
    page = client.get(reverse("observatory:theme", args=["orientation"]), asked)
    assert _inputs(page.content.decode()) == asked
    assert "data-period-note" not in page.content.decode()


def test_a_wrong_period_keeps_what_was_typed_with_the_error(client, login):
    login(_observer())
    backwards = {"start": "2026-11-30", "end": "2026-11-01"}
    page = client.get(reverse("observatory:theme", args=["115"]), backwards)
    assert page.status_code == 400
    html = page.content.decode()
    assert "La période commence après sa fin." in html
    assert _inputs(html)["start"] == "2026-11-30"


def test_the_home_panel_links_each_theme(client, login):
    login(_observer())
    html = client.get(reverse("core:home")).content.decode()
    for theme in THEMES:
        assert reverse("observatory:theme", args=[theme.slug]) in html


def test_each_page_runs_a_bounded_number_of_queries(client, login, django_assert_max_num_queries):
    """Eight départements: an observer's figures are protected over all of them and the whole network
    (nine tables per indicator). The one page of all indicators ran 183 queries on the demo."""
    for code in ILE_DE_FRANCE:
        TerritoryFactory(code=code)
    login(_observer())
    bounds = {
        # The aller-vers theme's headlines (issue 17) add a dozen tables of one query each.
        reverse("observatory:dashboard"): 140,
        reverse("observatory:theme", args=["115"]): 65,
        reverse("observatory:theme", args=["orientation"]): 85,
        reverse("observatory:theme", args=["accompagnement"]): 60,
        reverse("observatory:theme", args=["aller-vers"]): 60,
    }
    for url, bound in bounds.items():
        with django_assert_max_num_queries(bound):
            assert client.get(url, {"start": "2026-11-01", "end": "2026-11-30"}).status_code == 200
    # The SIAO of the 93 reads its own département whole: one table per indicator.
    login(_siao_93())
    with django_assert_max_num_queries(25):
        client.get(reverse("observatory:theme", args=["orientation"]), NOVEMBER)
