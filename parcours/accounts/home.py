"""Home page panels of the network administration (registered in the core registry when the app is ready)."""

from django.utils.translation import gettext as _

from parcours.accounts.roles import Role
from parcours.core.home import MAX_ROWS, Panel, Row, day, register


@register(Role.NETWORK_ADMIN, order=5)
def memberships_to_approve(user, membership):
    """Named-data grants waiting for a second administrator (accounts.perms): the oldest first."""
    from django.urls import reverse

    from . import perms
    from .models import Membership, MembershipApproval

    if not perms.can_manage_accounts(user):
        return None
    pending = Membership.objects.filter(approval=MembershipApproval.PENDING)
    total = pending.count()
    directory = reverse("network:organization_list") + "#h-pending"
    return Panel(
        _("Rattachements à approuver"),
        _(
            "Les accès aux données nominatives demandés par un·e administrateur·rice, "
            "à approuver par un·e autre."
        ),
        rows=[
            Row(
                url=directory,
                label=f"{m.user.get_full_name() or m.user.username} — {m.organization.name}",
                reason=_("%(role)s, demandé le %(d)s")
                % {"role": m.get_role_display(), "d": day(m.created_at)},
            )
            for m in pending.select_related("user", "organization").order_by("created_at", "pk")[:MAX_ROWS]
        ],
        total=total,
        empty=_("Aucun rattachement en attente d'approbation."),
    )


@register(Role.NETWORK_ADMIN, order=10)
def network(user, membership):
    from django.db.models import Count
    from django.urls import reverse

    from parcours.accounts.models import Organization

    counts = {t: 0 for t, _label in Organization._meta.get_field("type").choices}
    for row in Organization.objects.active().values("type").order_by().annotate(n=Count("id")):
        counts[row["type"]] = row["n"]
    labels = dict(Organization._meta.get_field("type").choices)
    directory = reverse("network:organization_list")
    return Panel(
        _("Le réseau"),
        _("Les organisations membres actives, par type."),
        rows=[Row(url=directory, label=labels[t], value=str(n)) for t, n in counts.items()],
        link_url=directory,
        link_label=_("Voir l'annuaire des organisations"),
    )
