"""The orientation's part of the right-of-access export (registry: parcours.households.export):
insertion requests with their steps and the commissions' decisions, proposals with their answers.

Left out on purpose: the matching engine's ranking (`Proposal.snapshot`, a commission line's place in
the list) and the facilities' and workers' free notes on a proposal's steps (`ProposalEvent.note`,
internal to the professionals). A proposed or occupied place is whereabouts (rule 6)."""

from parcours.households.export import register, rows

from .models import (
    CommissionLine,
    InsertionRequest,
    Parking,
    PartnerLink,
    Proposal,
    ProposalEvent,
    RequestTransition,
)


@register("insertion_requests", covers=(InsertionRequest, RequestTransition, CommissionLine))
def insertion_requests(household, ctx):
    result = []
    for request in (
        InsertionRequest.objects.filter(household=household).select_related("created_by").order_by("pk")
    ):
        item = {"id": request.pk}
        item.update(
            rows(
                [request],
                (
                    "status",
                    "seniority_date",
                    "submitted_at",
                    "validated_at",
                    "renewed_at",
                    "expiry_reminded_at",
                    "created_by",
                    "wished_kinds",
                    "wished_territories",
                    "max_rent",
                ),
            )[0]
        )
        item["steps"] = rows(
            RequestTransition.objects.filter(request=request).select_related("actor").order_by("at", "pk"),
            ("kind", "from_status", "to_status", "actor", "at", "reason"),
        )
        item["commission_decisions"] = [
            {
                **rows([line], ("commission", "kind", "decision", "decided_by", "decided_at", "reason"))[0],
                "vacancy": ctx.place(str(line.vacancy)) if line.vacancy_id else None,
            }
            for line in CommissionLine.objects.filter(request=request)
            .select_related("commission", "decided_by", "vacancy__unit__facility")
            .order_by("pk")
        ]
        result.append(item)
    return result


@register("proposals", covers=(Proposal, ProposalEvent, Parking, PartnerLink))
def proposals(household, ctx):
    result = []
    for proposal in (
        Proposal.objects.filter(request__household=household)
        .select_related("vacancy__unit__facility", "proposed_by", "refusal_reason")
        .order_by("pk")
    ):
        item = {
            "id": proposal.pk,
            "request_id": proposal.request_id,
            "place": ctx.place(str(proposal.vacancy)),
        }
        item.update(
            rows(
                [proposal],
                (
                    "status",
                    "proposed_by",
                    "answered_at",
                    "refusal_side",
                    "refusal_reason",
                    "admitted_on",
                    "exited_on",
                    "exit_destination",
                    "reminded_at",
                ),
            )[0]
        )
        item["answers"] = [
            {
                **rows([event], ("from_status", "to_status", "actor", "at"))[0],
                "through_partner_link": event.via_link_id is not None,
            }
            for event in ProposalEvent.objects.filter(proposal=proposal)
            .select_related("actor")
            .order_by("at", "pk")
        ]
        item["partner_links"] = rows(
            PartnerLink.objects.filter(proposal=proposal).select_related("created_by").order_by("pk"),
            ("recipient", "created_by", "created_at", "expires_at", "revoked_at", "last_used_at"),
        )
        result.append(item)
    parkings = Parking.objects.filter(household=household).select_related("facility").order_by("pk")
    return {
        "proposals": result,
        "not_proposed_again_until": [
            {"facility": str(p.facility), "until": p.until, "after_proposal": p.proposal_id} for p in parkings
        ],
    }
