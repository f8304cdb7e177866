"""What each role sees first: its next work. Later domains add their panels to this registry."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from parcours.accounts.roles import Role


@dataclass
class Panel:
    """One block of a home page: a title, what it is for, rows to act on, and where to go next."""

    title: str
    description: str
    rows: list = field(default_factory=list)
    empty: str = ""
    link_url: str = ""
    link_label: str = ""


# role → list of callables (user, membership) → Panel; a domain registers its own.
PANEL_PROVIDERS: dict[str, list] = {role: [] for role in Role.values}


def register(*roles):
    def decorator(provider):
        for role in roles:
            PANEL_PROVIDERS[role].append(provider)
        return provider

    return decorator


def home_panels(user, membership) -> list[Panel]:
    return [provider(user, membership) for provider in PANEL_PROVIDERS[membership.role]]


@register(Role.CALL_HANDLER)
def tonight_requests(user, membership):
    return Panel(
        _("Demandes de cette nuit"),
        _("Les demandes 115 de la nuit en cours, les plus urgentes en tête."),
        empty=_("Aucune demande pour cette nuit."),
    )


@register(Role.CALL_HANDLER)
def free_places(user, membership):
    return Panel(
        _("Places libres ce soir"),
        _("Les places d'urgence disponibles cette nuit sur le département."),
        empty=_("Aucune place déclarée libre pour cette nuit."),
    )


@register(Role.SIAO_COORDINATOR)
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


@register(Role.SIAO_COORDINATOR)
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


@register(Role.SOCIAL_WORKER)
def my_households(user, membership):
    from django.urls import reverse

    from parcours.households.models import Household
    from parcours.households.services import record_reads

    households = list(
        Household.objects.visible_to(user)
        .filter(referent=user)
        .prefetch_related("people")
        .order_by("-updated_at")[:8]
    )
    record_reads(actor=user, households=households, sections=["list"], purpose="home")
    rows = []
    for household in households:
        head = household.head
        rows.append(
            (
                _("Dossier n° %(n)s") % {"n": household.pk},
                f"{head.first_name} {head.last_name}" if head else "",
            )
        )
    return Panel(
        _("Mes ménages"),
        _("Les ménages dont vous êtes référent·e, les derniers modifiés en tête."),
        rows=rows,
        empty=_("Vous n'êtes référent·e d'aucun ménage pour le moment."),
        link_url=reverse("households:list"),
        link_label=_("Tous les ménages de mon organisation"),
    )


@register(Role.FACILITY_MANAGER)
def proposals_to_answer(user, membership):
    return Panel(
        _("Propositions à traiter"),
        _("Les ménages proposés par le SIAO sur vos places vacantes, en attente de réponse."),
        empty=_("Aucune proposition en attente."),
    )


@register(Role.FACILITY_MANAGER, Role.LANDLORD)
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


@register(Role.LANDLORD)
def prevention_alerts(user, membership):
    return Panel(
        _("Alertes de prévention"),
        _("Les alertes que vous avez levées (impayés, troubles de voisinage…) et leur suivi."),
        empty=_("Aucune alerte en cours."),
    )


@register(Role.OBSERVER)
def indicators(user, membership):
    return Panel(
        _("Indicateurs"),
        _("Les chiffres agrégés de l'observatoire, sans aucune donnée nominative."),
        empty=_("Les indicateurs apparaîtront ici dès que l'observatoire sera alimenté."),
    )


@register(Role.NETWORK_ADMIN)
def network(user, membership):
    from django.db.models import Count
    from django.urls import reverse

    from parcours.accounts.models import Organization

    counts = {t: 0 for t, _label in Organization._meta.get_field("type").choices}
    for row in Organization.objects.active().values("type").order_by().annotate(n=Count("id")):
        counts[row["type"]] = row["n"]
    labels = dict(Organization._meta.get_field("type").choices)
    return Panel(
        _("Le réseau"),
        _("Les organisations membres actives, par type."),
        rows=[(labels[t], n) for t, n in counts.items()],
        link_url=reverse("network:organization_list"),
        link_label=_("Voir l'annuaire des organisations"),
    )
