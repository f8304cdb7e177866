"""The ranking terms: each a code, a French label and a value per request; weights are data."""

from collections.abc import Mapping

import numpy as np
from django.utils.translation import gettext_lazy

from .data import Requests, Vacancy
from .rules import DEFAULT_TYPOLOGY_TABLE, occupancy

TERMS = {
    "seniority": gettext_lazy("Ancienneté de la demande (par année)"),
    "vulnerability": gettext_lazy("Priorité de vulnérabilité (P1 = 1, P4 = 0)"),
    "dalo": gettext_lazy("Décision DALO ou DAHO"),
    "syplo": gettext_lazy("Labellisation SYPLO"),
    "territory_preference": gettext_lazy("Rang du département dans les souhaits (1er = 1, 2e = 1/2…)"),
    "typology_fit": gettext_lazy("Adéquation de la typologie à la taille du ménage"),
    "manual_priority": gettext_lazy("Priorité motivée de la commission (par point)"),
}
TERM_CODES = tuple(TERMS)

DEFAULT_WEIGHTS = {
    "seniority": 10.0,
    "vulnerability": 20.0,
    "dalo": 30.0,
    "syplo": 15.0,
    "territory_preference": 5.0,
    "typology_fit": 10.0,
    "manual_priority": 1.0,
}

# Terms that depend on the household alone, computed once for every vacancy.
HOUSEHOLD_TERMS = ("seniority", "vulnerability", "dalo", "syplo", "manual_priority")


def resolve_weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    if weights is None:
        return dict(DEFAULT_WEIGHTS)
    unknown = set(weights) - set(TERMS)
    if unknown:
        raise ValueError(f"unknown ranking terms: {sorted(unknown)}")
    return {code: float(weights.get(code, DEFAULT_WEIGHTS[code])) for code in TERM_CODES}


def household_values(req: Requests, today_ordinal: int) -> dict[str, np.ndarray]:
    """Unweighted values of the terms that depend on the household alone, for every request."""
    day = req.seniority_day.astype(np.int64)
    seniority = np.where(day > 0, np.maximum(today_ordinal - day, 0) / 365.25, 0.0)
    vuln = req.vulnerability.astype(float)
    return {
        "seniority": seniority,
        "vulnerability": np.where(vuln > 0, (4 - vuln) / 3, 0.0),
        "dalo": req.dalo.astype(float),
        "syplo": req.syplo.astype(float),
        "manual_priority": req.manual_priority.astype(float),
    }


def pair_values(vacancy: Vacancy, req: Requests, rows: np.ndarray, capacity_params: Mapping | None) -> dict:
    """Unweighted values of the terms that depend on the vacancy too."""
    if vacancy.territory in req.territories:
        rank = req.territory_rank[rows, req.territories.index(vacancy.territory)].astype(float)
        preference = np.where(rank >= 0, 1.0 / (rank + 1), 0.0)
    else:
        preference = np.zeros(len(rows))
    _low, ideal, _high = occupancy(vacancy, capacity_params or {"table": DEFAULT_TYPOLOGY_TABLE})
    gap = np.abs(req.size[rows].astype(float) - ideal)
    fit = np.clip(1.0 - gap / max(ideal, 1), 0.0, 1.0)
    return {"territory_preference": preference, "typology_fit": fit}
