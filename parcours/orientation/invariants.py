"""The invariants that tie an insertion request to its proposals, checked under the row lock by the
request's workflow (models.InsertionRequest.WORKFLOW, core.workflow.transition) on every move of a
request (whoever asks for it: a page, the API, a commission, the daily round):

- a request is "proposed" exactly while one of its proposals is open (pending or accepted), so a
  household holds at most one proposal in progress (one live request per household);
- a request is "admitted" only once one of its proposals is.

A proposed request therefore moves only with its proposal (answer, withdrawal, admission): validating
or cancelling it by hand would leave the proposal behind and let the household be proposed twice
(issue 13, finding 10). The database backs the first rule with proposal_one_open_per_request."""

from django.utils.translation import gettext as _

from parcours.core import errors

from .choices import OPEN_PROPOSAL_STATUSES, ProposalStatus, RequestStatus

S = RequestStatus


class TransitionConflict(errors.InvalidTransition):
    """The transition is impossible from the request's current status, or a live request exists."""


class CommissionConflict(errors.Conflict):
    """The commission is closed, or the line's state does not allow the change."""


def live_conflict_message() -> str:
    return _("Ce ménage a déjà une demande d'insertion en cours : complétez-la ou annulez-la d'abord.")


def proposal_conflict(insertion_request, current: str, target: str) -> str | None:
    """Why moving the request from `current` to `target` would break an invariant, or None."""
    from .models import Proposal

    proposals = Proposal.objects.filter(request_id=insertion_request.pk)
    if target == S.PROPOSED:
        if not proposals.filter(status__in=sorted(OPEN_PROPOSAL_STATUSES)).exists():
            return _("Une demande ne devient « proposée » que par une proposition sur une vacance.")
    elif target == S.ADMITTED:
        if not proposals.filter(status=ProposalStatus.ADMITTED).exists():
            return _("Une demande n'est « admise » qu'à l'entrée du ménage sur une proposition.")
    elif current == S.PROPOSED and proposals.filter(status__in=sorted(OPEN_PROPOSAL_STATUSES)).exists():
        return _(
            "Cette demande fait l'objet d'une proposition en cours : elle change d'état avec la réponse "
            "ou le retrait de cette proposition."
        )
    return None


def request_guard(insertion_request, current: str, target: str) -> str | None:
    """The request workflow's guard: the proposal invariants above, and one live request per household
    (a reactivated request becomes live again)."""
    from .models import InsertionRequest

    broken = proposal_conflict(insertion_request, current, target)
    if broken:
        return broken
    if (
        target == S.DRAFT
        and InsertionRequest.objects.live().filter(household_id=insertion_request.household_id).exists()
    ):
        return live_conflict_message()
    return None
