"""Home page panels of support and prevention (registered in the core registry when the app is
ready), and the social worker's next steps on support measures."""

from django.utils.translation import gettext as _

from parcours.accounts.roles import Role
from parcours.core.compiled import instances_of
from parcours.core.home import MAX_ROWS, Panel, Row, day, pk_url, register
from parcours.households.home import Step, among, next_step


def _alerts(qs):
    # The households' people and consents, for naming them, are read once for the whole home page
    # (households.home.prefetch_labels).
    return qs.select_related("household")


@register(Role.LANDLORD, order=30)
def prevention_alerts(user, membership):
    from django.urls import reverse

    from parcours.households.querysets import mark_linked

    from .models import PreventionAlert

    alerts = PreventionAlert.objects.visible_to(user).exclude(status="closed")
    shown = list(_alerts(alerts).order_by("-created_at", "-pk")[:MAX_ROWS])
    total = len(shown) if len(shown) < MAX_ROWS else alerts.count()  # counted only when the panel is full
    mark_linked([a.household for a in shown], membership.organization_id)
    return Panel(
        _("Alertes de prévention"),
        _("Les alertes que vous avez levées (impayés, troubles de voisinage…) et leur suivi."),
        rows=[
            Row(
                url=reverse("support:alert", args=[a.pk]),
                household=a.household,
                reason=_("%(kind)s : %(status)s, levée le %(d)s")
                % {"kind": a.get_kind_display(), "status": a.get_status_display(), "d": day(a.created_at)},
            )
            for a in shown
        ],
        total=total,
        empty=_("Aucune alerte en cours. Un impayé ou un trouble qui menace un bail se signale ici."),
        link_url=reverse("support:alerts"),
        link_label=_("Toutes vos alertes"),
        action_url=reverse("support:alert_new"),
        action_label=_("Lever une alerte de prévention"),
    )


@register(Role.SOCIAL_WORKER, Role.SIAO_COORDINATOR, order=15)
def alerts_to_treat(user, membership):
    from django.db.models import F
    from django.urls import reverse
    from django.utils import timezone

    from .models import PreventionAlert

    today = timezone.localdate()
    # The rows' SQL compiled once per process and key (core.compiled, issue 18): the alerts' rule
    # depends on the membership's role, its organization and the organization's type (and the user).
    membership = getattr(user, "active_membership", None)
    organization = getattr(membership, "organization", None)
    key = (
        "home.alerts_to_treat",
        user.pk,
        getattr(membership, "role", None),
        getattr(organization, "pk", None),
        getattr(organization, "type", None),
    )
    shown = instances_of(
        key,
        lambda: _alerts(PreventionAlert.objects.visible_to(user).pending()).order_by(
            F("due_on").asc(nulls_last=True), "created_at", "pk"
        )[:MAX_ROWS],
    )
    # Counted only when the panel is full: below, the rows are all there is (one query instead of two).
    if len(shown) < MAX_ROWS:
        total = len(shown)
    else:
        total = PreventionAlert.objects.visible_to(user).pending().count()
    rows = []
    url = pk_url("support:alert")
    for a in shown:
        if a.due_on:
            late = a.due_on < today
            reason = (
                _("%(kind)s : à traiter depuis le %(d)s")
                if late
                else _("%(kind)s : à traiter avant le %(d)s")
            ) % {"kind": a.get_kind_display(), "d": day(a.due_on)}
        else:
            late = False
            reason = _("%(kind)s : levée le %(d)s, %(status)s") % {
                "kind": a.get_kind_display(),
                "d": day(a.created_at),
                "status": a.get_status_display(),
            }
        rows.append(Row(url=url(a.pk), household=a.household, reason=reason, late=late))
    return Panel(
        _("Alertes de prévention à traiter"),
        _("Les signaux des bailleurs sur les ménages de votre périmètre, à prendre en charge rapidement."),
        rows=rows,
        total=total,
        empty=_("Aucune alerte en attente : les signaux des bailleurs apparaîtront ici."),
        link_url=reverse("support:alerts") + "?status=pending",
        link_label=_("Toutes les alertes à traiter"),
    )


@next_step
def reviews_overdue(user, households, today):
    """Open measures whose review date has passed: on the user's households, and the measures the user
    is the referent of (among those their organization carries or co-works)."""
    from django.conf import settings
    from django.db.models import Q
    from django.utils import timezone

    from .models import SupportMeasure
    from .querysets import worked_on_condition

    # Those the user is the referent of, among the measures they work on: the condition itself rather
    # than a subquery of worked_on_by(user), which compiled the measure's rules into a second query.
    def build(ids):
        referent_of = worked_on_condition(user)
        mine = Q(household__in=among(ids))
        if referent_of is not None:
            mine |= Q(referent=user) & referent_of
        return SupportMeasure.objects.filter(mine).review_overdue(today).select_related("kind")

    # Compiled once per process and key (core.compiled): the rule depends on the user, their
    # membership's role and organization, and the day that decides the co-workers' active consents.
    membership = getattr(user, "active_membership", None)
    key = (
        "home.reviews_overdue",
        user.pk,
        getattr(membership, "role", None),
        getattr(membership, "organization_id", None),
        timezone.localdate(),
        today,
        settings.PARCOURS_CONSENT_MAX_MONTHS,
    )
    measures = instances_of(key, build, ids=households)
    url = pk_url("support:measure")
    for m in measures:
        yield Step(
            household_id=m.household_id,
            due=m.next_review_on,
            reason=_("point d'étape « %(kind)s » prévu le %(d)s")
            % {"kind": m.kind.label, "d": day(m.next_review_on)},
            url=url(m.pk),
            late=True,
        )


def _now_of(conditions):
    """The moment `AppointmentQuerySet.worklist_conditions` took as now (the move requests still to
    come), or None when it cannot be told apart from the day's bounds (at midnight exactly) or found."""
    import datetime as dt

    found = dict(child for child in conditions["move_requests"].children if isinstance(child, tuple))
    now = found.get("starts_at__gte")
    if not isinstance(now, dt.datetime):
        return None
    # At the day's first instant, `min(now, start)` (those to mark) is `now` itself: not a marker.
    from django.utils import timezone

    return None if timezone.localtime(now).time() == dt.time.min else now


def _replaced(q, old, new):
    """`q` with each value that is `old` (the very object) replaced by `new`: the conditions'
    `now` made a marker of core.compiled, the day's bounds left as they are."""
    from django.db.models import Q

    copy = Q()
    copy.connector, copy.negated = q.connector, q.negated
    copy.children = [
        _replaced(child, old, new)
        if isinstance(child, Q)
        else (child[0], new if child[1] is old else child[1])
        for child in q.children
    ]
    return copy


@register(Role.SOCIAL_WORKER, order=14)
def appointments_to_handle(user, membership):
    """The worker's appointments work list: move requests to answer, today's appointments, and the
    passed ones to mark kept or missed. None when there is nothing to do (one query then, and one in
    all while the lists hold fewer than MAX_ROWS)."""
    import datetime as dt
    import functools
    import operator

    from django.db.models import Case, Count, Value, When
    from django.urls import reverse
    from django.utils import timezone

    from .models import Appointment

    keys = ("move_requests", "today", "to_mark")
    # Both queries below read the open appointments the user may see: each list is then its condition
    # (the same as Appointment.objects.visible_to(user).worklists()), not a subquery that would
    # compile the visibility rules again, three times in each query.
    today = timezone.localdate()
    in_list = Appointment.objects.worklist_conditions(today)

    # The three lists are disjoint: one query for the rows shown, in the lists' order (the move
    # requests, then today's, then those to mark), instead of one query (and its prefetch) per list.
    # They are counted only when the panel is full: below, the rows are all there is.
    def build(conditions):
        rank = Case(*(When(conditions[key], then=Value(keys.index(key))) for key in keys))
        return (
            _alerts(Appointment.objects.visible_to(user).open())
            .filter(functools.reduce(operator.or_, (conditions[key] for key in keys)))
            .annotate(worklist=rank)
            .order_by("worklist", "starts_at", "pk")[:MAX_ROWS]
        )

    # Compiled once per process, user and day (core.compiled, issue 18): the moment the conditions
    # were taken at (`now`, the move requests still to come) is a marker put in at each call.
    taken_at = _now_of(in_list)
    if taken_at is None:
        shown = list(build(in_list))
    else:
        membership = getattr(user, "active_membership", None)
        key = (
            "home.appointments_to_handle",
            user.pk,
            getattr(membership, "role", None),
            getattr(membership, "organization_id", None),
            today,
            timezone.get_current_timezone_name(),
        )
        shown = instances_of(
            key,
            lambda now: build({k: _replaced(q, taken_at, now) for k, q in in_list.items()}),
            now=taken_at,
        )
    if not shown:
        return None
    total = len(shown)
    if total == MAX_ROWS:
        counts = (
            Appointment.objects.visible_to(user)
            .open()
            .aggregate(**{key: Count("pk", filter=in_list[key]) for key in keys})
        )
        total = sum(counts.values())
    now = timezone.now()
    reasons = {
        "move_requests": _("demande à déplacer le rendez-vous du %(d)s"),
        "today": _("rendez-vous aujourd'hui à %(h)s : %(purpose)s"),
        "to_mark": _("rendez-vous du %(d)s : honoré ou manqué ?"),
    }
    rows = []
    url = pk_url("support:appointment")
    for a in shown:
        key = keys[a.worklist]
        rows.append(
            Row(
                url=url(a.pk),
                household=a.household,
                reason=reasons[key]
                % {
                    "d": day(a.starts_at),
                    "h": timezone.localtime(a.starts_at).strftime("%H:%M"),
                    "purpose": a.purpose,
                },
                late=key == "to_mark"
                or (key == "move_requests" and a.starts_at - now < dt.timedelta(days=1)),
            )
        )
    return Panel(
        _("Rendez-vous"),
        _(
            "Les demandes des personnes à traiter, les rendez-vous du jour "
            "et ceux à noter honorés ou manqués."
        ),
        rows=rows,
        total=total,
        link_url=reverse("support:appointments"),
        link_label=_("Tous les rendez-vous"),
    )
