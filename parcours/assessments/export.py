"""The assessments' part of the right-of-access export (registry: parcours.households.export): every
version of every perspective (the worker's, the person's, a partner's), with each item's level,
comment and values, the sections' answers and the recommendations; and the drafts being typed."""

from parcours.households.export import register, rows

from .models import Assessment, AssessmentAnswer, AssessmentDraft


@register("assessments", covers=(Assessment, AssessmentAnswer))
def assessments(household, ctx):
    return [
        {
            **rows(
                [a],
                (
                    "perspective",
                    "number",
                    "grid",
                    "author",
                    "by_person",
                    "author_organization",
                    "created_at",
                    "recommendations",
                    "section_answers",
                ),
            )[0],
            "answers": [
                {
                    "item": answer.item.code,
                    "label": answer.item.label,
                    **rows([answer], ("level", "comment", "values"))[0],
                }
                for answer in a.answers.select_related("item").order_by(
                    "item__section__position", "item__position"
                )
            ],
        }
        for a in Assessment.objects.filter(household=household)
        .select_related("grid", "author", "author_organization")
        .order_by("perspective", "number")
    ]


@register("assessment_drafts", covers=(AssessmentDraft,))
def assessment_drafts(household, ctx):
    """The versions being typed: what was typed so far counts as data held about the household too."""
    return [
        {
            **rows([draft], ("perspective", "author", "based_on", "created_at", "updated_at"))[0],
            "fields": dict(sorted(draft.data.items())),
        }
        for draft in AssessmentDraft.objects.filter(household=household)
        .select_related("author")
        .order_by("perspective", "created_at")
    ]
