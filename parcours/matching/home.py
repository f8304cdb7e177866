"""Home page panel of the orientation engine (registered in the core registry when the app is ready)."""

from django.utils.translation import gettext as _

from parcours.accounts.roles import Role
from parcours.core.home import MAX_ROWS, Panel, Row, day, register


@register(Role.SIAO_COORDINATOR, order=20)
def vacancies_without_proposal(user, membership):
    """Open vacancies of the département no household is proposed for, the longest free first: each
    opens the ranked candidates."""
    from django.urls import reverse
    from django.utils import timezone

    from parcours.offers.models import Vacancy

    from .loaders import open_vacancies

    today = timezone.localdate()
    vacancies = (
        open_vacancies()
        .filter(unit__facility__territory_id=membership.organization.territory_id)
        .exclude(pk__in=Vacancy.objects.open().with_proposal_in_progress().values("pk"))
    )
    total = vacancies.count()
    rows = []
    for v in vacancies.select_related("unit__facility").order_by("available_from", "pk")[:MAX_ROWS]:
        free = v.available_from <= today
        rows.append(
            Row(
                url=reverse("matching:candidates", args=[v.pk]),
                label=f"{v.unit.facility.name} — {v.unit.label}",
                reason=(
                    _("libre depuis le %(d)s, aucun ménage proposé")
                    if free
                    else _("libre le %(d)s, aucun ménage proposé")
                )
                % {"d": day(v.available_from)},
                late=v.available_from < today,
            )
        )
    return Panel(
        _("Vacances sans proposition"),
        _(
            "Les places et logements vacants du département sans ménage proposé : "
            "chacun ouvre les candidats classés."
        ),
        rows=rows,
        total=total,
        empty=_("Chaque vacance du département a un ménage proposé."),
        link_url=reverse("matching:vacancies"),
        link_label=_("Toutes les vacances, l'affectation optimale et la simulation"),
    )


@register(Role.NETWORK_ADMIN, order=60)
def ranking_simulation(user, membership):
    from django.urls import reverse

    return Panel(
        _("Réglages du moteur d'orientation"),
        _("Simuler l'effet d'un poids ou d'un paramètre de règle sur le classement des vacances actuelles."),
        empty=_("Rien n'est enregistré par la simulation."),
        link_url=reverse("matching:simulation"),
        link_label=_("Simuler le classement"),
    )
