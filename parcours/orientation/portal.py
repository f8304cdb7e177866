"""What the person sees of their requests and proposals in "Mon espace": the status and what happens
next, in words; a proposal's place, its address and the date to answer. Never the ranking, the
commission's notes, a transition's reason nor a facility's reasons for refusing."""

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcours.portal import sections
from parcours.portal.reads import day_words

from .choices import ProposalStatus, RequestStatus
from .models import InsertionRequest, Proposal


def next_step(request: InsertionRequest) -> str:
    S = RequestStatus
    d = {"d": day_words(request.validated_at or request.submitted_at or request.created_at)}
    return {
        S.DRAFT: _(
            "Votre demande est en préparation avec votre personne référente. Elle n'est pas encore envoyée."
        ),
        S.SUBMITTED: _(
            "Votre demande a été envoyée le %(d)s au SIAO, le service qui oriente vers un hébergement "
            "ou un logement. Il va l'étudier."
        )
        % {"d": day_words(request.submitted_at)},
        S.TO_COMPLETE: _(
            "Le SIAO, le service qui oriente vers un hébergement ou un logement, a besoin d'informations "
            "en plus. Votre personne référente va compléter la demande avec vous."
        ),
        S.VALIDATED: _(
            "Votre demande a été validée le %(d)s par le SIAO, le service qui oriente vers un hébergement "
            "ou un logement. Elle attend une place adaptée. Elle reste valable jusqu'au %(until)s."
        )
        % {**d, "until": day_words(request.valid_until)},
        S.PROPOSED: _("Une place vous est proposée. Regardez la partie « Mes propositions »."),
        S.ADMITTED: _("Vous êtes entré·e dans la place proposée. La demande est terminée."),
        S.CANCELLED: _("Cette demande est arrêtée."),
        S.EXPIRED: _("Cette demande n'est plus valable. Parlez-en à votre personne référente."),
    }.get(request.status, "")


def _requests(access, limit: int | None = 5):
    return list(InsertionRequest.objects.filter(household=access.household).order_by("-created_at")[:limit])


def requests_data(access, limit: int | None = 5) -> list[dict]:
    return [
        {
            "id": r.pk,
            "status": r.status,
            "status_label": r.get_status_display(),
            "next_step": next_step(r),
            "created_on": timezone.localtime(r.created_at).date(),
        }
        for r in _requests(access, limit)
    ]


def _answer_by(proposal) -> dt.date:
    return timezone.localtime(proposal.created_at).date() + dt.timedelta(
        days=settings.PARCOURS_PROPOSAL_REMINDER_DAYS
    )


PROPOSAL_WORDS = {
    ProposalStatus.PENDING: gettext_lazy(
        "La structure étudie cette proposition. Elle doit répondre avant le %(d)s."
    ),
    ProposalStatus.ACCEPTED: gettext_lazy(
        "La structure a dit oui. Votre personne référente prépare votre entrée avec vous."
    ),
    ProposalStatus.REFUSED: gettext_lazy("Cette proposition n'a pas abouti. Votre demande continue."),
    ProposalStatus.WITHDRAWN: gettext_lazy("Cette proposition a été retirée. Votre demande continue."),
    ProposalStatus.ADMITTED: gettext_lazy("Vous êtes entré·e dans cette place."),
    ProposalStatus.EXITED: gettext_lazy("Vous avez quitté cette place."),
}


def proposals_data(access, limit: int | None = 5) -> list[dict]:
    rows = (
        Proposal.objects.filter(request__household=access.household)
        .select_related("vacancy__unit__facility__commune")
        .order_by("-created_at")[:limit]
    )
    out = []
    for p in rows:
        facility = p.vacancy.unit.facility
        answer_by = _answer_by(p)
        out.append(
            {
                "id": p.pk,
                "status": p.status,
                "place": facility.name,
                "address": facility.full_address,
                "answer_by": answer_by if p.status == ProposalStatus.PENDING else None,
                "what": str(PROPOSAL_WORDS.get(p.status, "")) % {"d": day_words(answer_by)},
            }
        )
    return out


def _json(rows):
    return [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()} for row in rows]


@sections.register(
    key="requests",
    title=gettext_lazy("Ma demande de logement ou d'hébergement"),
    template="orientation/portal_requests.html",
    order=30,
    api=lambda access: _json(
        [{k: r[k] for k in ("id", "status", "next_step")} for r in requests_data(access)]
    ),
    export=lambda access: _json(requests_data(access, limit=None)),
)
def requests_section(access):
    return {"requests": requests_data(access)}


@sections.register(
    key="proposals",
    title=gettext_lazy("Mes propositions"),
    template="orientation/portal_proposals.html",
    order=40,
    api=lambda access: _json(proposals_data(access)),
    export=lambda access: _json(proposals_data(access, limit=None)),
)
def proposals_section(access):
    return {"proposals": proposals_data(access)}
