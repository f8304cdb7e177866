# ruff: noqa: F811  (`world` is the fixture of test_assessments, imported)
"""A version's page reads the version and its answers through SQL compiled once per process
(core.compiled), its answers as rows keyed through the cached grid's items, the levels' labels
translated once per language, the grid's sections and items once per grid object (issue 18): the same
as the ORM's reads, for every version, in French and in English, whichever language came first."""

import pytest
from django.utils import translation

from parcours.assessments import views
from parcours.assessments.models import Assessment, AssessmentGrid, Level
from parcours.core import compiled
from tests.assessments.test_assessment_rows_drawing import ANSWERS
from tests.assessments.test_assessments import W, save, world  # noqa: F401  (the `world` fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def versions(world):
    worker, own = world.users[W], world.households["own"]
    save(worker, own, "worker", answers=[{"item": "1.1", "level": "acquired", "comment": "Oui\r\nvraiment"}])
    save(worker, own, "worker", answers=ANSWERS, recommendations="ASLL.")
    save(worker, own, "person", answers=ANSWERS[2:5])
    save(world.other_worker, world.households["consented"], "worker", answers=ANSWERS[:2])
    return world


def _seen(assessment):
    return (
        assessment.pk,
        assessment.household_id,
        assessment.perspective,
        assessment.number,
        assessment.previous_pk,
        assessment.next_pk,
        assessment.author_label,
        assessment.author_organization.name,
        assessment.grid.version,
        assessment.created_at,
        assessment.recommendations,
        assessment.section_answers,
    )


def test_the_version_and_its_answers_are_the_orms(versions, django_assert_num_queries):
    compiled._COMPILED.clear()
    orm = Assessment.objects.with_answers().with_neighbours()
    for _round in range(2):  # compiled, then reused
        for expected in orm.order_by("pk"):
            found = views._version(expected.household_id, expected.pk)
            assert _seen(found) == _seen(expected)
            answers = views._answers(found, views._grid(found.grid_id))
            assert {code: tuple(answer) for code, answer in answers.items()} == {
                code: (answer.level, answer.comment, answer.values)
                for code, answer in expected.answers_by_item().items()
            }
            # Another household's version: none.
            for other in versions.households.values():
                if other.pk != expected.household_id:
                    assert views._version(other.pk, expected.pk) is None
    # No such key: none, without a query (nor the driver's error).
    with django_assert_num_queries(0):
        assert views._version(versions.households["own"].pk, compiled.MAX_PK + 1) is None
        assert views._version(versions.households["own"].pk, 0) is None


@pytest.mark.parametrize("first", ["fr", "en"])
def test_the_level_labels_are_each_languages(first, monkeypatch):
    monkeypatch.setattr(views, "_LEVEL_LABELS", {})
    for language in (first, "en" if first == "fr" else "fr", first):
        with translation.override(language):
            assert views.level_labels() == {level.value: str(level.label) for level in Level}
    with translation.override("en"):
        assert views.level_labels()[Level.NOT_ASSESSED] == "Not assessed"
    with translation.override("fr"):
        assert views.level_labels()[Level.NOT_ASSESSED] == "Non évalué"


def test_the_grid_layout_is_its_sections_and_items_in_order(versions):
    grid = AssessmentGrid.objects.with_content().order_by("-version").first()
    expected = [(section, list(section.items.all())) for section in grid.sections.all()]
    assert [(section, list(items)) for section, items in grid.layout] == expected
    assert grid.layout is grid.layout  # found once per grid object
    assert grid.items_by_pk == {item.pk: item for _section, items in expected for item in items}
    assert sum(len(items) for _section, items in grid.layout) > 10
