"""The 115's part of the right-of-access export: calls, night requests, nights and places, unmet
demand (registry: parcours.households.export). The places where the household slept are whereabouts:
withheld on a protected household from a user not named on it (rule 6)."""

from parcours.households.export import register, rows

from .models import EmergencyCall, EmergencyRequest, NightAllocation, UnmetDemand


@register("emergency", covers=(EmergencyCall, EmergencyRequest, NightAllocation, UnmetDemand))
def emergency(household, ctx):
    calls = EmergencyCall.objects.filter(household=household).select_related("territory", "handler")
    requests = (
        EmergencyRequest.objects.filter(household=household)
        .select_related("territory", "created_by")
        .order_by("night", "pk")
    )
    return {
        "calls": [
            {
                **row,
                "caller_phone": ctx.place(row["caller_phone"]),
                # Free text that may say where the person waits: whereabouts (rule 6).
                "note": ctx.place(row["note"]),
            }
            for row in rows(
                calls.order_by("received_at", "pk"),
                ("received_at", "territory", "handler", "outcome", "caller_phone", "note"),
            )
        ],
        "requests": [
            {
                **rows(
                    [r],
                    (
                        "night",
                        "territory",
                        "persons",
                        "children",
                        "women_only",
                        "facts",
                        "priority",
                        "priority_reason",
                        "status",
                        "created_by",
                    ),
                )[0],
                "caller_phone": ctx.place(r.caller_phone),
                "nights": [
                    {
                        "night": a.night,
                        "status": a.get_status_display(),
                        "extension": a.extension,
                        "place": ctx.place(str(a.unit)),
                        "allocated_by": a.allocated_by.get_full_name() if a.allocated_by else None,
                        "ended_at": a.ended_at,
                        "sms_sent_at": a.sms_sent_at,
                    }
                    for a in NightAllocation.objects.filter(request=r)
                    .select_related("unit__facility", "allocated_by")
                    .order_by("night", "pk")
                ],
                "unmet": rows(
                    UnmetDemand.objects.filter(request=r).select_related("recorded_by").order_by("pk"),
                    ("reason", "recorded_by", "recorded_at"),
                ),
            }
            for r in requests
        ],
    }
