"""Home page panel of the social worker: my households, each with its next step.

The steps come from the domains that set dates on a household (consents here; assessments,
insertion requests and support measures above): each registers a provider with `next_step`, which
the panel asks for the user's households. The household file never imports those domains
(docs/architecture.md).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parcours.accounts.roles import Role
from parcours.core.compiled import instances_of, rows_of
from parcours.core.home import (
    MAX_ROWS,
    Panel,
    Row,
    day,
    household_namer,
    named_households_hook,
    pk_url,
    register,
)

# A consent is shown this many days before it stops opening the file to its organization.
CONSENT_WARNING_DAYS = 30


@dataclass(frozen=True)
class Step:
    """Something to do on one household by a date: the link to do it and the reason in words."""

    household_id: int
    due: dt.date
    reason: str
    url: str
    late: bool = False


# Each provider: (user, households, today) → iterable of Step. `households` are the ids (a list) of the
# user's households (referent), already read through `Household.objects.visible_to(user)`; a provider
# may add others the user works on (a co-worked support measure), which the panel checks against those
# rules. A provider reads through core.compiled (`instances_of(key, build, ids=households)`, `build`
# filtering on `among(ids)`): its SQL is compiled once per process and key, the list of ids being one
# array parameter put in at each call (issue 18: building and compiling the providers' queries was
# more than half of the home page's CPU).
STEP_PROVIDERS: list[Callable] = []


def among(ids):
    """The households of `ids` for a provider's query: `household__in=among(ids)` is one array parameter
    on PostgreSQL (core.sql_lookups), which core.compiled puts in at each call."""
    from .models import Household

    return Household.objects.filter(pk__any_of=ids)


def next_step(provider: Callable) -> Callable:
    STEP_PROVIDERS.append(provider)
    return provider


@next_step
def consents_expiring(user, households, today):
    """Consents that stop opening the file to a partner within CONSENT_WARNING_DAYS."""
    from django.conf import settings
    from django.db.models import Q

    from .models import Consent
    from .querysets import months_after

    if not households:
        return  # no query: the ORM's empty `any_of` matches nothing
    limit = today + dt.timedelta(days=CONSENT_WARNING_DAYS)
    started_before = months_after(limit, -settings.PARCOURS_CONSENT_MAX_MONTHS)

    def build(ids):
        return (
            Consent.objects.active(today)
            .filter(household__in=among(ids))
            .filter(Q(ends_on__lte=limit) | Q(starts_on__lte=started_before))
            .select_related("organization")
            .order_by()  # the panel sorts each household's steps; all link to the household's consents
        )

    # The SQL depends on the day and the durations only: one compilation for every user.
    key = ("home.consents_expiring", today, CONSENT_WARNING_DAYS, settings.PARCOURS_CONSENT_MAX_MONTHS)
    consents = instances_of(key, build, ids=households)
    url = pk_url("households:detail")
    for consent in consents:
        ends = consent.effective_ends_on
        if ends <= limit:
            yield Step(
                household_id=consent.household_id,
                due=ends,
                reason=_("consentement pour %(org)s qui expire le %(d)s")
                % {"org": consent.organization.name, "d": day(ends)},
                url=url(consent.household_id) + "#consentements",
            )


def _rows(key, build, **values) -> list[tuple]:
    """`compiled.rows_of(key, build, **values)`; the ORM's rows when there is no key (no visibility rule)."""
    if key is None:
        return list(build(**values))
    return rows_of(key, build, **values)


@household_namer
def name_on_home_page(context, household):
    """A home panel's row names its household as `{% household_name %}` does (core.home)."""
    from .templatetags.visibility_tags import household_name

    return household_name(context, household)


@named_households_hook
def prefetch_labels(households):
    """What naming the home page's households reads, for all its panels at once (core.home)."""
    from parcours.core.compiled import prefetch

    from .querysets import label_prefetch

    prefetch(households, *label_prefetch())


@register(Role.SOCIAL_WORKER, order=10)
def my_households(user, membership):
    from django.urls import reverse
    from django.utils import timezone

    from .models import Household

    today = timezone.localdate()
    # The user's households (most recently updated first) are read once, then handed to the providers
    # as a plain list of ids: each provider's query then carries `= ANY(ids)` instead of compiling the
    # visibility rules again. A referent's households are a few hundred at most. Compiled once per
    # process, user and visibility rule (its key holds the day that decides the consents).
    rule = Household.objects.visibility_key(user)
    own = [
        pk
        for (pk,) in _rows(
            None if rule is None else ("home.own", user.pk, rule),
            lambda: (
                Household.objects.visible_to(user)
                .filter(referent=user)
                .order_by("-updated_at", "-pk")
                .values_list("pk")
            ),
        )
    ]
    steps: dict[int, list[Step]] = {}
    for provider in STEP_PROVIDERS:
        for step in provider(user, own, today):
            steps.setdefault(step.household_id, []).append(step)
    for found in steps.values():
        found.sort(key=lambda s: (s.due, s.reason))
    # A provider may add households the user works on without being their referent (a co-worked
    # support measure): those are checked against the visibility rules, only when there are some.
    own_set = set(own)
    others = [pk for pk in steps if pk not in own_set]
    if others:
        others = [
            pk
            for (pk,) in _rows(
                None if rule is None else ("home.others", user.pk, rule),
                lambda ids: Household.objects.visible_to(user).filter(pk__any_of=ids).values_list("pk"),
                ids=others,
            )
        ]
    total = len(own) + len(others)
    visible = [pk for pk in (*own, *others) if pk in steps]
    ids = sorted(visible, key=lambda pk: (steps[pk][0].due, pk))[:MAX_ROWS]
    if len(ids) < MAX_ROWS:
        rest = [pk for pk in own if pk not in steps]
        ids += rest[: MAX_ROWS - len(ids)]
    # Named: see prefetch_labels.
    shown = {h.pk: h for h in instances_of(("home.shown",), among, ids=ids)} if ids else {}
    rows = []
    detail_url = pk_url("households:detail")
    no_step = _("pas d'échéance dans les %(n)d jours") % {"n": CONSENT_WARNING_DAYS}
    for pk in ids:
        if pk not in steps:
            rows.append(Row(url=detail_url(pk), household=shown[pk], reason=no_step))
            continue
        first, *others = steps[pk]
        reason = first.reason
        if others:
            reason += " " + ngettext(
                "(et %(n)d autre échéance)", "(et %(n)d autres échéances)", len(others)
            ) % {"n": len(others)}
        rows.append(Row(url=first.url, household=shown[pk], reason=reason, late=first.late))
    return Panel(
        _("Mes ménages et leur prochaine étape"),
        _(
            "Les ménages dont vous êtes référent·e (ménage ou mesure d'accompagnement), l'échéance la plus "
            "proche en tête : évaluation à faire, consentement qui expire, demande à actualiser, point "
            "d'étape en retard."
        ),
        rows=rows,
        total=total,
        empty=_(
            "Vous n'êtes référent·e d'aucun ménage. Ouvrez un dossier depuis « Ménages » ou demandez à être "
            "désigné·e référent·e."
        ),
        link_url=reverse("households:list"),
        link_label=_("Tous les ménages de mon organisation"),
    )
