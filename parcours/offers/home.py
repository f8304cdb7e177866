"""Home page panels of the offer (registered in the core registry when the app is ready)."""

from django.utils.translation import gettext_lazy as _

from parcours.accounts.roles import Role
from parcours.core.home import Panel, register


def _vacancy_rows(vacancies) -> list:
    from django.urls import reverse
    from django.utils.formats import date_format
    from django.utils.html import format_html

    return [
        (
            format_html(
                '<a href="{}">{}</a> — {}',
                reverse("offers:facility_detail", args=[v.unit.facility_id]),
                v.unit.facility.name,
                v.unit.label,
            ),
            _("libre le %(d)s") % {"d": date_format(v.available_from, "SHORT_DATE_FORMAT")},
        )
        for v in vacancies
    ]


@register(Role.SIAO_COORDINATOR, order=20)
def vacancies_to_fill(user, membership):
    from django.urls import reverse

    from parcours.offers.models import Vacancy

    vacancies = (
        Vacancy.objects.open()
        .filter(unit__facility__territory_id=membership.organization.territory_id)
        .select_related("unit__facility")
        .order_by("-declared_at", "-pk")[:8]
    )
    return Panel(
        _("Vacances à pourvoir"),
        _("Les places et logements déclarés vacants, en attente d'une proposition."),
        rows=_vacancy_rows(vacancies),
        empty=_("Aucune vacance en attente."),
        link_url=reverse("offers:list") + "?with_vacancy=on",
        link_label=_("Toute l'offre avec une vacance à pourvoir"),
    )


@register(Role.FACILITY_MANAGER, Role.LANDLORD, order=20)
def my_vacancies(user, membership):
    from django.urls import reverse

    from parcours.offers.models import Vacancy

    vacancies = (
        Vacancy.objects.open()
        .manageable_by(user)
        .select_related("unit__facility")
        .order_by("-declared_at", "-pk")[:8]
    )
    return Panel(
        _("Mes vacances"),
        _("Vos places et logements libres ou bientôt libres."),
        rows=_vacancy_rows(vacancies),
        empty=_("Aucune vacance déclarée."),
        link_url=reverse("offers:list"),
        link_label=_("L'offre et les disponibilités"),
    )
