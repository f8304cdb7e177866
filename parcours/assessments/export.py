"""The assessments' part of the right-of-access export (registry: parcours.households.export): every
version of every perspective (the worker's, the person's, a partner's), with each item's level,
comment and values, the sections' answers and the recommendations."""

from parcours.households.export import register, rows

from .models import Assessment, AssessmentAnswer


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
