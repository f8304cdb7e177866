"""Reads of the engine's results that depend on who asks: the candidates of a vacancy and why a
household is not among them. Households the reader may not open are counted and ranked but not
named; every named household shown is a traced read (design §5.7)."""

from dataclasses import dataclass

from parcours.core import audit
from parcours.households.models import Household
from parcours.offers.models import Vacancy as VacancyRow
from parcours.orientation.proposals import ranking_snapshot

from . import cache, loaders, perms
from .engine import Candidate, Exclusion, Ranking

AUDIT_SECTIONS = ("orientation_ranking",)
AUDIT_PURPOSE = "orientation"
# A request that did not wish this kind of offer or this département is not a near miss: it is counted
# by rule but not listed among the excluded.
UNLISTED_RULES = ("kind", "territory")


def vacancy_for(user, vacancy_id: int) -> VacancyRow | None:
    """The vacancy if the user may see its candidates; None otherwise (the caller answers 404)."""
    vacancy = VacancyRow.objects.select_related("unit__facility__territory").filter(pk=vacancy_id).first()
    if vacancy is None or not perms.can_view_candidates(user, vacancy):
        return None
    return vacancy


@dataclass
class CandidateList:
    ranking: Ranking
    ranked: list[Candidate]
    excluded: list[Exclusion]
    visible: set[int]  # household ids the reader may open

    def household(self, household_id: int) -> int | None:
        return household_id if household_id in self.visible else None


def _visible_households(user, ids) -> set[int]:
    return set(Household.objects.visible_to(user).filter(pk__in=set(ids)).values_list("pk", flat=True))


def candidate_list(
    *,
    actor,
    vacancy: VacancyRow,
    limit: int = 50,
    offset: int = 0,
    excluded_limit: int = 50,
    excluded_offset: int = 0,
    settings: loaders.EngineSettings | None = None,
    audit_reads: bool = True,
) -> CandidateList:
    engine, facts = cache.engine_for_vacancy(vacancy, settings=settings)
    ranking = engine.rank(facts)
    ranked = ranking.ranked(limit, offset)
    excluded = ranking.excluded(excluded_limit, excluded_offset, skip=UNLISTED_RULES)
    visible = _visible_households(
        actor, [c.household_id for c in ranked] + [e.household_id for e in excluded]
    )
    if audit_reads:
        audit.record_reads(
            actor=actor,
            objs=[("households.household", hid) for hid in sorted(visible)],
            sections=AUDIT_SECTIONS,
            purpose=AUDIT_PURPOSE,
        )
    return CandidateList(ranking, ranked, excluded, visible)


def why_not(*, actor, vacancy: VacancyRow, insertion_request):
    """Why this household is (not) proposed for this vacancy; the caller has checked that the user may
    see both. A traced read of the household."""
    engine, facts = cache.engine_for_vacancy(vacancy)
    answer = engine.why_not(facts, insertion_request.pk)
    audit.record_read(
        actor=actor,
        obj=("households.household", insertion_request.household_id),
        sections=AUDIT_SECTIONS,
        purpose=AUDIT_PURPOSE,
    )
    return answer


def record_facts_read(*, actor, insertion_request) -> None:
    """A request's matching facts (needs, vulnerability, priority) are about a named household."""
    audit.record_read(
        actor=actor,
        obj=("households.household", insertion_request.household_id),
        sections=("orientation_facts",),
        purpose=AUDIT_PURPOSE,
    )


@ranking_snapshot
def decision_snapshot(*, vacancy: VacancyRow, request_id: int | None = None, limit: int = 200) -> dict:
    """The engine's input and output for this vacancy now, as JSON, to store with a proposal or a
    decision (orientation.DecisionSnapshot): the best `limit` ranked, as many near misses, the
    proposed request whatever its place, the rules, weights and engine version. Ids only."""
    engine, facts = cache.engine_for_vacancy(vacancy)
    return engine.rank(facts).snapshot(limit, skip=UNLISTED_RULES, request_id=request_id)
