"""The household's path (parcours): one dated list of steps gathered from every domain.

Each domain (115, orientation, support…) registers a provider from its own module, imported by its
AppConfig.ready(), the same way home panels are registered. A provider receives the reading user and a
household that user may already view, and yields only the steps that user may see (a landlord never
gets support notes, for instance). The household page shows the steps newest first.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class Step:
    """One step of the path: when, in which domain, what happened, who acted, where to read more."""

    at: dt.datetime
    domain: str  # "emergency", "orientation", "support"… (used for an icon/badge and filtering)
    label: str  # already translated, no personal data beyond what the page shows anyway
    actor: str = ""  # who acted: a person's display name and/or their organization
    url: str = ""

    @staticmethod
    def on(day: dt.date) -> dt.datetime:
        """A date-only event placed at the start of that day (local time), for sorting with datetimes."""
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


StepProvider = Callable[[object, object], Iterable[Step]]

# Each provider: (user, household) → steps. Registered by the domains, in import order.
STEP_PROVIDERS: list[StepProvider] = []

# provider → the records it reads, as ("app_label.Model", "lookup to the household") pairs: a provider
# that names them is skipped when the household has none (most households have no support measure, no
# encounter…), which the household page learns in the query that loads the household (path_presence).
PRESENCE: dict[StepProvider, tuple[tuple[str, str], ...]] = {}


def register(provider: StepProvider | None = None, *, present_if: Iterable[tuple[str, str]] = ()):
    """Add the decorated provider's steps to every household's path. `present_if`: the records without
    which the provider has no step, e.g. `[("support.SupportMeasure", "household")]` (a superset will
    do: it only decides whether the provider runs)."""

    def decorator(provider: StepProvider) -> StepProvider:
        STEP_PROVIDERS.append(provider)
        if present_if:
            PRESENCE[provider] = tuple(present_if)
        return provider

    return decorator(provider) if provider is not None else decorator


def _flag(label: str, lookup: str) -> str:
    return "path_has_" + f"{label}_{lookup}".replace(".", "_").lower()


# The EXISTS expressions of path_presence, built once per set of registered sources: an expression
# is a template that each query resolves into its own copy, so one serves every request (issue 18:
# building the five subqueries' filters was redone at each household page).
_PRESENCE_EXPRESSIONS: dict[tuple, dict] = {}


def path_presence() -> dict:
    """Annotations for the query that loads a household: whether it has any of the records the
    providers read (one EXISTS per kind of record, in that same query), so that household_path skips
    the providers without any."""
    from django.apps import apps
    from django.db.models import Exists, OuterRef

    sources = tuple(source for provider_sources in PRESENCE.values() for source in provider_sources)
    annotations = _PRESENCE_EXPRESSIONS.get(sources)
    if annotations is None:
        annotations = {
            _flag(label, lookup): Exists(
                apps.get_model(label)._base_manager.filter(**{lookup: OuterRef("pk")})
            )
            for label, lookup in sources
        }
        _PRESENCE_EXPRESSIONS[sources] = annotations
    return dict(annotations)


def _may_have_steps(provider: StepProvider, household) -> bool:
    """False only when the household was loaded with path_presence and has none of its records."""
    sources = PRESENCE.get(provider, ())
    return not sources or any(may_have(household, label, lookup) for label, lookup in sources)


def may_have(household, label: str, lookup: str) -> bool:
    """Whether the household may have records of `label` ("app_label.Model" by `lookup`): False only
    when it was loaded with path_presence, a provider names those records, and it has none."""
    flag = getattr(household, _flag(label, lookup), None)
    return flag is None or bool(flag)


def household_path(user, household) -> list[Step]:
    """Every step of the household's path the user may see, newest first."""
    steps = [
        step
        for provider in STEP_PROVIDERS
        if _may_have_steps(provider, household)
        for step in provider(user, household)
    ]
    return sorted(steps, key=lambda step: step.at, reverse=True)


@register
def household_steps(user, household):
    """The file itself: when it was opened, and each housing situation from its start date."""
    from django.utils.translation import gettext as _

    yield Step(at=household.created_at, domain="household", label=_("Ouverture du dossier"))
    # The household page prefetches the periods with who recorded them: no query of its own there.
    for period in household.situations.all():
        yield Step(
            at=Step.on(period.started_on),
            domain="household",
            label=_("Situation : %(s)s") % {"s": period.get_situation_display()},
            actor=(period.recorded_by.get_full_name() or period.recorded_by.username)
            if period.recorded_by
            else "",
        )
