"""« Votre avis » and Mon espace in the observatory, so that the plan's monitoring can follow them
(a plan indicator names `portal.feedback`)."""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from parcours.observatory.catalogue import Period, Result, Row, register

from .models import Feedback, FeedbackKind


@register(
    code="portal.feedback",
    domain="support",
    label=_("Avis des personnes accompagnées (Mon espace), par nature"),
    definition=_(
        "Idées et réclamations envoyées par les personnes depuis Mon espace pendant la période, "
        "anonymes comprises ; par le département du ménage quand l'avis n'est pas anonyme ou que le "
        "département est connu."
    ),
    unit=_("avis"),
    counts_people=False,
)
def feedback(period: Period, territory: str | None) -> Result:
    start, end = period.bounds()
    qs = Feedback.objects.filter(created_at__gte=start, created_at__lt=end)
    if territory:
        qs = qs.filter(territory__code=territory)
    counts = dict(qs.values_list("kind").annotate(n=Count("pk")))
    rows = [Row(kind.value, str(kind.label), counts.get(kind.value, 0)) for kind in FeedbackKind]
    return Result(rows=rows, total=sum(r.value for r in rows))
