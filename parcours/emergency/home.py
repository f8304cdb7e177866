"""Home page panels of the 115 (registered in the core registry when the app is ready)."""

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parcours.accounts.roles import Role
from parcours.core import compiled
from parcours.core.home import MAX_ROWS, Panel, Row, duration, register


def _persons(r) -> str:
    text = ngettext("%(n)d personne", "%(n)d personnes", r.persons) % {"n": r.persons}
    if r.children:
        text += " " + ngettext("dont %(n)d enfant", "dont %(n)d enfants", r.children) % {"n": r.children}
    return text


@register(Role.CALL_HANDLER, order=10)
def waiting_callers(user, membership):
    """Tonight's open requests, the most urgent first (priority, then the longest wait)."""
    from django.urls import reverse

    from parcours.households.querysets import label_prefetch

    from .models import EmergencyRequest
    from .nights import current_night

    waiting = EmergencyRequest.objects.visible_to(user).filter(night=current_night(), status="open")
    total = waiting.count()
    rows = [
        Row(
            url=reverse("emergency:request", args=[r.pk]),
            household=r.household,
            label="" if r.household_id else _("%(r)s — appel sans nom") % {"r": r},
            badge=r.priority,
            reason=_("en attente depuis %(d)s · %(p)s") % {"d": duration(r.created_at), "p": _persons(r)},
        )
        for r in compiled.evaluated(
            waiting.by_urgency()
            .select_related("household")
            .prefetch_related(*label_prefetch("household__"))[:MAX_ROWS]
        )
    ]
    return Panel(
        _("Appelants en attente"),
        _("Les demandes de cette nuit sans place, par priorité puis par temps d'attente."),
        rows=rows,
        total=total,
        empty=_(
            "Personne n'attend de place cette nuit. "
            "Un nouvel appel se saisit avec « Prendre un nouvel appel »."
        ),
        link_url=reverse("emergency:board") + "#waiting-title",
        link_label=_("Toutes les demandes en attente, sur le tableau de la nuit"),
        action_url=reverse("emergency:call"),
        action_label=_("Prendre un nouvel appel"),
    )


@register(Role.CALL_HANDLER, order=20)
def free_places(user, membership):
    from django.urls import reverse

    from parcours.offers.choices import FacilityKind

    from .board import free_summary
    from .nights import current_night

    kinds = dict(FacilityKind.choices)
    board = reverse("emergency:board")
    summary = free_summary(night=current_night(), territory_id=membership.organization.territory_id)
    return Panel(
        _("Places libres ce soir"),
        _("Les places d'urgence disponibles cette nuit sur le département, par type."),
        rows=[
            Row(
                url=board,
                label=kinds.get(row["kind"], row["kind"]),
                reason=ngettext("%(n)d unité libre", "%(n)d unités libres", row["units"])
                % {"n": row["units"]},
                value=ngettext("%(n)d place", "%(n)d places", row["places"]) % {"n": row["places"]},
            )
            for row in summary
        ],
        empty=_("Aucune place libre pour cette nuit : notez la demande non pourvue depuis sa fiche."),
        link_url=board,
        link_label=_("Le tableau des places de la nuit"),
    )


@register(Role.FACILITY_MANAGER, order=30)
def emergency_places(user, membership):
    """The manager's emergency facilities, those whose tonight's free places are not declared first."""
    from django.urls import reverse

    from parcours.offers.choices import EMERGENCY_KINDS
    from parcours.offers.models import Facility

    from .models import PlacesDeclaration
    from .nights import current_night

    facilities = list(
        Facility.objects.manageable_by(user).filter(kind__in=EMERGENCY_KINDS, active=True).order_by("name")
    )
    declared = dict(
        PlacesDeclaration.objects.filter(facility__in=facilities, night=current_night())
        .annotate(n=models.Count("units"))
        .values_list("facility_id", "n")
    )
    facilities.sort(key=lambda f: f.pk in declared)
    rows = [
        Row(
            url=reverse("emergency:declare", args=[f.pk]),
            label=f.name,
            reason=ngettext(
                "%(n)d place déclarée libre pour le 115",
                "%(n)d places déclarées libres pour le 115",
                declared[f.pk],
            )
            % {"n": declared[f.pk]}
            if f.pk in declared
            else _("à déclarer : sans déclaration, toutes les places libres sont proposées au 115"),
        )
        for f in facilities
    ]
    return Panel(
        _("Places libres pour le 115 ce soir"),
        _("Déclarez chaque soir les places de vos structures d'urgence que le 115 peut attribuer."),
        rows=rows,
        empty=_("Vous ne gérez aucune structure d'urgence (CHU, hôtel, halte de nuit)."),
    )


@register(Role.CALL_HANDLER, order=5)
def offline_tasks(user, membership):
    """Calls noted without network whose provisional place could not be booked at the replay: the
    request waits, someone must find another place (docs/continuite.md). Empty, the panel is hidden."""
    from django.urls import reverse

    from parcours.households.querysets import label_prefetch

    from .models import EmergencyRequest
    from .replay import task_label

    tasks = (
        EmergencyRequest.objects.visible_to(user)
        .filter(status="open")
        .exclude(replay_task="")
        .select_related("household")
        .prefetch_related(*label_prefetch("household__"))
        .by_urgency()
    )
    rows = [
        Row(
            url=reverse("emergency:request", args=[r.pk]),
            household=r.household,
            label="" if r.household_id else (r.caller_name or _("Appelant·e anonyme")),
            badge=r.priority,
            reason=_("%(task)s · %(p)s") % {"task": task_label(r.replay_task), "p": _persons(r)},
            late=True,
        )
        for r in compiled.evaluated(tasks[: MAX_ROWS + 1])
    ]
    if not rows:
        return None
    return Panel(
        _("Appels hors ligne à reprendre"),
        _(
            "Des appels notés sans réseau dont la place provisoire n'a pas pu être confirmée : "
            "trouvez-leur une autre place."
        ),
        rows=rows,
    )
