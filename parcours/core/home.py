"""What each role sees first: its work list. Each domain adds its panels to this registry.

A panel is one list of things to do now, most urgent first: every row is a link to the record to act
on, named (a household through the `household_name` tag, which applies the visibility rules), with
the reason it is on the list in words (« en attente depuis 2 h 10 », « réponse attendue depuis le
3 décembre »). A panel shows at most MAX_ROWS rows and says how many there are in all, with a link to
the full list. The households named on the page are traced as one list read (core.audit).
"""

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from parcours.accounts.roles import Role

from . import audit

# No panel is a page: past this many rows, the panel says how many more there are and links to the list.
MAX_ROWS = 20


@dataclass
class Row:
    """One thing to do: where to go, whom or what it is about, and why it is on the list now."""

    url: str
    label: str = ""  # what the link names when it is not a household (« Foyer Les Lilas — ch. 12 »)
    reason: str = ""  # why it is here, in words (« consentement qui expire le 12 décembre »)
    household: object = None  # named with the household_name tag, which decides what may be shown
    badge: str = ""  # a short code read before the name (« P1 »)
    value: str = ""  # a figure (headline figures, counts by kind)
    late: bool = False  # past its date: shown with « en retard » and read first


@dataclass
class Panel:
    """One block of a home page: a title, what it is for, rows to act on, and where to go next."""

    title: str
    description: str
    rows: list = field(default_factory=list)
    empty: str = ""  # what the empty list means and what to do then
    link_url: str = ""
    link_label: str = ""
    total: int | None = None  # how many there are in all, when more than the rows shown
    action_url: str = ""  # the one thing to start from here (« Prendre un nouvel appel »)
    action_label: str = ""

    def __post_init__(self):
        # Older providers gave (label, value) pairs: a figure without a link.
        self.rows = [Row(url="", label=r[0], value=r[1]) if isinstance(r, tuple) else r for r in self.rows]
        if len(self.rows) > MAX_ROWS:
            self.total = max(self.total or 0, len(self.rows))
            self.rows = self.rows[:MAX_ROWS]

    @property
    def more(self) -> int:
        """How many are not shown here (the link leads to them)."""
        return max((self.total or 0) - len(self.rows), 0)

    @property
    def more_label(self) -> str:
        n = self.more
        return ngettext("et %(n)d autre", "et %(n)d autres", n) % {"n": n} if n else ""


# (date, format, language) → day()'s text: only dates and words, the same for every request.
_DAYS: dict = {}
_DAYS_MAX = 4096


def day(value) -> str:
    """« 12 décembre », with the year when it is not this year's (« 3 décembre 2025 »). Each date's text
    is formatted once per language and process (issue 18: date_format took eighty calls, and a home
    page shows a dozen dates)."""
    if hasattr(value, "hour"):
        value = timezone.localtime(value).date()
    key = (value, value.year == timezone.localdate().year, get_language())
    text = _DAYS.get(key)
    if text is None:
        if len(_DAYS) >= _DAYS_MAX:
            _DAYS.clear()
        text = _DAYS[key] = date_format(value, "j F" if key[1] else "j F Y")
    return text


def duration(since, now=None) -> str:
    """How long since `since`, as read on a list: « 12 min », « 2 h 10 », « 3 jours »."""
    minutes = max(int(((now or timezone.now()) - since).total_seconds() // 60), 0)
    if minutes < 60:
        return _("%(m)d min") % {"m": minutes}
    if minutes < 24 * 60:
        return _("%(h)d h %(m)02d") % {"h": minutes // 60, "m": minutes % 60}
    days = minutes // (24 * 60)
    return ngettext("%(n)d jour", "%(n)d jours", days) % {"n": days}


def pk_url(viewname: str):
    """`reverse(viewname, args=[pk])` for the many rows or steps of one panel: the path around the
    number, reversed once per view name, URLconf and script prefix in the process as `{% url %}`
    reverses it (core.templatetags.compiled_urls). The home page reversed ~50 URLs, one per household
    of the user even when it had no step to show (issue 18: a twentieth of the page's Python), then
    one per panel (a thirtieth)."""
    from django.urls import reverse

    from .templatetags.compiled_urls import path_parts

    around = path_parts(viewname, 1)
    if around is None:
        return lambda pk: reverse(viewname, args=[pk])
    before, after = around
    return lambda pk: f"{before}{int(pk)}{after}"


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


# Each: callable(households) run once with every household named on the page, before it is rendered.
# The household app registers the read of what naming a household needs (its people, its consents),
# so that a panel need not prefetch it for its own rows: two queries for the page instead of two per
# panel. A panel that prefetched anyway is not read again.
NAMED_HOUSEHOLDS_HOOKS: list = []


def named_households_hook(hook):
    NAMED_HOUSEHOLDS_HOOKS.append(hook)
    return hook


# How a row's household is named in the page's HTML: callable(context, household) → its name, registered
# by the household app (its household_name tag, which applies the visibility rules); the kernel does
# not know households.
_NAMERS: list = []


def household_namer(namer):
    _NAMERS[:] = [namer]
    return namer


def name_household(context, household):
    """The household's name as the registered namer draws it for the page's user."""
    return _NAMERS[0](context, household)


def home_panels(user, membership) -> list[Panel]:
    providers = sorted(PANEL_PROVIDERS[membership.role], key=lambda item: item[0])
    panels = [provider(user, membership) for _order, provider in providers]
    panels = [panel for panel in panels if panel is not None]
    named = [row.household for panel in panels for row in panel.rows if row.household is not None]
    for hook in NAMED_HOUSEHOLDS_HOOKS:
        hook(named)
    shown = {}
    for household in named:
        shown.setdefault(household.pk, household)
    # The households named on the page, as a list is traced: one event each, one lock, one insert.
    audit.record_reads(actor=user, objs=shown.values(), sections=["list"], purpose="home")
    return panels
