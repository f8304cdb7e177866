"""Home page panels of the offer (registered in the core registry when the app is ready)."""

from django.utils.translation import gettext as _

from parcours.accounts.roles import Role
from parcours.core.home import MAX_ROWS, Panel, Row, day, register


@register(Role.FACILITY_MANAGER, Role.LANDLORD, order=20)
def my_vacancies(user, membership):
    """The organization's open vacancies, those still waiting for a proposal first."""
    from django.db.models import Exists, OuterRef
    from django.urls import reverse

    from parcours.offers.models import Vacancy

    held = Vacancy.objects.with_proposal_in_progress().filter(pk=OuterRef("pk"))
    vacancies = Vacancy.objects.open().manageable_by(user)
    total = vacancies.count()
    rows = []
    for v in (
        vacancies.annotate(held=Exists(held))
        .select_related("unit__facility")
        .order_by("held", "available_from", "pk")[:MAX_ROWS]
    ):
        rows.append(
            Row(
                url=reverse("offers:facility_detail", args=[v.unit.facility_id]) + "#h-units",
                label=f"{v.unit.facility.name} — {v.unit.label}",
                reason=(
                    _("libre le %(d)s, un ménage vous est proposé")
                    if v.held
                    else _("libre le %(d)s, en attente d'une proposition du SIAO")
                )
                % {"d": day(v.available_from)},
            )
        )
    return Panel(
        _("Mes vacances"),
        _("Vos places et logements libres ou bientôt libres, déclarés au SIAO."),
        rows=rows,
        total=total,
        empty=_(
            "Aucune vacance déclarée. Une place qui se libère se déclare depuis la fiche de la structure."
        ),
        link_url=reverse("offers:list"),
        link_label=_("L'offre et les disponibilités"),
    )
