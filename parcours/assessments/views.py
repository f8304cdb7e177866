"""Assessment pages: the co-evaluation, a new version, one version, a comparison, the fiche de liaison."""

import functools
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError
from django.db.models import Prefetch
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcours.core import compiled
from parcours.core.errors import DomainError
from parcours.core.lookup import get_visible_or_404
from parcours.core.versioning import StaleVersionError
from parcours.households.display import household_label
from parcours.households.models import Household, Person
from parcours.households.services import record_read
from parcours.territories.models import Territory

from . import perms, services
from .forms import AssessmentForm
from .models import (
    Assessment,
    AssessmentAnswer,
    AssessmentDraft,
    AssessmentGrid,
    FieldType,
    Level,
    Perspective,
    answers_prefetch,
)
from .next_steps import next_steps, with_step_values

READ_SECTIONS = ["assessment"]
# The fiche de liaison is the shared sheet (design §5): identity, composition, resources summary,
# assessment and recommendations; never identifiers, whereabouts or consent details.
LIAISON_SECTIONS = ["identity", "composition", "resources_summary", "assessment"]
# How often the form saves its draft while something changed (and whenever the tab is hidden).
AUTOSAVE_SECONDS = 15


@functools.cache
def _households(steps: bool):
    """The households as the assessment pages load them, built once: their lookup's SQL is compiled
    once per process and visibility rule (core.lookup's `compiled_as`, issue 18)."""
    households = Household.objects.select_related("territory").prefetch_related(
        Prefetch("people", queryset=Person.objects.order_by("pk")), "consents"
    )
    return with_step_values(households) if steps else households


def _household(request, household_id: int, *, steps: bool = False) -> Household:
    """The household, if the user may read its assessments (the sheet opened to them holds them);
    with what the next steps need (`steps`: the page shows them)."""
    household = get_visible_or_404(
        _households(steps),
        household_id,
        request.user,
        compiled_as=f"assessments.households.{steps}",
    )
    if not perms.can_view_assessments(request.user, household):
        raise Http404
    return household


def _name(household: Household) -> str:
    head = household.head
    return f"{head.first_name} {head.last_name}" if head else str(household)


def _label(request, household: Household) -> str:
    """The household as this user may read it (households.display): « Awa D. · F + 2 enfants »."""
    return household_label(request.user, household).text


def _crumbs(request, household: Household, *more, label: str | None = None):
    """`label`: the household's label when the page has it already (`_label`), not made again."""
    return [
        (_("Ménages"), reverse("households:list")),
        (
            _label(request, household) if label is None else label,
            reverse("households:detail", kwargs={"pk": household.pk}),
        ),
        *more,
    ]


def _index_crumb(household: Household):
    return (_("Évaluation partagée"), reverse("assessments:index", kwargs={"household_id": household.pk}))


def _grid(grid_id=None) -> AssessmentGrid:
    """A published grid with its sections and items, from the cache (core.cache): a grid is never
    edited (a change is a new version). The current version's id comes from the cache too, in the same
    namespace: a grid published (saved, or installed by grids.install_grid) starts a new generation."""
    from parcours.core.cache import cached, kept

    if not grid_id:
        # 0 when no grid is published (None is what the cache answers for a missing key).
        grid_id = cached(
            "assessment_grids",
            "current",
            lambda: AssessmentGrid.objects.order_by("-version").values_list("pk", flat=True).first() or 0,
        )
    if not grid_id or not str(grid_id).isdigit():
        raise Http404
    # The same grid object for every request of the process (core.cache.kept): a published grid is
    # never edited, and the pages only read it.
    grid = kept(
        "assessment_grids",
        f"grid:{grid_id}",
        lambda: AssessmentGrid.objects.with_content().filter(pk=grid_id).first(),
    )
    if grid is None:
        raise Http404
    return grid


def values_display(fields: list[dict], values: dict) -> list[tuple[str, str]]:
    """Structured values as (label, text) in the field order of the grid, for reading and printing."""
    shown = []
    for field in fields:
        value = values.get(field["code"])
        if value is None or value == "":
            continue
        kind = field["type"]
        if kind == FieldType.MONEY:
            text = f"{formats.number_format(Decimal(value), 2, use_l10n=True, force_grouping=True)} €"
        elif kind == FieldType.DATE:
            text = formats.date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")
        elif kind == FieldType.BOOLEAN:
            text = _("Oui") if value else _("Non")
        elif kind == FieldType.CHOICE:
            text = next((c["label"] for c in field.get("choices", []) if c["code"] == value), value)
        else:
            text = str(value)
        shown.append((field["label"], text))
    return shown


# Each level's label by its value, per language: translated once per process and language.
_LEVEL_LABELS: dict[str, dict[str, str]] = {}


def level_labels() -> dict[str, str]:
    """Each level's label in the active language (issue 18: `get_level_display()` translated its
    label again for every answer of a page, through the translation machinery: a twentieth of a
    version page's Python calls). The catalogs do not change while the process runs."""
    language = get_language()
    labels = _LEVEL_LABELS.get(language)
    if labels is None:
        labels = _LEVEL_LABELS[language] = {level.value: str(level.label) for level in Level}
    return labels


def _cell(item, answer, labels: dict[str, str] | None = None) -> dict:
    """One item as one perspective answered it; a missing answer reads as not assessed. `labels`:
    level_labels() when the caller draws many cells (found once for them all)."""
    if labels is None:
        labels = level_labels()
    if answer is None:
        return {
            "level": Level.NOT_ASSESSED,
            "level_label": labels[Level.NOT_ASSESSED],
            "comment": "",
            "values": [],
        }
    return {
        "level": answer.level,
        "level_label": labels.get(answer.level, answer.level),
        "comment": answer.comment,
        "values": values_display(item.fields, answer.values) if answer.values else [],
    }


def _attach_items(assessments, grid: AssessmentGrid | None = None) -> None:
    """Each answer read with `answers_prefetch(items=False)` gets its item from its version's grid as
    the cache holds it (_grid): no item nor section read and built per answer. An item its grid does
    not hold (none should) is left to be read when asked for. `grid`: a grid the page has read from
    the cache already, used for the versions of that grid instead of unpickling it again."""
    for assessment in assessments:
        if grid is None or assessment.grid_id != grid.pk:
            grid = _grid(assessment.grid_id)
        items = grid.items_by_pk
        for answer in assessment.answers.all():
            item = items.get(answer.item_id)
            if item is not None:
                answer.item = item


def _rows(grid: AssessmentGrid, assessments: list) -> list[dict]:
    """Sections and items of the grid, each item with one cell per assessment given (None: no version)."""
    return _grid_rows(grid, [a.answers_by_item() if a is not None else None for a in assessments])


def _grid_rows(grid: AssessmentGrid, by_item: list) -> list[dict]:
    """_rows, from each assessment's answers by item code (None: no version)."""
    labels = level_labels()
    return [
        {
            "section": section,
            "items": [
                {
                    "item": item,
                    "cells": [
                        _cell(item, answers.get(item.code), labels) if answers is not None else None
                        for answers in by_item
                    ],
                }
                for item in items
            ],
        }
        for section, items in grid.layout
    ]


def _section_values(grid: AssessmentGrid, assessment) -> list[tuple[str, str]]:
    if assessment is None:
        return []
    shown = []
    for section, _items in grid.layout:
        shown += values_display(section.fields, assessment.section_answers.get(section.code, {}))
    return shown


def _version_label(assessment: Assessment) -> str:
    return _("%(perspective)s — version %(number)s du %(date)s") % {
        "perspective": assessment.get_perspective_display(),
        "number": assessment.number,
        "date": formats.date_format(assessment.created_at, "SHORT_DATE_FORMAT"),
    }


def _versions(household_id: int) -> list[Assessment]:
    """Every version of the household's assessments, newest first, with author and organization: the
    SQL compiled once per process, the household's id put in at each call (issue 18)."""
    return compiled.instances_of(
        ("assessments.index.versions",),
        lambda household: (
            Assessment.objects.select_related("author", "author_organization")
            .filter(household=household)
            .order_by("-number", "-pk")
        ),
        household=household_id,
    )


def _drafts(household_id: int, author_id: int, writable: list[str]) -> list[AssessmentDraft]:
    """The author's own drafts of the perspectives they may write for the household: the SQL compiled
    once per process and set of writable perspectives (they are in the SQL), household and author put
    in at each call. No query when they may write none (the ORM's empty `IN` matches nothing)."""
    if not writable:
        return []
    return compiled.instances_of(
        ("assessments.index.drafts", tuple(writable)),
        lambda household, author: AssessmentDraft.objects.filter(
            household=household, author=author, perspective__in=writable
        ),
        household=household_id,
        author=author_id,
    )


def index(request, household_id):
    household = _household(request, household_id)
    grid = _grid()
    # Every version is listed, only the latest of each perspective is drawn: its answers alone are read
    # (one query, as before for all of them), with the items of the cached grid (_attach_items).
    versions = _versions(household.pk)
    record_read(actor=request.user, household=household, sections=READ_SECTIONS, purpose="assessment")
    latest = {}
    for assessment in versions:
        latest.setdefault(assessment.perspective, assessment)
    # The answers' queryset is a constant (answers_prefetch): compiled once per process (issue 18).
    compiled.prefetch(list(latest.values()), answers_prefetch(items=False), key=("assessments.latest",))
    _attach_items(latest.values(), grid)
    perspectives = [
        {
            "code": code,
            "label": str(label),  # translated once, not at each of the three loops that show it
            "latest": latest.get(code),
            "versions": [a for a in versions if a.perspective == code],
            "sections": _section_values(grid, latest.get(code)),
        }
        for code, label in Perspective.choices
    ]
    writable = perms.writable_perspectives(request.user, household)
    drafts = {d.perspective: d for d in _drafts(household.pk, request.user.pk, writable)}
    for perspective in perspectives:
        perspective["draft"] = drafts.get(perspective["code"])
    name = _label(request, household)
    return render(
        request,
        "assessments/index.html",
        {
            "household": household,
            "name": name,
            "grid": grid,
            "perspectives": perspectives,
            "rows": _rows(grid, [p["latest"] for p in perspectives]),
            "writable": [p for p in perspectives if p["code"] in writable],
            "comparable": [
                (a.pk, _version_label(a))
                for a in sorted(versions, key=lambda a: (Perspective.values.index(a.perspective), -a.number))
            ],
            "crumbs": _crumbs(request, household, (_("Évaluation partagée"), None), label=name),
        },
    )


def _writable(request, household_id, perspective) -> Household:
    household = _household(request, household_id)
    if perspective not in Perspective.values:
        raise Http404
    if not perms.can_write_assessment(request.user, household, perspective):
        raise PermissionDenied  # the form is not shown; the service refuses the write itself
    return household


def _open_sections(blocks) -> set[str]:
    """The sections shown open: those with an error, else the first not complete (a resumed draft
    opens where the worker stopped), else the first."""
    with_errors = {b["section"].code for b in blocks if b["has_errors"]}
    if with_errors:
        return with_errors
    incomplete = [b["section"].code for b in blocks if b["answered"] < b["total"]]
    return {incomplete[0]} if incomplete else {blocks[0]["section"].code} if blocks else set()


def create(request, household_id, perspective):
    household = _writable(request, household_id, perspective)
    grid = _grid()
    latest = (
        Assessment.objects.with_answers()
        .filter(household=household, perspective=perspective)
        .order_by("-number")
        .first()
    )
    draft = AssessmentDraft.objects.of(request.user, household, perspective).first()
    territories = Territory.objects.order_by("code")
    form_kwargs = {"grid": grid, "territories": territories, "latest": latest}
    if request.method == "POST":
        form = AssessmentForm(request.POST, **form_kwargs)
    elif draft is not None:
        # Resume the draft: what was typed, based on the version read when it was started.
        form = AssessmentForm(initial={**draft.data, "based_on": draft.based_on}, **form_kwargs)
    else:
        form = AssessmentForm(**form_kwargs)
    conflict = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                assessment = services.assessment_save(
                    actor=request.user,
                    household=household,
                    perspective=perspective,
                    close_draft=True,
                    **form.service_arguments(),
                )
            except StaleVersionError as exc:
                # Someone saved a version meanwhile: keep what was typed, now based on that version,
                # and say which one to read before saving again.
                data = request.POST.copy()
                data["based_on"] = str(exc.current_version)
                form = AssessmentForm(data, **form_kwargs)
                conflict = Assessment.objects.filter(
                    household=household, perspective=perspective, number=exc.current_version
                ).first()
                status = 409
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(
                    request,
                    _("La version %(n)s de l'évaluation est enregistrée.") % {"n": assessment.number},
                )
                then = request.POST.get("then")
                for step in next_steps(request.user, household):
                    if then and step.then == then:
                        return redirect(step.url)
                return redirect("assessments:detail", household_id=household.pk, pk=assessment.pk)
        if form.errors:
            status = 400
    # The form names the household even when it holds no earlier version: always a read (rule 7).
    shown = READ_SECTIONS if latest is not None or conflict is not None else ["identity"]
    record_read(actor=request.user, household=household, sections=shown, purpose="assessment")
    label = Perspective(perspective).label
    blocks = form.layout()
    for block, following in zip(blocks, [*blocks[1:], None], strict=True):
        block["next"] = following["section"] if following else None
    answered, total = form.progress(blocks)
    if request.method == "POST":
        draft_version = request.POST.get("draft_version", "0")
        draft_version = draft_version if draft_version.isdigit() else "0"
    else:
        draft_version = str(draft.version) if draft else "0"
    return render(
        request,
        "assessments/form.html",
        {
            "household": household,
            "name": _label(request, household),
            "form": form,
            "blocks": blocks,
            "answered": answered,
            "total": total,
            "open_sections": _open_sections(blocks),
            "then_steps": [step for step in next_steps(request.user, household) if step.then],
            "autosave_ms": getattr(settings, "PARCOURS_AUTOSAVE_SECONDS", AUTOSAVE_SECONDS) * 1000,
            "perspective": perspective,
            "perspective_label": label,
            "latest": latest,
            "conflict": conflict,
            "draft": draft,
            "draft_version": draft_version,
            # The draft was started on a version that is no longer the latest: say it before saving.
            "draft_outdated": draft is not None
            and draft.based_on != (latest.number if latest else 0)
            and request.method != "POST",
            "crumbs": _crumbs(request, household, _index_crumb(household), (_("Nouvelle évaluation"), None)),
        },
        status=status,
    )


def _json_error(exc: DomainError) -> JsonResponse:
    body = {"code": exc.code, "message": exc.message}
    if isinstance(exc, StaleVersionError):
        body["current_version"] = exc.current_version
    return JsonResponse(body, status=exc.http_status)


@require_POST
def autosave(request, household_id, perspective):
    """The form's automatic save (static/js/assessment.js): the fields as typed go to the author's
    draft; answers JSON, `version` being the draft's new version, or the refusal with its message."""
    household = _writable(request, household_id, perspective)
    grid = _grid()
    names = AssessmentForm(grid=grid).draft_field_names()
    try:
        expected = int(request.POST.get("draft_version", ""))
        based_on = int(request.POST.get("based_on", ""))
    except ValueError:
        return JsonResponse(
            {"code": "invalid", "message": _("Brouillon illisible : rechargez la page.")}, status=400
        )
    try:
        draft = services.draft_save(
            actor=request.user,
            household=household,
            perspective=perspective,
            grid=grid,
            based_on=based_on,
            data={name: request.POST[name] for name in names if name in request.POST},
            expected_version=expected,
        )
    except DomainError as exc:
        return _json_error(exc)
    except OperationalError:
        # The database is busy for a moment (SQLite's write lock, a PostgreSQL failover): the script
        # tries again at its next beat; nothing typed is lost, it is still in the form.
        return JsonResponse(
            {
                "code": "busy",
                "message": _(
                    "Brouillon non enregistré pour l'instant : nouvel essai dans quelques secondes."
                ),
            },
            status=503,
        )
    saved_at = formats.time_format(timezone.localtime(draft.updated_at), "H:i")
    return JsonResponse(
        {
            "version": draft.version,
            "saved_at": saved_at,
            "message": _("Brouillon enregistré à %(time)s.") % {"time": saved_at},
        }
    )


@require_POST
def draft_discard(request, household_id, perspective):
    household = _writable(request, household_id, perspective)
    if services.draft_discard(actor=request.user, household=household, perspective=perspective):
        messages.success(request, _("Le brouillon est abandonné : rien n'en reste."))
    return redirect("assessments:index", household_id=household.pk)


def _version(household_id: int, pk: int) -> Assessment | None:
    """The version `pk` of the household, with its author, organization and grid and its neighbours'
    ids: the SQL and its two neighbour subqueries compiled once per process, the ids put in at each
    call (core.compiled, issue 18: building and compiling them at each request was 40 % of the
    version page's Python calls). Its answers: _answers."""
    if not 0 < pk <= compiled.MAX_PK:  # no such key (nor a 500 from the driver)
        return None
    found = compiled.instances_of(
        ("assessments.detail.version",),
        lambda household, pk: (
            Assessment.objects.select_related("author", "author_organization", "grid")
            .with_neighbours()
            .filter(household=household, pk=pk)
            .order_by()[:1]
        ),
        household=household_id,
        pk=pk,
    )
    return found[0] if found else None


class _Answer(NamedTuple):
    """An answer as the version page shows it (_cell reads these three), without a model instance."""

    level: str
    comment: str
    values: dict


def _answers(assessment: Assessment, grid: AssessmentGrid) -> dict[str, _Answer]:
    """The version's answers by their item's code, as `answers_by_item()` gives them, read as rows
    (SQL compiled once per process, core.compiled) and keyed through the version's grid as the cache
    holds it (`items_by_pk`): building a model instance, its item and the prefetch's related
    querysets for each of some twenty answers was a tenth of the page's Python calls (issue 18). An
    answer's item is always one of its version's grid (services.assessment_save)."""
    items = grid.items_by_pk
    rows = compiled.rows_of(
        ("assessments.detail.answers",),
        lambda assessment: (
            AssessmentAnswer.objects.filter(assessment=assessment)
            .order_by()
            .values_list("item_id", "level", "comment", "values")
        ),
        assessment=assessment.pk,
    )
    return {
        items[item_id].code: _Answer(level, comment, values)
        for item_id, level, comment, values in rows
        if item_id in items
    }


def detail(request, household_id, pk):
    household = _household(request, household_id, steps=True)
    assessment = _version(household.pk, pk)
    if assessment is None:
        raise Http404
    grid = _grid(assessment.grid_id)
    answers = _answers(assessment, grid)
    record_read(actor=request.user, household=household, sections=READ_SECTIONS, purpose="assessment")
    name = _label(request, household)
    return render(
        request,
        "assessments/detail.html",
        {
            "household": household,
            "name": name,
            "assessment": assessment,
            "rows": _grid_rows(grid, [answers]),
            "section_values": _section_values(grid, assessment),
            "previous_pk": assessment.previous_pk,
            "next_steps": next_steps(request.user, household),
            "next_pk": assessment.next_pk,
            "crumbs": _crumbs(
                request, household, _index_crumb(household), (_version_label(assessment), None), label=name
            ),
        },
    )


def compare(request, household_id):
    household = _household(request, household_id)
    try:
        pks = [int(request.GET.get("avant", "")), int(request.GET.get("apres", ""))]
    except ValueError:
        raise Http404 from None
    found = {a.pk: a for a in Assessment.objects.with_answers().filter(household=household, pk__in=pks)}
    if len(found) != len(set(pks)):
        raise Http404
    older, newer = found[pks[0]], found[pks[1]]
    diff = services.assessment_diff(older, newer)
    record_read(actor=request.user, household=household, sections=READ_SECTIONS, purpose="assessment")
    rows = [
        {
            "change": change,
            "before": _cell(change.item, change.before),
            "after": _cell(change.item, change.after),
        }
        for change in diff.items
    ]
    return render(
        request,
        "assessments/compare.html",
        {
            "household": household,
            "name": _label(request, household),
            "diff": diff,
            "rows": rows,
            "older_label": _version_label(older),
            "newer_label": _version_label(newer),
            "crumbs": _crumbs(request, household, _index_crumb(household), (_("Comparaison"), None)),
        },
    )


def liaison_data(household: Household) -> dict:
    """What the fiche de liaison shows (the shared sheet): also the page a partner reaches through a
    signed link. The caller records the read."""
    assessment = (
        Assessment.objects.with_answers()
        .filter(household=household, perspective=Perspective.WORKER)
        .order_by("-number")
        .first()
    )
    grid = _grid(assessment.grid_id if assessment else None)
    return {
        "household": household,
        "name": _name(household),
        # Only the people in the household now: someone who left is none of the partner's business.
        "people": sorted(household.members, key=lambda p: p.pk),
        "monthly_resources": household.monthly_resources,
        "assessment": assessment,
        "rows": _rows(grid, [assessment]) if assessment else [],
        "section_values": _section_values(grid, assessment),
        "today": timezone.localdate(),
    }


def liaison(request, household_id):
    household = _household(request, household_id)
    data = liaison_data(household)
    record_read(actor=request.user, household=household, sections=LIAISON_SECTIONS, purpose="assessment")
    return render(
        request,
        "assessments/liaison.html",
        {
            **data,
            "crumbs": _crumbs(request, household, _index_crumb(household), (_("Fiche de liaison"), None)),
        },
    )
