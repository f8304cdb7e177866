"""The shared assessment grid: AFFIL version 1 as published data, new versions from files, the API."""

import json
import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from parcours.accounts import services
from parcours.assessments import grids
from parcours.assessments.levels import Level
from parcours.assessments.models import AssessmentGrid, GridItem, GridSection
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

SEED = settings.BASE_DIR.parent / "shared" / "seeds" / "001_daa0d17be2ad3fd2.txt"

SECTION_TITLES = [
    "Pouvoir louer",
    "Savoir louer",
    "Savoir habiter",
    "Savoir s'adapter à son environnement",
    "Évaluer le besoin en accompagnement du ménage",
]
ITEM_CODES = [
    *("1.1", "1.2", "1.3"),
    *("2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7"),
    *("3.1", "3.2", "3.3"),
    *("4.1", "4.2", "4.3"),
    *("5.1", "5.2", "5.3", "5.4"),
]
LABELS = {
    "2.1": "Il a une expérience antérieure de location ou de logement autonome.",
    "3.3": "La gestion du budget logement est intégrée",
    "4.2": "Il est autonome, ou dispose de relais et d'appui, pour s'adapter à son nouvel environnement.",
    "5.4": "Le ménage est-il reconnu prioritaire au titre du DALO ? Depuis quand ? Dans quel département ?",
}
LEVELS = ["acquired", "in_progress", "needs_support", "not_assessed"]


def bearer(key):
    return {"Authorization": f"Bearer {key}"}


def get_current(client):
    membership = MembershipFactory()
    _token, key = services.token_create(actor=membership.user, membership=membership, name="t")
    return client.get("/api/v1/assessment-grids/current", headers=bearer(key))


def normalise(text: str) -> str:
    """The seed as extracted from its PDF, without markdown emphasis, list dashes and line breaks."""
    text = text.replace("**", "")
    text = re.sub(r"^\s*- ", "", text, flags=re.MULTILINE)
    return re.sub(r"\s+", " ", text).strip()


def affil_data() -> dict:
    return json.loads(grids.AFFIL_V1.read_text(encoding="utf-8"))


def write(tmp_path, data, name="grid.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def counts():
    return AssessmentGrid.objects.count(), GridSection.objects.count(), GridItem.objects.count()


def test_version_1_is_published_by_the_migrations_and_is_current():
    grid = AssessmentGrid.objects.current()
    assert grid.version == 1 and grid.title == "La trame d'évaluation partagée"
    assert "AFFIL" in grid.source
    assert counts() == (1, 5, 20)


def test_the_served_grid_is_the_affil_one(client):
    response = get_current(client)
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == 1
    assert [s["title"] for s in body["sections"]] == SECTION_TITLES
    assert [s["code"] for s in body["sections"]] == ["1", "2", "3", "4", "5"]
    assert [i["code"] for s in body["sections"] for i in s["items"]] == ITEM_CODES
    assert [len(s["items"]) for s in body["sections"]] == [3, 7, 3, 3, 4]
    labels = {i["code"]: i["label"] for s in body["sections"] for i in s["items"]}
    for code, label in LABELS.items():
        assert labels[code] == label
    assert labels["1.1"].startswith('Pour le demandeur : être majeur. Pour les "personnes étrangères"')
    assert body["levels"] == LEVELS
    assert body["level_choices"] == [
        {"code": "acquired", "label": "Acquis"},
        {"code": "in_progress", "label": "En cours d'acquisition"},
        {"code": "needs_support", "label": "Nécessite un soutien"},
        {"code": "not_assessed", "label": "Non évalué"},
    ]


def test_only_section_5_is_structured_with_the_seed_fields(client):
    body = get_current(client).json()
    kinds = {i["code"]: i["kind"] for s in body["sections"] for i in s["items"]}
    assert {c for c, k in kinds.items() if k == "structured"} == {"5.1", "5.2", "5.3", "5.4"}
    items = {i["code"]: i for s in body["sections"] for i in s["items"]}
    assert all(items[c]["fields"] == [] for c in ITEM_CODES if not c.startswith("5."))
    fields = {c: [(f["code"], f["type"]) for f in items[c]["fields"]] for c in ("5.1", "5.2", "5.3", "5.4")}
    assert fields == {
        "5.1": [
            ("max_rent", "money"),
            ("typology", "choice"),
            ("location", "text"),
            ("disability_constraints", "text"),
        ],
        "5.2": [("mobilised_schemes", "text")],
        "5.3": [("support_needed", "boolean"), ("support_nature", "text"), ("support_scheme", "text")],
        "5.4": [("dalo_priority", "boolean"), ("dalo_since", "date"), ("dalo_departement", "departement")],
    }
    assert [f["label"] for f in items["5.4"]["fields"]] == [
        "Le ménage est-il reconnu prioritaire au titre du DALO ?",
        "Depuis quand ?",
        "Dans quel département ?",
    ]
    assert body["sections"][4]["fields"] == [
        {"code": "referent_name", "label": "Nom du référent", "type": "text", "choices": []},
        {"code": "referent_contact", "label": "Coordonnées", "type": "text", "choices": []},
    ]


@pytest.mark.skipif(not SEED.exists(), reason="seed 001 not available in this checkout")
def test_every_wording_is_the_seed_wording():
    seed = normalise(SEED.read_text(encoding="utf-8"))
    grid = AssessmentGrid.objects.with_content().current()
    for section in grid.sections.all():
        assert f'"{section.title}"' in seed
        for paragraph in filter(None, (section.intro + "\n\n" + section.notes).split("\n\n")):
            assert normalise(paragraph) in seed, paragraph
        for item in section.items.all():
            assert normalise(item.label) in seed, item.code
    for label in ("Depuis quand ?", "Dans quel département ?", "Nom du référent", "Coordonnées"):
        assert label in seed


def test_the_grid_is_read_in_three_queries(django_assert_num_queries):
    with django_assert_num_queries(3):
        grid = AssessmentGrid.objects.with_content().current()
        assert sum(len(s.items.all()) for s in grid.sections.all()) == 20


def test_loading_the_same_version_again_changes_nothing():
    before = AssessmentGrid.objects.current()
    grid = grids.load_grid(grids.AFFIL_V1)
    assert grid.pk == before.pk and grid.published_at == before.published_at
    assert counts() == (1, 5, 20)
    out = StringIO()
    call_command("load_grid", "--file", str(grids.AFFIL_V1), stdout=out)
    assert "déjà publiée" in out.getvalue()
    assert counts() == (1, 5, 20)


def test_a_changed_version_1_is_refused(tmp_path):
    data = affil_data()
    data["sections"][1]["items"][2]["label"] = "Il paie son loyer."
    with pytest.raises(grids.GridVersionConflict) as caught:
        grids.load_grid(write(tmp_path, data))
    message = str(caught.value)
    assert "La version 1 de la trame est déjà publiée avec un autre contenu" in message
    assert "élément 2.3" in message and "nouvelle version (par exemple 2)" in message
    assert GridItem.objects.get(section__grid__version=1, code="2.3").label.startswith(
        "Il a intégré l'importance"
    )
    with pytest.raises(CommandError, match="déjà publiée avec un autre contenu"):
        call_command("load_grid", "--file", str(write(tmp_path, data)), stdout=StringIO())
    assert counts() == (1, 5, 20)


def test_a_version_2_loads_from_a_file_and_leaves_version_1_intact(tmp_path, client):
    v1 = grids.grid_content(AssessmentGrid.objects.get(version=1))
    data = affil_data()
    data["version"] = 2
    data["sections"][2]["items"].append({"code": "3.4", "label": "Il sait relever ses compteurs."})
    out = StringIO()
    call_command("load_grid", "--file", str(write(tmp_path, data)), stdout=out)
    assert "version 2 publiée : 5 sections, 21 éléments" in out.getvalue()
    assert grids.grid_content(AssessmentGrid.objects.get(version=1)) == v1
    current = AssessmentGrid.objects.current()
    assert current.version == 2
    assert GridItem.objects.get(section__grid=current, code="3.4").kind == "rated"
    body = get_current(client).json()
    assert body["version"] == 2
    assert [i["code"] for i in body["sections"][2]["items"]] == ["3.1", "3.2", "3.3", "3.4"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["sections"][0]["items"][1].update(code="1.1"),
            "Section 1, élément n° 2 : le code « 1.1 » est déjà utilisé.",
        ),
        (lambda d: d["sections"][1].update(code="1"), "le code « 1 » est déjà utilisé."),
        (
            lambda d: d["sections"][3].update(items=[]),
            "Section 4 : la section n'a aucun élément (« items »).",
        ),
        (
            lambda d: d["sections"][0]["items"][0].update(kind="scored"),
            "Élément 1.1 : nature « scored » inconnue (natures possibles : rated, structured).",
        ),
        (
            lambda d: d["sections"][4]["items"][0]["fields"][0].update(type="euros"),
            "Élément 5.1, champ « max_rent » : type « euros » inconnu",
        ),
        (
            lambda d: d["sections"][4]["items"][0]["fields"][1].pop("choices"),
            "un champ « choice » doit lister ses choix (« choices »).",
        ),
        (
            lambda d: d["sections"][4]["items"][1].update(fields=[]),
            "Élément 5.2 : un élément « structured » doit décrire ses champs (« fields »).",
        ),
        (
            lambda d: d["sections"][4]["items"][3]["fields"][0].update(code="dalo_since"),
            "le code de champ « dalo_since » est déjà utilisé dans la trame.",
        ),
        (lambda d: d.update(version="1"), "« version » doit être un nombre entier"),
        (lambda d: d.update(sections=[]), "« sections » doit être une liste d'au moins une section."),
        (lambda d: d["sections"][0].update(titre="x"), "Section 1 : clé(s) inconnue(s) titre"),
        (lambda d: d["sections"][2]["items"][0].update(label="  "), "Élément 3.1 : « label » doit être"),
    ],
)
def test_invalid_files_are_refused_in_french(tmp_path, change, expected):
    data = affil_data()
    data["version"] = 3
    change(data)
    with pytest.raises(grids.GridFileError) as caught:
        grids.load_grid(write(tmp_path, data))
    assert expected in str(caught.value)
    assert counts() == (1, 5, 20)


def test_unreadable_files_are_refused_in_french(tmp_path):
    with pytest.raises(grids.GridFileError, match="Fichier de trame introuvable"):
        grids.load_grid(tmp_path / "absent.json")
    broken = tmp_path / "broken.json"
    broken.write_text('{"version": 2,', encoding="utf-8")
    with pytest.raises(CommandError, match="Fichier de trame illisible : JSON invalide ligne 1"):
        call_command("load_grid", "--file", str(broken), stdout=StringIO())
    assert counts() == (1, 5, 20)


def test_every_error_of_a_file_is_reported_at_once(tmp_path):
    data = affil_data()
    data["version"] = 0
    data["sections"][0]["items"][0]["kind"] = "scored"
    data["sections"][1]["items"] = []
    with pytest.raises(grids.GridFileError) as caught:
        grids.load_grid(write(tmp_path, data))
    assert len(caught.value.errors) == 3


def test_the_api_needs_a_token(client):
    response = client.get("/api/v1/assessment-grids/current")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_no_published_grid_answers_404(client):
    GridItem.objects.all().delete()
    GridSection.objects.all().delete()
    AssessmentGrid.objects.all().delete()
    response = get_current(client)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_levels_are_the_design_codes():
    assert Level.values == LEVELS
