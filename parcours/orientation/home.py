"""Home page panels of the insertion requests (registered in the core registry when the app is ready)."""

from django.utils.translation import gettext_lazy as _

from parcours.accounts.roles import Role
from parcours.core.home import Panel, register


@register(Role.SIAO_COORDINATOR, order=10)
def requests_to_check(user, membership):
    from django.urls import reverse
    from django.utils.formats import date_format
    from django.utils.html import format_html

    from parcours.orientation.models import InsertionRequest

    requests = (
        InsertionRequest.objects.visible_to(user)
        .filter(status="submitted", household__territory_id=membership.organization.territory_id)
        .order_by("submitted_at", "pk")[:8]
    )
    return Panel(
        _("Demandes à instruire"),
        _("Les demandes d'insertion transmises par les prescripteurs, à valider ou à compléter."),
        rows=[
            (
                format_html('<a href="{}">{}</a>', reverse("orientation:detail", args=[r.pk]), str(r)),
                _("transmise le %(d)s") % {"d": date_format(r.submitted_at, "SHORT_DATE_FORMAT")},
            )
            for r in requests
        ],
        empty=_("Aucune demande en attente d'instruction."),
        link_url=reverse("orientation:list") + "?status=submitted",
        link_label=_("Toutes les demandes à instruire"),
    )


@register(Role.FACILITY_MANAGER, Role.LANDLORD, order=10)
def proposals_to_answer(user, membership):
    from django.urls import reverse
    from django.utils.formats import date_format
    from django.utils.html import format_html

    from parcours.orientation.models import Proposal

    proposals = (
        Proposal.objects.visible_to(user)
        .filter(status__in=("pending", "accepted"))
        .select_related("vacancy__unit__facility")
        .order_by("created_at", "pk")[:8]
    )
    return Panel(
        _("Propositions à traiter"),
        _("Les ménages proposés par le SIAO sur vos places vacantes : réponse, puis entrée."),
        rows=[
            (
                format_html(
                    '<a href="{}">{}</a>', reverse("orientation:proposal", args=[p.pk]), f"{p.vacancy.unit}"
                ),
                _("%(s)s depuis le %(d)s")
                % {"s": p.get_status_display(), "d": date_format(p.created_at, "SHORT_DATE_FORMAT")},
            )
            for p in proposals
        ],
        empty=_("Aucune proposition en attente."),
        link_url=reverse("orientation:proposals"),
        link_label=_("Toutes les propositions"),
    )


@register(Role.SIAO_COORDINATOR, order=20)
def next_commission(user, membership):
    from django.urls import reverse
    from django.utils import timezone
    from django.utils.formats import date_format
    from django.utils.html import format_html

    from parcours.orientation.models import Commission

    sessions = Commission.objects.filter(
        territory_id=membership.organization.territory_id, status="planned", held_on__gte=timezone.localdate()
    ).order_by("held_on", "pk")[:3]
    return Panel(
        _("Prochaines commissions"),
        _("Les séances d'orientation à préparer : ordre du jour, décisions, compte rendu."),
        rows=[
            (
                format_html('<a href="{}">{}</a>', reverse("orientation:commission", args=[c.pk]), str(c)),
                date_format(c.held_on, "SHORT_DATE_FORMAT"),
            )
            for c in sessions
        ],
        empty=_("Aucune séance prévue."),
        link_url=reverse("orientation:commissions"),
        link_label=_("Toutes les commissions"),
    )
