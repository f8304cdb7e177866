"""How a household is named on a screen: the person's name and the composition where the user may
read them, and otherwise its number with the reason the name is not shown (issue 15).

One place decides, through `visibility.readable_fields`, so a list, a board, a select and an agenda
all follow the same rules as the household page (design §5). Templates use the `household_name` tag
of `visibility_tags`; forms and exports use `household_label(...).text`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parcours.accounts.perms import active_membership
from parcours.accounts.roles import Role

from . import visibility
from .choices import Relationship, Sex


@dataclass(frozen=True)
class HouseholdLabel:
    number: str  # « Ménage n° 2073 », always shown
    name: str = ""  # « Awa D. », empty when the user may not read it
    composition: str = ""  # « F + 2 enfants », empty when the user may not read it
    hidden_reason: str = ""  # why the name is not shown, in French

    @property
    def text(self) -> str:
        """One line for a select, a title or a CSV: the name and composition, else the number."""
        if self.name:
            return f"{self.name} · {self.composition}" if self.composition else self.name
        if self.hidden_reason:
            return f"{self.number} ({self.hidden_reason})"
        return self.number


def _age(birth_date: date | None, on: date) -> int | None:
    if birth_date is None:
        return None
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def _is_child(person, on: date) -> bool:
    age = _age(person.birth_date, on)
    return age < 18 if age is not None else person.relationship == Relationship.CHILD


SEX_INITIAL = {Sex.FEMALE: "F", Sex.MALE: "H"}


class LabelWords:
    """What the labels of one list share, found once for the list rather than at each of its rows
    (issue 18: the 115 board names fifty households at every refresh, and each label asked gettext
    for « Ménage n° … », the time zone for today, ngettext for its children): the day the children's
    ages are counted on (`on`, else today), the words in the language active when first asked. For
    one drawing only, never kept across requests (the language and the day change); nothing of a
    household is kept, only words and counts."""

    def __init__(self, on: date | None = None):
        self._on = on
        self._children: dict[int, str] = {}

    @cached_property
    def on(self) -> date:
        return self._on or timezone.localdate()

    @cached_property
    def number(self) -> str:
        return _("Ménage n° %(id)s")

    @cached_property
    def adult(self) -> str:
        return _("adulte")

    def children(self, count: int) -> str:
        text = self._children.get(count)
        if text is None:
            text = self._children[count] = ngettext("%(n)d enfant", "%(n)d enfants", count) % {"n": count}
        return text


def composition(members, on: date | None = None, *, words: LabelWords | None = None) -> str:
    """« F + 2 enfants », « H + F », « adulte + 1 enfant »: each adult by sex, then the children.
    `words`: those of the list the label is on (their day, else `on`, else today)."""
    words = words or LabelWords(on)
    on = words.on
    adults = [p for p in members if not _is_child(p, on)]
    children = len(members) - len(adults)
    adults.sort(key=lambda p: (p.relationship != Relationship.HEAD, p.pk or 0))
    # An adult whose sex was not given reads « adulte », not a cryptic letter.
    parts = [SEX_INITIAL.get(p.sex) or words.adult for p in adults]
    if children:
        parts.append(words.children(children))
    return " + ".join(parts)


def _head(members):
    heads = [p for p in members if p.relationship == Relationship.HEAD]
    pool = heads or list(members)
    return min(pool, key=lambda p: p.pk or 0) if pool else None


def short_name(person) -> str:
    """« Awa D. »: the first name and the initial of the last name, enough to recognise a person on a
    list without spelling the whole identity across the room."""
    last = (person.last_name or "").strip()
    return f"{person.first_name} {last[:1]}." if last else person.first_name


def _hidden_reason(user, household) -> str:
    membership = active_membership(user)
    if membership is None:
        return _("identité non communiquée")
    if membership.role in (Role.OBSERVER, Role.NETWORK_ADMIN):
        return _("identité réservée aux professionnels qui suivent le ménage")
    return _("identité non partagée avec votre organisation sans consentement")


def household_number(household, words: LabelWords | None = None) -> str:
    """« Ménage n° 2073 »: the file's reference, which names nobody. A staff page's <title> uses it
    (a browser tab's title ends up in the history, the bookmarks and a shared screen)."""
    return (words.number if words is not None else _("Ménage n° %(id)s")) % {"id": household.pk}


def household_label(user, household, readable=None, *, words: LabelWords | None = None) -> HouseholdLabel:
    """The label this user reads for this household. `readable(record)`, when given, answers
    `visibility.readable_fields(user, record, household)` (a template remembers it per household
    while it draws: visibility_tags). Without it, the rules are asked once for both records the label
    reads (visibility.readable_fields_by_record), not once per record. `words`: those of the list the
    label is on (LabelWords, found once for its rows), else found for this label."""
    if readable is None:
        readable = visibility.readable_fields_by_record(user, household).__getitem__

    number = household_number(household, words)
    person_fields = readable("person")
    if "first_name" not in person_fields:
        return HouseholdLabel(number=number, hidden_reason=_hidden_reason(user, household))
    members = household.members
    head = _head(members)
    if head is None:
        return HouseholdLabel(number=number)
    household_fields = readable("household")
    comp = (
        composition(members, words=words) if "members" in household_fields or "sex" in person_fields else ""
    )
    return HouseholdLabel(number=number, name=short_name(head), composition=comp)


def trace_named(user, households, *, purpose: str, request=None) -> None:
    """Trace, as a list read, the households of a page whose name this user reads there (rule 7):
    a list, a select, a board that names people is a read of their files. With `request`, the page
    drawn next names them with these same labels (`remembered_label`): each is computed once, and the
    page names exactly whom the trace says it read. Pass it only when nothing is written in between."""
    from .services import record_reads

    labels = [(h, household_label(user, h)) for h in households]
    if request is not None:
        for household, label in labels:
            remember_label(request, user, household, label)
    named = [h for h, label in labels if label.name]
    if named:
        record_reads(actor=user, households=named, sections=["list"], purpose=purpose)


def remember_label(request, user, household, label: HouseholdLabel) -> HouseholdLabel:
    """Keep `label`, just computed for this household and user, for the page drawn next in this request
    (`remembered_label`): its template names the household without asking the rules again. Only when
    nothing is written in between."""
    request.__dict__.setdefault("_household_labels", {})[id(household)] = (household, user.pk, label)
    return label


def remembered_label(request, user, household) -> HouseholdLabel | None:
    """The label `trace_named(..., request=request)` computed for this very household and user."""
    known = getattr(request, "_household_labels", {}).get(id(household))
    if known is not None and known[0] is household and known[1] == user.pk:
        return known[2]
    return None
