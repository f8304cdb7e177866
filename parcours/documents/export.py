"""The documents in the right-of-access export (registry: parcours.households.export).

The export is a page and a JSON file, not an archive: it lists every paper held (type, whose, dates,
format, size, who added it) but not the files' contents; the files themselves are downloaded from
the household's documents page (each download traced) or by the person from "Mon espace".
"""

from parcours.households.export import register, rows

from .models import Document


@register("documents", covers=(Document,))
def documents(household, ctx):
    papers = list(
        Document.objects.filter(household=household)
        .select_related("person", "uploaded_by")
        .order_by("created_at", "pk")
    )
    return [
        {**row, "uploaded_by_the_person": d.uploaded_by_person_id is not None}
        for d, row in zip(
            papers,
            rows(
                papers,
                (
                    "kind",
                    "label",
                    "person",
                    "expires_on",
                    "created_at",
                    "uploaded_by",
                    "content_type",
                    "size",
                    "deleted_at",
                ),
            ),
            strict=True,
        )
    ]
