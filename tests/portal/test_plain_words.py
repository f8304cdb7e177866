"""« Mon espace » in plain words (FALC): no acronym without its explanation. On each page of the
person, the first time an acronym of the list appears, what it is stands beside it in plain words."""

import html
import re

import pytest
from django.test import Client

from parcours.accounts.roles import Role
from parcours.core import audit
from parcours.households.choices import Situation
from parcours.households.models import SituationPeriod
from tests.factories import (
    ConsentFactory,
    InsertionRequestFactory,
    MembershipFactory,
    PortalAccessFactory,
    ProposalFactory,
    portal_login,
)
from tests.portal.conftest import PHONE

pytestmark = pytest.mark.django_db

# The acronym, and the words (a pattern) of its plain explanation that must stand near its first
# mention on a page.
EXPLAINED = {
    "SIAO": "service qui oriente vers un hébergement ou un logement",
    "115": "numéro d'urgence",
    "SMS": r"messages? écrits?",  # « par message écrit (SMS) », « Mes messages écrits (SMS) »
    "CAF": "allocations familiales",
    "DALO": "droit au logement opposable",
    "CHRS": "hébergement avec un accompagnement",
    "CHU": "hébergement d'urgence",
    "ASE": "aide sociale à l'enfance",
}
NEAR = 160  # characters


def _text(response) -> str:
    """What the page says: its title and its main content, without the tags."""
    assert response.status_code == 200, response
    page = response.content.decode()
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    main = re.search(r"<main.*?</main>", page, re.S).group(0)
    main = re.sub(r"<(script|style)\b.*?</\1>", " ", main, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", title + " " + main)).split())


def unexplained(text: str) -> list[str]:
    """The acronyms whose first mention on the page has no explanation nearby."""
    out = []
    for acronym, words in EXPLAINED.items():
        first = re.search(rf"(?<![\w-]){re.escape(acronym)}(?![\w-])", text)
        if first is None:
            continue
        around = text[max(0, first.start() - NEAR) : first.end() + NEAR]
        if not re.search(words, around):
            out.append(f"{acronym}: …{text[max(0, first.start() - 60) : first.end() + 60]}…")
    return out


def test_the_check_finds_a_bare_acronym():
    assert unexplained("Votre demande a été envoyée au SIAO.") != []
    assert unexplained("Le 115, le numéro d'urgence pour être mis à l'abri, a appelé.") == []
    assert unexplained("Un code à 1150 chiffres, le dossier 115-2.") == []


@pytest.fixture(params=["submitted", "to_complete", "validated", "proposed"])
def rich(request, family):
    """A household whose space shows every section filled: its request at one step (each in turn,
    each can be the first mention on the page), consents for each purpose, a night of the 115 as its
    situation, staff reads of each kind."""
    household = family["household"]
    SituationPeriod.objects.filter(household=household).update(situation="emergency_night")
    if request.param == "proposed":
        ProposalFactory(request__household=household)
    else:
        InsertionRequestFactory(household=household, **{request.param: True})
    for purpose in ("orientation", "emergency", "support"):
        ConsentFactory(household=household, purpose=purpose)
    handler = MembershipFactory(role=Role.CALL_HANDLER).user
    for section in ("emergency", "orientation", "documents", "situation"):
        audit.record_read(actor=handler, obj=household, sections=[section], purpose="follow_up")
    access = PortalAccessFactory(household=household, person=family["benoit"], invited_by=family["worker"])
    return portal_login(Client(), access)


PERSON_PAGES = [
    "/mon-espace/",
    "/mon-espace/accords/",
    "/mon-espace/qui-a-lu/",
    "/mon-espace/votre-avis/",
    "/mon-espace/mon-avis/",
    "/mon-espace/documents/",
    "/mon-espace/rendez-vous/",
    "/mon-espace/notifications/",
]
SIGN_IN_PAGES = [
    "/mon-espace/connexion/",
    "/mon-espace/connexion/code/",
    "/mon-espace/connexion/code-imprime/",
]


def test_each_page_of_the_person_explains_its_acronyms(rich):
    found = {}
    for url in PERSON_PAGES:
        response = rich.get(url)
        assert response.status_code == 200, url
        problems = unexplained(_text(response))
        if problems:
            found[url] = problems
    visitor = Client()
    visitor.post("/mon-espace/connexion/", {"phone": PHONE})  # the code page needs a phone given
    for url in SIGN_IN_PAGES:
        problems = unexplained(_text(visitor.get(url)))
        if problems:
            found[url] = problems
    assert not found, found


@pytest.mark.parametrize("situation", Situation.values)
def test_every_housing_situation_reads_in_plain_words(family, situation):
    """The staff's labels (« CHRS », « Institution (hôpital, prison, ASE…) ») never reach the person."""
    household = family["household"]
    SituationPeriod.objects.filter(household=household).update(situation=situation)
    access = PortalAccessFactory(household=household, person=family["benoit"], invited_by=family["worker"])
    assert unexplained(_text(portal_login(Client(), access).get("/mon-espace/"))) == []
