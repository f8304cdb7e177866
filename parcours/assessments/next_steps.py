"""What a worker can do next once an assessment is saved (« Et ensuite ? »), so that the page is never
a dead end. The fiche de liaison is the assessments' own; other domains register theirs (orientation:
« Faire une demande d'insertion »), each deciding whether the user's role may."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class NextStep:
    """`primary`: the usual way on, also offered on the form itself as « Enregistrer et … » (`then`
    names it in the POST; the URL is always recomputed on the server)."""

    label: str
    url: str
    primary: bool = False
    then: str = ""
    then_label: str = ""


# Each provider takes (user, household) and returns the steps it offers (an empty list when the
# user's role may not).
PROVIDERS: list[Callable[[object, object], list[NextStep]]] = []


# What a provider needs from the database, asked in the household's own query instead of one more
# query per page: name → a function returning the expression (an OuterRef("pk") subquery). The
# provider reads the attribute when the household was fetched `with_step_values`, and asks the
# database itself otherwise.
STEP_VALUES: dict[str, Callable[[], object]] = {}


def with_step_values(households):
    """The households' queryset annotated with every provider's STEP_VALUES (the expressions built
    once: each query resolves its own copy)."""
    names = tuple(STEP_VALUES)
    expressions = _STEP_EXPRESSIONS.get(names)
    if expressions is None:
        expressions = _STEP_EXPRESSIONS[names] = {name: make() for name, make in STEP_VALUES.items()}
    return households.annotate(**expressions)


_STEP_EXPRESSIONS: dict[tuple, dict] = {}


def next_steps(user, household) -> list[NextStep]:
    steps = [NextStep(_("Voir la fiche de liaison"), reverse("assessments:liaison", args=[household.pk]))]
    for provider in PROVIDERS:
        steps += provider(user, household)
    return steps
