"""The territorial plan holds no one's personal data (registry: parcours.core.retention)."""

from parcours.core.retention import register

from .models import Action, Axis, ManualValue, Objective, Plan, PlanIndicator

PLAN = "le plan territorial et ses indicateurs, sans ménage"

register(Plan, not_personal={PLAN: ("title", "starts_on", "ends_on", "mid_term_on", "adopted")})
register(Axis, not_personal={PLAN: ("plan", "number", "title", "summary")})
register(Objective, not_personal={PLAN: ("axis", "title", "position")})
register(
    Action,
    not_personal={
        PLAN: ("objective", "title", "owner", "owner_label", "starts_on", "due_on", "status", "note")
    },
)
register(PlanIndicator, not_personal={PLAN: ("objective", "label", "indicator_code", "target", "unit")})
register(
    ManualValue, not_personal={PLAN: ("indicator", "on", "value", "source", "recorded_by", "recorded_at")}
)
