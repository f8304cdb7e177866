"""What each role sees first: its next work. Later domains add their panels to this registry."""

from dataclasses import dataclass, field

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
# from its `home.py`, imported by its AppConfig.ready().
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
