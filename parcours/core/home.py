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


# role → list of (order, callable(user, membership) → Panel); each domain registers its own panels
# from its `home.py`, imported by its AppConfig.ready(). The panels below are those of domains
# still to come: they say what will be there.
PANEL_PROVIDERS: dict[str, list] = {role: [] for role in Role.values}


def register(*roles, order: int = 50):
    """Show the decorated panel on the home page of `roles`; lower `order` comes first."""

    def decorator(provider):
        for role in roles:
            PANEL_PROVIDERS[role].append((order, provider))
        return provider

    return decorator


def home_panels(user, membership) -> list[Panel]:
    providers = sorted(PANEL_PROVIDERS[membership.role], key=lambda item: item[0])
    return [provider(user, membership) for _order, provider in providers]


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


@register(Role.FACILITY_MANAGER)
def proposals_to_answer(user, membership):
    return Panel(
        _("Propositions à traiter"),
        _("Les ménages proposés par le SIAO sur vos places vacantes, en attente de réponse."),
        empty=_("Aucune proposition en attente."),
    )


@register(Role.OBSERVER)
def indicators(user, membership):
    return Panel(
        _("Indicateurs"),
        _("Les chiffres agrégés de l'observatoire, sans aucune donnée nominative."),
        empty=_("Les indicateurs apparaîtront ici dès que l'observatoire sera alimenté."),
    )
