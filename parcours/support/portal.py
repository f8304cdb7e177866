"""What the person sees of their support in "Mon espace": the goals of their personal project and
their steps, read only. Never the workers' notes, reviews or actions."""

from django.utils.translation import gettext_lazy as _

from parcours.portal import sections

from .choices import GoalStatus, MeasureStatus
from .models import ProjectGoal


def goals_data(access) -> list[dict]:
    goals = (
        ProjectGoal.objects.filter(measure__household=access.household)
        .exclude(measure__status=MeasureStatus.REFUSED)
        .exclude(status=GoalStatus.DROPPED)
        .prefetch_related("steps")
        .order_by("axis", "pk")
    )
    return [
        {
            "id": g.pk,
            "axis": g.get_axis_display(),
            "title": g.title,
            "status": g.get_status_display(),
            "reached": g.status == GoalStatus.REACHED,
            "steps": [
                {"label": s.label, "due_on": s.due_on, "done": s.done_on is not None} for s in g.steps.all()
            ],
        }
        for g in goals
    ]


@sections.register(key="goals", title=_("Mon projet"), template="support/portal_goals.html", order=50)
def goals_section(access):
    return {"goals": goals_data(access)}
