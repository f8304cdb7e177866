"""Home page panels of the insertion requests, proposals and commissions (registered in the core
registry when the app is ready), and the social worker's next steps on requests."""

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parcours.accounts.roles import Role
from parcours.core.compiled import instances_of
from parcours.core.home import MAX_ROWS, Panel, Row, day, duration, pk_url, register
from parcours.households.home import Step, among, next_step


def _answer_by(proposal) -> dt.date:
    """The day the facility's answer is expected: PARCOURS_PROPOSAL_REMINDER_DAYS after the proposal
    (the day the facility is chased, orientation.proposals.proposals_to_chase)."""
    from django.conf import settings
    from django.utils import timezone

    return timezone.localtime(proposal.created_at).date() + dt.timedelta(
        days=settings.PARCOURS_PROPOSAL_REMINDER_DAYS
    )


def mark_linked(households, organization_id):
    from parcours.households.querysets import mark_linked

    mark_linked(households, organization_id)


def _label_prefetch(path):
    from parcours.households.querysets import label_prefetch

    return label_prefetch(path)


@register(Role.SIAO_COORDINATOR, order=10)
def requests_to_check(user, membership):
    """Submitted requests of the département, the longest waiting first."""
    from django.urls import reverse

    from .models import InsertionRequest

    requests = InsertionRequest.objects.visible_to(user).filter(
        status="submitted", household__territory_id=membership.organization.territory_id
    )
    total = requests.count()
    return Panel(
        _("Demandes à instruire"),
        _(
            "Les demandes d'insertion transmises par les prescripteurs, à valider ou à compléter, les plus "
            "anciennes en tête."
        ),
        rows=[
            Row(
                url=reverse("orientation:detail", args=[r.pk]),
                household=r.household,
                reason=_("transmise le %(d)s, en attente depuis %(w)s")
                % {"d": day(r.submitted_at), "w": duration(r.submitted_at)},
            )
            for r in requests.select_related("household")
            .prefetch_related(*_label_prefetch("household__"))
            .order_by("submitted_at", "pk")[:MAX_ROWS]
        ],
        total=total,
        empty=_(
            "Aucune demande en attente d'instruction : les nouvelles demandes transmises apparaîtront ici."
        ),
        link_url=reverse("orientation:list") + "?status=submitted",
        link_label=_("Toutes les demandes à instruire"),
    )


@register(Role.SIAO_COORDINATOR, order=30)
def late_answers(user, membership):
    """Proposals the facility has not answered by the expected day, the oldest first."""
    from django.conf import settings
    from django.urls import reverse
    from django.utils import timezone

    from .models import Proposal

    edge = timezone.now() - dt.timedelta(days=settings.PARCOURS_PROPOSAL_REMINDER_DAYS)
    late = Proposal.objects.visible_to(user).filter(status="pending", created_at__lt=edge)
    total = late.count()
    rows = []
    for p in (
        late.select_related("request__household", "vacancy__unit__facility")
        .prefetch_related(*_label_prefetch("request__household__"))
        .order_by("created_at", "pk")[:MAX_ROWS]
    ):
        rows.append(
            Row(
                url=reverse("orientation:proposal", args=[p.pk]),
                household=p.request.household,
                reason=_("réponse de %(f)s attendue depuis le %(d)s")
                % {"f": p.vacancy.unit.facility.name, "d": day(_answer_by(p))},
                late=True,
            )
        )
    return Panel(
        _("Propositions sans réponse"),
        _("Les propositions dont la structure ou le bailleur n'a pas répondu dans le délai : à relancer."),
        rows=rows,
        total=total,
        empty=_("Toutes les propositions ont reçu leur réponse dans le délai."),
        link_url=reverse("orientation:proposals"),
        link_label=_("Toutes les propositions"),
    )


@register(Role.SIAO_COORDINATOR, order=40)
def commission_of_the_week(user, membership):
    """The planned sessions of the coming seven days, else the next one, with their agenda's size."""
    from django.db.models import Count
    from django.urls import reverse
    from django.utils import timezone

    from .models import Commission

    today = timezone.localdate()
    planned = (
        Commission.objects.filter(
            territory_id=membership.organization.territory_id, status="planned", held_on__gte=today
        )
        .annotate(n=Count("lines"))
        .order_by("held_on", "pk")
    )
    sessions = list(planned.filter(held_on__lte=today + dt.timedelta(days=6))) or list(planned[:1])
    return Panel(
        _("Commission de la semaine"),
        _("Les séances d'orientation des sept prochains jours : ordre du jour, décisions, compte rendu."),
        rows=[
            Row(
                url=reverse("orientation:commission", args=[c.pk]),
                label=c.title or _("Commission d'orientation"),
                reason=date_format_long(c.held_on)
                + " · "
                + (
                    ngettext("%(n)d dossier à l'ordre du jour", "%(n)d dossiers à l'ordre du jour", c.n)
                    % {"n": c.n}
                    if c.n
                    else _("ordre du jour à préparer")
                ),
            )
            for c in sessions
        ],
        empty=_("Aucune séance prévue : planifiez la prochaine depuis la liste des commissions."),
        link_url=reverse("orientation:commissions"),
        link_label=_("Toutes les commissions"),
    )


def date_format_long(value) -> str:
    """« jeudi 10 décembre »."""
    from django.utils.formats import date_format

    return date_format(value, "l j F")


@register(Role.FACILITY_MANAGER, Role.LANDLORD, order=10)
def proposals_to_answer(user, membership):
    """Proposals on the organization's places: to answer (by the expected day), then the entry."""
    from django.urls import reverse
    from django.utils import timezone

    from .models import Proposal

    today = timezone.localdate()
    proposals = Proposal.objects.visible_to(user).filter(status__in=("pending", "accepted"))
    total = proposals.count()
    shown = list(
        proposals.select_related("request__household", "vacancy__unit__facility")
        .prefetch_related(*_label_prefetch("request__household__"))
        .order_by("-status", "created_at", "pk")[:MAX_ROWS]  # "pending" before "accepted"
    )
    mark_linked([p.request.household for p in shown], membership.organization_id)
    rows = []
    for p in shown:
        unit = f"{p.vacancy.unit.facility.name} — {p.vacancy.unit.label}"
        if p.status == "accepted":
            reason = _("%(u)s : acceptée le %(d)s, entrée à enregistrer") % {
                "u": unit,
                "d": day(p.answered_at or p.updated_at),
            }
            late = False
        else:
            due = _answer_by(p)
            late = due < today
            reason = (
                _("%(u)s : réponse attendue depuis le %(d)s")
                if late
                else _("%(u)s : réponse attendue avant le %(d)s")
            ) % {"u": unit, "d": day(due)}
        rows.append(
            Row(
                url=reverse("orientation:proposal", args=[p.pk]),
                household=p.request.household,
                reason=reason,
                late=late,
            )
        )
    return Panel(
        _("Propositions à traiter"),
        _("Les ménages proposés par le SIAO sur vos places vacantes : votre réponse d'abord, puis l'entrée."),
        rows=rows,
        total=total,
        empty=_(
            "Aucune proposition en attente : le SIAO vous proposera un ménage "
            "quand vous déclarerez une vacance."
        ),
        link_url=reverse("orientation:proposals"),
        link_label=_("Toutes les propositions"),
    )


@register(Role.FACILITY_MANAGER, Role.LANDLORD, order=15)
def vacancies_to_declare(user, membership):
    """Places left by a household (exit recorded) with no vacancy declared since."""
    from django.db.models import Exists, OuterRef
    from django.urls import reverse

    from parcours.offers.models import Vacancy

    declared_since = Vacancy.objects.filter(
        unit_id=OuterRef("vacancy__unit_id"), declared_at__date__gte=OuterRef("exited_on")
    ).exclude(pk=OuterRef("vacancy_id"))
    from .models import Proposal

    exits = (
        Proposal.objects.visible_to(user)
        .filter(status="exited", vacancy__unit__active=True)
        .filter(~Exists(declared_since))
        .select_related("vacancy__unit__facility")
        .order_by("exited_on", "pk")
    )
    seen, rows = set(), []
    for p in exits[: MAX_ROWS * 5]:
        unit = p.vacancy.unit
        if unit.pk in seen:
            continue
        seen.add(unit.pk)
        if len(rows) == MAX_ROWS:
            break
        rows.append(
            Row(
                url=reverse("offers:vacancy_declare", args=[unit.pk]),
                label=f"{unit.facility.name} — {unit.label}",
                reason=_("libérée le %(d)s : vacance à déclarer") % {"d": day(p.exited_on)},
            )
        )
    return Panel(
        _("Vacances à déclarer"),
        _(
            "Les places et logements quittés par un ménage sans vacance déclarée depuis : déclarez-les pour "
            "que le SIAO propose un ménage."
        ),
        rows=rows,
        empty=_("Aucune place libérée à déclarer. Une place qui se libère se déclare depuis sa fiche."),
        link_url=reverse("offers:list"),
        link_label=_("L'offre et les disponibilités"),
    )


@next_step
def requests_to_renew(user, households, today):
    """Requests the SIAO sent back to complete, and validated requests that expire within
    PARCOURS_EXPIRY_REMINDER_DAYS: to renew."""
    from django.conf import settings
    from django.db.models import Q
    from django.utils import timezone

    from . import expiry
    from .models import InsertionRequest

    # One query for both: those sent back to complete, and the validated ones close to expiry.
    if not households:
        return  # no query: the ORM's empty `any_of` matches nothing
    days = settings.PARCOURS_EXPIRY_REMINDER_DAYS
    # Compiled once per process, day and settings (core.compiled): the SQL names no user.
    key = (
        "home.requests_to_renew",
        today,
        days,
        settings.PARCOURS_REQUEST_VALIDITY_MONTHS,
        timezone.get_current_timezone_name(),
    )
    found = instances_of(
        key,
        lambda ids: InsertionRequest.objects.filter(household__in=among(ids)).filter(
            Q(status="to_complete") | expiry.prefilter_q(today=today, days_ahead=days)
        ),
        ids=households,
    )
    url = pk_url("orientation:detail")
    for r in found:
        if r.status != "to_complete":
            continue
        sent_back = timezone.localtime(r.updated_at).date()
        yield Step(
            household_id=r.household_id,
            due=sent_back,
            reason=_("demande d'insertion à compléter, renvoyée par le SIAO le %(d)s")
            % {"d": day(sent_back)},
            url=url(r.pk),
            late=True,
        )
    for r in expiry.due(found, today=today, days_ahead=days):
        until = r.valid_until
        yield Step(
            household_id=r.household_id,
            due=until,
            reason=(
                _("demande d'insertion expirée le %(d)s, à actualiser")
                if until < today
                else _("demande d'insertion à actualiser avant le %(d)s")
            )
            % {"d": day(until)},
            url=url(r.pk),
            late=until < today,
        )
