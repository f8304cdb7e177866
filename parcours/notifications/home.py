"""The referent's work list: an SMS the outbox could not deliver to a person they follow."""

from django.utils.translation import gettext as _

from parcours.accounts.roles import Role
from parcours.core import compiled
from parcours.core.home import MAX_ROWS, Panel, Row, day, register


@register(Role.SOCIAL_WORKER, order=12)
def failed_notifications(user, membership):
    from django.db.models import Count, Value
    from django.urls import reverse

    from parcours.households.display import short_name
    from parcours.households.querysets import label_prefetch

    from .querysets import failures_for, failures_key

    # Counted through SQL compiled once per process and key (core.compiled, issue 18): most workers
    # have no failed SMS, and building and compiling the count's joins and conditions at every home
    # page was a fifteenth of its Python calls. A constant grouped on is no GROUP BY: the one row of
    # `SELECT COUNT(id)`, as `count()` reads it.
    key = failures_key(user)
    if key is None:
        return None
    [(total,)] = compiled.rows_of(
        ("home.failed_notifications", *key),
        lambda: (
            failures_for(user)
            .order_by()
            .annotate(all=Value(1))
            .values("all")
            .annotate(n=Count("pk"))
            .values_list("n")
        ),
    )
    if not total:
        return None
    shown = (
        failures_for(user)
        .select_related("access__household", "access__person")
        .prefetch_related(*label_prefetch("access__household__"))
        .order_by("-failed_at", "-pk")[:MAX_ROWS]
    )
    url = reverse("notifications:failures")
    return Panel(
        _("SMS non remis"),
        _("Des messages n'ont pas pu être envoyés à des personnes que vous suivez."),
        rows=[
            Row(
                url=url,
                household=n.access.household,
                reason=_("SMS non remis à %(person)s le %(d)s : vérifiez son numéro")
                % {"person": short_name(n.access.person), "d": day(n.failed_at)},
                late=True,
            )
            for n in compiled.evaluated(shown)
        ],
        total=total,
        link_url=url,
        link_label=_("Tous les SMS non remis"),
    )
