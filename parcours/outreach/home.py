"""Home page panels of outreach (registry: parcours.core.home): a team member's round (people to see
again, signalements given to the team), the SIAO's signalements to triage."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.accounts.roles import Role
from parcours.core import compiled
from parcours.core.home import MAX_ROWS, Panel, Row, day, duration, register

from . import perms
from .choices import ReportStatus
from .querysets import team_ids

FOLLOW_UP_DAYS = 30


def encounter_label(encounter) -> str:
    """An encounter without a file, named as the team knows it (never a household's name)."""
    who = encounter.alias or _("Personne sans nom")
    return _("%(who)s — %(commune)s, %(place)s") % {
        "who": who,
        "commune": encounter.commune.name,
        "place": encounter.place or "—",
    }


def report_label(report) -> str:
    """A signalement named by its reference and where it was seen (never who reported it)."""
    return _("Signalement %(ref)s — %(commune)s, %(place)s") % {
        "ref": report.reference,
        "commune": report.commune.name,
        "place": report.place,
    }


@register(Role.SOCIAL_WORKER, order=5)
def my_round(user, membership):
    """For a member of an outreach team: whom to see again, and the signalements given to the team."""
    from parcours.households.querysets import label_prefetch

    from .models import Encounter, Signalement

    teams = team_ids(user)
    if not teams:
        return None
    since = timezone.now() - dt.timedelta(days=FOLLOW_UP_DAYS)
    follow = (
        Encounter.objects.filter(team_id__in=teams, follow_up=True, met_at__gte=since)
        .select_related("commune", "household")
        .prefetch_related(*label_prefetch("household__"))
        .order_by("-met_at")
    )
    reports = Signalement.objects.filter(
        team_id__in=teams, status__in=(ReportStatus.TRIAGED, ReportStatus.ASSIGNED)
    )
    rows = [
        Row(
            url=reverse("outreach:report", args=[r.pk]),
            label=report_label(r),
            badge=_("signalé"),
            reason=_("vu·e le %(d)s, confié à l'équipe depuis %(w)s")
            % {"d": day(r.seen_at), "w": duration(r.updated_at)},
        )
        for r in reports.select_related("commune").order_by("seen_at")[:MAX_ROWS]
    ]
    rows += [
        Row(
            url=reverse("outreach:encounter", args=[e.pk]),
            household=e.household,
            label="" if e.household_id else encounter_label(e),
            reason=_("à revoir — rencontré·e le %(d)s") % {"d": day(e.met_at)},
        )
        for e in compiled.evaluated(follow[: MAX_ROWS - len(rows)])
    ]
    return Panel(
        _("Ma tournée"),
        _("Les signalements confiés à votre équipe et les personnes à revoir à la prochaine tournée."),
        rows=rows,
        total=reports.count() + follow.count(),
        empty=_(
            "Aucun signalement en attente ni personne à revoir. "
            "Une rencontre s'enregistre en trente secondes."
        ),
        link_url=reverse("outreach:index"),
        link_label=_("Toutes les rencontres de l'équipe"),
        action_url=reverse("outreach:encounter_new"),
        action_label=_("Enregistrer une rencontre"),
    )


@register(Role.SIAO_COORDINATOR, order=45)
def reports_to_triage(user, membership):
    """Signalements received and not yet given to a team, the oldest first."""
    from .models import Signalement

    if not perms.can_triage_reports(user):
        return None
    waiting = (
        Signalement.objects.visible_to(user).filter(status=ReportStatus.RECEIVED).select_related("commune")
    )
    rows = [
        Row(
            url=reverse("outreach:report", args=[r.pk]),
            label=report_label(r),
            reason=_("reçu il y a %(d)s") % {"d": duration(r.created_at)},
        )
        for r in waiting.order_by("created_at")[:MAX_ROWS]
    ]
    return Panel(
        _("Signalements à orienter"),
        _("Signalements du public et des partenaires à confier à une équipe d'aller-vers."),
        rows=rows,
        total=waiting.count(),
        empty=_("Aucun signalement en attente."),
        link_url=reverse("outreach:reports"),
        link_label=_("Tous les signalements"),
    )
