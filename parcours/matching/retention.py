"""How the matching engine's records are anonymised by the retention run (parcours.core.retention)."""

from parcours.core.retention import Keep, Redact, register

from .models import RankingWeight, RequestFacts, RuleSetting

register(
    RuleSetting,
    not_personal={"réglage du moteur": ("rule", "kind", "facility", "enabled", "parameters", "updated_by")},
)
register(RankingWeight, not_personal={"réglage du moteur": ("term", "weight")})
register(
    RequestFacts,
    household="request__household",
    personal={
        # The database requires a reason with a manual priority.
        "manual_priority_reason": Redact(),
        "vulnerability": Keep("niveau codé"),
        "needs_accessible": Keep("besoin codé"),
        "has_pets": Keep("besoin codé"),
        "manual_priority": Keep("niveau codé"),
    },
    not_personal={"rattachements": ("request", "updated_by")},
)
