"""The orientation engine: pure functions on plain data (dataclasses, NumPy columns), no ORM inside.

Give it the open requests (`Requests`) and vacancies (`Vacancy`); it ranks, explains and assigns.
The loaders that build its input from the database live in `parcours.matching.loaders`.
"""

from .core import (
    ENGINE_VERSION,
    Assignment,
    Candidate,
    Engine,
    Exclusion,
    Ranking,
    Reason,
    WhyNot,
    term_labels,
)
from .data import REQUEST_COLUMNS, Requests, Vacancy
from .rules import RULE_CODES, RULES, resolve
from .scoring import DEFAULT_WEIGHTS, TERM_CODES, TERMS, resolve_weights

__all__ = [
    "DEFAULT_WEIGHTS",
    "ENGINE_VERSION",
    "REQUEST_COLUMNS",
    "RULES",
    "RULE_CODES",
    "TERMS",
    "TERM_CODES",
    "Assignment",
    "Candidate",
    "Engine",
    "Exclusion",
    "Ranking",
    "Reason",
    "Requests",
    "Vacancy",
    "WhyNot",
    "resolve",
    "resolve_weights",
    "term_labels",
]
