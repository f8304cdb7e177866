# ruff: noqa: F811  (`world` is the fixture of test_assessments, imported)
"""The grid's rows drawn with what every cell shares found once per drawing (« Aucune version », the
level badges) and each item's heading once per process (issue 18): the same HTML, byte for byte, as the
drawing before it (kept below as it was), in French and in English, for a household with versions in
several viewpoints and for one without, on the co-evaluation page and on a version's page."""

import pytest
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.text import normalize_newlines
from django.utils.translation import gettext as _

from parcours.assessments import views
from parcours.assessments.models import Assessment, AssessmentGrid, Perspective, answers_prefetch
from parcours.assessments.templatetags import assessment_tags
from tests.assessments.test_assessments import W, save, world  # noqa: F401  (the `world` fixture)

pytestmark = pytest.mark.django_db


# The drawing before issue 18's change, as it was (assessment_tags at 943f58f) --------------------------


def old_cell(cell, item):
    esc = conditional_escape
    if cell is None:
        html = f'<span class="text-secondary">{esc(_("Aucune version"))}</span>\n'
    else:
        html = ""
        if item.kind == "rated":
            html += (
                f'<span class="prc-level prc-level-{esc(cell["level"])}">{esc(cell["level_label"])}</span>'
            )
        html += "\n"
        if cell["values"]:
            items = "".join(
                f'<li><span class="fw-semibold">{esc(label)} :</span> {esc(text)}</li>'
                for label, text in cell["values"]
            )
            html += f'<ul class="list-unstyled mb-1">{items}</ul>'
        elif item.kind == "structured" and not cell["comment"]:
            html += f'<span class="text-secondary">{esc(_("Non renseigné"))}</span>'
        html += "\n"
        if cell["comment"]:
            comment = esc(normalize_newlines(cell["comment"])).replace("\n", "<br>")
            html += f'<div class="prc-comment">{comment}</div>'
        html += "\n"
    return mark_safe(html)  # noqa: S308  # nosec B308 B703


def old_rows(rows, colspan=2, anchors=False):
    esc = conditional_escape
    parts = []
    for row in rows:
        section = row["section"]
        anchor = f' id="section-{esc(section.code)}"' if anchors else ""
        parts.append(
            f'<tbody>\n<tr class="table-light"><th scope="colgroup" colspan="{int(colspan)}"{anchor}>'
            f"{esc(section.code)}. « {esc(section.title)} »</th></tr>\n"
        )
        for line in row["items"]:
            item = line["item"]
            cells = "".join(f"<td>{old_cell(cell, item)}</td>" for cell in line["cells"])
            parts.append(
                f'<tr>\n<th scope="row" class="fw-normal"><span class="prc-item-code">{esc(item.code)}</span>'
                f" {linebreaksbr(item.label, autoescape=True)}</th>\n{cells}\n</tr>\n"
            )
        parts.append("</tbody>\n")
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703


# Data -----------------------------------------------------------------------------------------------

ANSWERS = [
    {"item": "1.1", "level": "acquired", "comment": "Première ligne\r\nseconde <b>ligne</b> & « fin »"},
    {"item": "2.1", "level": "in_progress", "comment": ""},
    {"item": "2.2", "level": "needs_support", "comment": "Court."},
    {
        "item": "5.1",
        "values": {"max_rent": "650.50", "typology": "T2", "location": "Lyon <3>"},
        "comment": "Loyer\nà revoir",
    },
    {"item": "5.3", "values": {"support_needed": True}, "comment": ""},
    {"item": "5.4", "values": {"dalo_priority": False, "dalo_since": "2024-03-01"}},
]


@pytest.fixture
def households(world):
    worker, own = world.users[W], world.households["own"]
    save(worker, own, "worker", answers=[{"item": "1.1", "level": "acquired"}])
    save(worker, own, "worker", answers=ANSWERS)
    save(worker, own, "person", answers=ANSWERS[2:5])
    return world, own, world.households["consented"]


def latest_rows(household):
    """The rows as the co-evaluation page builds them, read with the ORM."""
    grid = AssessmentGrid.objects.with_content().order_by("-version").first()
    latest = {}
    for assessment in (
        Assessment.objects.filter(household=household)
        .prefetch_related(answers_prefetch())
        .order_by("-number", "-pk")
    ):
        latest.setdefault(assessment.perspective, assessment)
    return grid, views._rows(grid, [latest.get(code) for code in Perspective.values])


def tbodies(html: str) -> str:
    return html[html.index("<tbody>") : html.rindex("</tbody>\n") + len("</tbody>\n")]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_rows_are_the_old_drawing_byte_for_byte(households, language):
    _world, with_versions, without = households
    assessment_tags._HEADS.clear()
    with translation.override(language):
        for household in (with_versions, without, with_versions):  # the headings drawn, then reused
            _grid, rows = latest_rows(household)
            for kwargs in ({}, {"colspan": 4, "anchors": True}):
                new = assessment_tags.assessment_rows(rows, **kwargs)
                assert new == old_rows(rows, **kwargs)
                assert str(new) == str(old_rows(rows, **kwargs))
            for row in rows:
                for line in row["items"]:
                    for cell in line["cells"]:
                        assert assessment_tags.assessment_cell(cell, line["item"]) == old_cell(
                            cell, line["item"]
                        )
    # The heading is the item's words, whatever the grid version: other words, another heading.
    _grid, rows = latest_rows(with_versions)
    item = rows[0]["items"][0]["item"]
    item.label = "Autre <libellé>\nsur deux lignes"
    assert assessment_tags.assessment_rows(rows) == old_rows(rows)


def test_a_household_without_versions_shows_aucune_version_in_every_cell(households):
    _world, _with_versions, without = households
    with translation.override("en"):
        _grid, rows = latest_rows(without)
        html = assessment_tags.assessment_rows(rows)
    cells = sum(len(line["cells"]) for row in rows for line in row["items"])
    assert cells and html.count("<td>") == cells
    assert html.count('<td><span class="text-secondary">No version</span>\n</td>') == cells


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_pages_draw_the_old_rows(households, client, login, language):
    world, with_versions, without = households
    login(world.users[W])
    if language != "fr":
        client.post(reverse("set_language"), {"language": language, "next": "/"})
    for household in (with_versions, without):
        response = client.get(reverse("assessments:index", args=[household.pk]))
        assert response.status_code == 200
        with translation.override(language):
            _grid, rows = latest_rows(household)
            assert tbodies(response.content.decode()) == old_rows(rows, colspan=4, anchors=True)
    # The page was drawn in the language asked for.
    assert ("No version" in response.content.decode()) == (language == "en")
    version = Assessment.objects.filter(household=with_versions, perspective="worker").latest("number")
    response = client.get(reverse("assessments:detail", args=[with_versions.pk, version.pk]))
    assert response.status_code == 200
    with translation.override(language):
        version = Assessment.objects.prefetch_related(answers_prefetch()).get(pk=version.pk)
        grid = AssessmentGrid.objects.with_content().get(pk=version.grid_id)
        assert tbodies(response.content.decode()) == old_rows(views._rows(grid, [version]))
