"""« Votre avis » and Mon espace in the observatory, so that the plan's monitoring can follow them
(a plan indicator names `portal.feedback` or `portal.people_signed_in`)."""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from parcours.core.models import AuditEvent
from parcours.observatory.catalogue import Period, Result, Row, register

from .audit_actions import PortalAction
from .models import Feedback, FeedbackKind, PortalAccess


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


@register(
    code="portal.people_signed_in",
    domain="support",
    label=_("Personnes qui se sont connectées à Mon espace"),
    definition=_(
        "Personnes accompagnées qui se sont connectées au moins une fois à Mon espace pendant la "
        "période (par code SMS ou code imprimé) ; ménages du département."
    ),
    unit=_("personnes"),
)
def people_signed_in(period: Period, territory: str | None) -> Result:
    start, end = period.bounds()
    ids = set(
        AuditEvent.objects.filter(
            action=PortalAction.SIGN_IN.value,
            object_type="portal.portalaccess",
            occurred_at__gte=start,
            occurred_at__lt=end,
        ).values_list("object_id", flat=True)
    )
    accesses = PortalAccess.objects.filter(pk__in=[int(i) for i in ids if i.isdigit()])
    if territory:
        accesses = accesses.filter(household__territory__code=territory)
    n = accesses.values("person").distinct().count()
    return Result(rows=[Row("signed_in", str(_("Personnes connectées")), n)], total=None)
