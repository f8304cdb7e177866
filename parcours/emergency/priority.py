"""The vulnerability priority suggested from the household and the facts ticked during the call.

A pure function on plain data: the call handler sees the suggestion and may override it with a reason.
Nationality and administrative status are not inputs, so they can never change a priority.
"""

from collections.abc import Iterable
from datetime import date

from .choices import PRIORITY_FACTS, Fact, Priority


def age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def age_facts(birth_dates: Iterable[date | None], on: date, *, on_street: bool = True) -> set[str]:
    """The facts that follow from the members' ages on the night `on`."""
    facts: set[str] = set()
    adults = 0
    for born in birth_dates:
        if born is None:
            continue
        months = (on.year - born.year) * 12 + on.month - born.month - (on.day < born.day)
        years = months // 12
        if months < 3:
            facts.add(Fact.INFANT)
        elif months < 36:
            facts.add(Fact.TODDLER)
        elif years < 18:
            facts.add(Fact.CHILDREN_OVER_3)
        if years >= 18:
            adults += 1
            if years <= 25 and on_street:
                facts.add(Fact.YOUNG_ON_STREET)
        if years > 65:
            facts.add(Fact.OVER_65)
    return facts


def suggest(facts: Iterable[str]) -> str:
    """P1–P4 from the facts: the most urgent priority any fact leads to; P4 when none."""
    facts = set(facts)
    for priority, triggers in PRIORITY_FACTS.items():
        if facts & set(triggers):
            return priority
    return Priority.P4
