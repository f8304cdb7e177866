"""The matching facts of the person's insertion requests (registry: parcours.households.export).
The engine's ranking and scores are never exported; the facts a worker recorded about the household
(needs, vulnerability, a manual priority and its reason) are."""

from parcours.households.export import register, rows

from .models import RequestFacts

FIELDS = (
    "request_id",
    "vulnerability",
    "needs_accessible",
    "has_pets",
    "manual_priority",
    "manual_priority_reason",
    "updated_by",
    "updated_at",
)


@register("matching_facts", covers=(RequestFacts,))
def matching_facts(household, ctx):
    return rows(
        RequestFacts.objects.filter(request__household=household).select_related("updated_by").order_by("pk"),
        FIELDS,
    )
