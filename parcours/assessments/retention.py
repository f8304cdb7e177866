"""How assessments are anonymised by the retention run (registry: parcours.core.retention)."""

from parcours.core.retention import Custom, Erase, Keep, contact_source, register

from .models import (
    Assessment,
    AssessmentAnswer,
    AssessmentDraft,
    AssessmentGrid,
    FieldType,
    GridItem,
    GridSection,
)

# Structured answers whose type can carry a name, an address or a date of the person's life.
WRITTEN = frozenset({FieldType.TEXT, FieldType.DATE})


def _written_codes(definitions) -> set[str]:
    return {d["code"] for d in definitions or () if d.get("type") in WRITTEN}


def _strip_section_answers(assessments, name):
    written = {
        (section.grid_id, section.code): _written_codes(section.fields)
        for section in GridSection.objects.all()
    }
    changed = []
    for assessment in assessments.only("pk", "grid_id", "section_answers"):
        answers = {
            code: {k: v for k, v in values.items() if k not in written.get((assessment.grid_id, code), set())}
            for code, values in (assessment.section_answers or {}).items()
        }
        if answers != assessment.section_answers:
            assessment.section_answers = answers
            changed.append(assessment)
    Assessment.objects.bulk_update(changed, ["section_answers"], batch_size=500)


def _strip_values(answers, name):
    written = {item.pk: _written_codes(item.fields) for item in GridItem.objects.exclude(fields=[])}
    changed = []
    for answer in answers.exclude(values={}).only("pk", "item_id", "values"):
        values = {k: v for k, v in answer.values.items() if k not in written.get(answer.item_id, set())}
        if values != answer.values:
            answer.values = values
            changed.append(answer)
    AssessmentAnswer.objects.bulk_update(changed, ["values"], batch_size=500)


STRUCTURED = "réponses codées (niveaux, choix, montants, départements) gardées ; textes et dates retirés"

register(AssessmentGrid, not_personal={"référentiel": ("title", "source", "published_at")})
register(
    GridSection,
    not_personal={"référentiel": ("grid", "code", "position", "title", "intro", "notes", "fields")},
)
register(GridItem, not_personal={"référentiel": ("section", "code", "position", "label", "kind", "fields")})
register(
    Assessment,
    household="household",
    personal={"recommendations": Erase(), "section_answers": Custom(_strip_section_answers, STRUCTURED)},
    not_personal={
        "rattachements et dates": (
            "household",
            "grid",
            "perspective",
            "number",
            "author",
            "by_person",
            "author_organization",
        )
    },
)
register(
    AssessmentAnswer,
    household="assessment__household",
    personal={
        "comment": Erase(),
        "values": Custom(_strip_values, STRUCTURED),
        "level": Keep("niveau codé"),
    },
    not_personal={"rattachements": ("assessment", "item")},
)


def _delete_drafts(drafts, name):
    drafts.delete()


# A draft of an anonymised household will never be finished: it goes, whole (what was typed is free
# text). A draft is no contact with the household: it does not keep the file alive.
register(
    AssessmentDraft,
    household="household",
    personal={"data": Custom(_delete_drafts, "brouillon supprimé")},
    not_personal={"rattachements": ("household", "perspective", "author", "grid", "based_on")},
)

# What counts as a contact with the household.
contact_source(Assessment, household="household", dates=("created_at",))
