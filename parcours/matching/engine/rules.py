"""The eligibility rules: each a code, a French label, default parameters and a vectorised check.

The logic is code; which rules apply to a facility, and with which parameters, is data (the matching
app's RuleSetting rows, resolved by the loader into `Vacancy.rules`). A check receives the rows still
in play and answers, for each, whether the request passes; `detail` says in plain French why one
request does not.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .data import Requests, Vacancy

# Default occupancy by typology: (minimum, ideal, maximum) number of people.
DEFAULT_TYPOLOGY_TABLE = {
    "bed": [1, 1, 1],
    "room": [1, 1, 2],
    "T1": [1, 1, 2],
    "T2": [1, 2, 3],
    "T3": [2, 4, 5],
    "T4": [3, 5, 6],
    "T5": [4, 6, 8],
    "T6": [5, 8, 10],
}


def occupancy(vacancy: Vacancy, params: Mapping) -> tuple[int, int, int]:
    """(minimum, ideal, maximum) people for the unit: its typology's row of the table, bounded by its
    capacity in places; a unit without typology takes 1 to its capacity."""
    row = params.get("table", DEFAULT_TYPOLOGY_TABLE).get(vacancy.typology)
    if not row:
        return 1, vacancy.capacity, vacancy.capacity
    low, ideal, high = (int(x) for x in row)
    high = min(high, vacancy.capacity) if vacancy.capacity else high
    return min(low, high), min(ideal, high), high


def consumption_units(req: Requests, rows: np.ndarray) -> np.ndarray:
    """OECD-modified scale: 1 for the first adult, 0.5 for each other person of 14 or more, 0.3 for each
    child under 14 (a household of children only counts its first child as 1)."""
    size = req.size[rows].astype(float)
    young = req.under14[rows].astype(float)
    older = np.maximum(size - young, 0)
    cu = 1 + 0.5 * np.maximum(older - 1, 0) + 0.3 * young
    return np.where(older == 0, cu - 0.3 * (young > 0), cu)


def estimated_benefit(vacancy: Vacancy, req: Requests, rows: np.ndarray, params: Mapping) -> np.ndarray:
    """A simplified, configurable estimate of the housing benefit (APL) for this rent:
    min(rent, ceiling for the household size) + a lump sum for charges − a participation that grows
    with resources, never below zero."""
    rent = vacancy.rent or 0.0
    ceilings = np.asarray(params["benefit_rent_ceilings"], dtype=float)
    size = np.clip(req.size[rows].astype(int), 1, len(ceilings)) - 1
    lump = params["benefit_charges_base"] + params["benefit_charges_per_person"] * (req.size[rows] - 1)
    participation = np.maximum(
        params["benefit_min_participation"], params["benefit_participation_rate"] * req.resources[rows]
    )
    return np.maximum(np.minimum(rent, ceilings[size]) + lump - participation, 0.0)


def cost_figures(vacancy: Vacancy, req: Requests, rows: np.ndarray, params: Mapping) -> dict[str, np.ndarray]:
    """Net housing cost, effort rate and daily residual income per consumption unit."""
    total = (vacancy.rent or 0.0) + (vacancy.charges or 0.0)
    benefit = estimated_benefit(vacancy, req, rows, params)
    resources = req.resources[rows]
    net = np.maximum(total - benefit, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        effort = np.where(resources > 0, net / resources, np.inf)
    residual = (resources + benefit - total - req.other_charges[rows]) / consumption_units(req, rows) / 30.0
    return {
        "total": np.full(len(rows), total),
        "benefit": benefit,
        "net": net,
        "effort": effort,
        "residual": residual,
    }


# --- checks: (vacancy, requests, rows, params) → passes (bool per row) ------------------------------


def _kind(v, req, rows, p):
    if v.kind not in req.kinds:
        return np.zeros(len(rows), dtype=bool)
    return req.kind_wish[rows, req.kinds.index(v.kind)]


def _territory(v, req, rows, p):
    if v.territory not in req.territories:
        return np.zeros(len(rows), dtype=bool)
    return req.territory_rank[rows, req.territories.index(v.territory)] >= 0


def _capacity(v, req, rows, p):
    low, _ideal, high = occupancy(v, p)
    size = req.size[rows]
    return (size >= low) & (size <= min(high + int(p.get("overcrowding_threshold", 0)), v.capacity))


def _cost(v, req, rows, p):
    if v.rent is None and v.charges is None:
        return np.ones(len(rows), dtype=bool)
    figures = cost_figures(v, req, rows, p)
    max_rent = req.max_rent[rows]
    by_ratios = (figures["effort"] <= p["max_effort_rate"]) & (figures["residual"] >= p["min_daily_residual"])
    return np.where(np.isnan(max_rent), by_ratios, figures["total"] <= max_rent)


def _age(v, req, rows, p):
    age = req.head_age[rows]
    ok = np.ones(len(rows), dtype=bool)
    if v.min_age is not None:
        ok &= (age < 0) | (age >= v.min_age)
    if v.max_age is not None:
        ok &= (age < 0) | (age <= v.max_age)
    return ok


def _sex(v, req, rows, p):
    if v.accepted_sex == "F":
        return req.adult_men[rows] == 0
    if v.accepted_sex == "M":
        return req.adult_women[rows] == 0
    return np.ones(len(rows), dtype=bool)


def _composition(v, req, rows, p):
    size = req.size[rows]
    if v.accepted_household == "single":
        return size == 1
    if v.accepted_household == "family":
        return (size - req.adults[rows] > 0) if p.get("family_needs_child") else size >= 2
    return np.ones(len(rows), dtype=bool)


def _pets(v, req, rows, p):
    return ~req.has_pets[rows] | v.pets_accepted


def _accessibility(v, req, rows, p):
    return ~req.needs_accessible[rows] | v.accessible


def _parking(v, req, rows, p):
    parked = req.parked.get(v.facility_id)
    if parked is None or len(parked) == 0:
        return np.ones(len(rows), dtype=bool)
    return ~np.isin(rows, parked)


def _pending(v, req, rows, p):
    if p.get("allow_concurrent_proposals"):
        return np.ones(len(rows), dtype=bool)
    return ~req.has_pending_proposal[rows]


# --- details: why one request (row i) does not pass, in plain French ---------------------------------


def _euros(x: float) -> str:
    return f"{number_format(x, 0, force_grouping=True)} €"


def _num(x: float, decimals: int = 2) -> str:
    return number_format(x, decimals)


def _kind_detail(v, req, i, p):
    return _("Le ménage ne souhaite pas ce type d'offre (%(kind)s).") % {"kind": v.kind}


def _territory_detail(v, req, i, p):
    return _("Le ménage n'a pas demandé le département %(territory)s.") % {"territory": v.territory}


def _capacity_detail(v, req, i, p):
    low, _ideal, high = occupancy(v, p)
    high = min(high + int(p.get("overcrowding_threshold", 0)), v.capacity)
    return _(
        "Le ménage compte %(n)s personne(s) ; ce logement convient de %(low)s à %(high)s personne(s)."
    ) % {
        "n": int(req.size[i]),
        "low": low,
        "high": high,
    }


def _cost_detail(v, req, i, p):
    rows = np.array([i])
    f = {k: float(a[0]) for k, a in cost_figures(v, req, rows, p).items()}
    if not np.isnan(req.max_rent[i]):
        return _(
            "Loyer charges comprises de %(total)s, au-delà du loyer maximum fixé dans l'évaluation (%(max)s)."
        ) % {
            "total": _euros(f["total"]),
            "max": _euros(float(req.max_rent[i])),
        }
    if req.resources[i] <= 0:
        return _("Ressources nulles ou non renseignées : le taux d'effort ne peut être calculé.")
    parts = []
    if f["effort"] > p["max_effort_rate"]:
        parts.append(
            _("taux d'effort de %(rate)s %% (maximum %(max)s %%)")
            % {"rate": _num(100 * f["effort"], 0), "max": _num(100 * p["max_effort_rate"], 0)}
        )
    if f["residual"] < p["min_daily_residual"]:
        parts.append(
            _("reste à vivre de %(rav)s € par jour et par unité de consommation (minimum %(min)s €)")
            % {"rav": _num(f["residual"]), "min": _num(p["min_daily_residual"])}
        )
    return _("Coût trop élevé pour les ressources du ménage : %(parts)s.") % {"parts": " ; ".join(parts)}


def _age_detail(v, req, i, p):
    return _("La personne de référence a %(age)s ans ; la structure accueille de %(min)s à %(max)s ans.") % {
        "age": int(req.head_age[i]),
        "min": v.min_age if v.min_age is not None else 0,
        "max": v.max_age if v.max_age is not None else "…",
    }


def _sex_detail(v, req, i, p):
    if v.accepted_sex == "F":
        return _("La structure accueille des femmes (seules ou avec enfants).")
    return _("La structure accueille des hommes.")


def _composition_detail(v, req, i, p):
    if v.accepted_household == "single":
        return _("La structure accueille des personnes seules.")
    return _("La structure accueille des familles.")


def _pets_detail(v, req, i, p):
    return _("Le ménage vit avec un animal ; la structure n'accepte pas les animaux.")


def _accessibility_detail(v, req, i, p):
    return _("Le ménage a besoin d'un logement accessible ; celui-ci ne l'est pas.")


def _parking_detail(v, req, i, p):
    return _("Après un refus, le ménage n'est pas proposé de nouveau à cette structure pendant un temps.")


def _pending_detail(v, req, i, p):
    return _("Le ménage a déjà une proposition en attente de réponse.")


@dataclass(frozen=True)
class Rule:
    code: str
    label: object  # a lazy French label
    defaults: Mapping
    check: Callable[[Vacancy, Requests, np.ndarray, Mapping], np.ndarray]
    detail: Callable[[Vacancy, Requests, int, Mapping], str]


COST_DEFAULTS = {
    "max_effort_rate": 0.30,
    "min_daily_residual": 10.0,
    # Simplified housing benefit estimate (zone 1 orders of magnitude; to be tuned by the network).
    "benefit_rent_ceilings": [335, 405, 455, 520, 585, 650],
    "benefit_charges_base": 58.0,
    "benefit_charges_per_person": 13.0,
    "benefit_min_participation": 38.0,
    "benefit_participation_rate": 0.12,
}

# In the order a commission reads them: an excluded request shows the first rule it fails.
RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        Rule("kind", gettext_lazy("Type d'offre souhaité"), {}, _kind, _kind_detail),
        Rule("territory", gettext_lazy("Département souhaité"), {}, _territory, _territory_detail),
        Rule(
            "capacity",
            gettext_lazy("Capacité et typologie"),
            {"table": DEFAULT_TYPOLOGY_TABLE, "overcrowding_threshold": 0},
            _capacity,
            _capacity_detail,
        ),
        Rule(
            "cost", gettext_lazy("Coût : taux d'effort et reste à vivre"), COST_DEFAULTS, _cost, _cost_detail
        ),
        Rule("age", gettext_lazy("Public : tranche d'âge"), {}, _age, _age_detail),
        Rule("sex", gettext_lazy("Public : femmes ou hommes"), {}, _sex, _sex_detail),
        Rule(
            "composition",
            gettext_lazy("Public : personnes seules ou familles"),
            {"family_needs_child": False},
            _composition,
            _composition_detail,
        ),
        Rule("pets", gettext_lazy("Animaux"), {}, _pets, _pets_detail),
        Rule("accessibility", gettext_lazy("Accessibilité"), {}, _accessibility, _accessibility_detail),
        Rule("parking", gettext_lazy("Mise en attente après un refus"), {}, _parking, _parking_detail),
        Rule(
            "pending_proposal",
            gettext_lazy("Proposition déjà en cours"),
            {"allow_concurrent_proposals": False},
            _pending,
            _pending_detail,
        ),
    )
}

RULE_CODES = tuple(RULES)


def resolve(settings: Mapping[str, Mapping] | None) -> dict[str, dict]:
    """The enabled rules with their full parameters: every rule with its defaults when `settings` is
    None; otherwise exactly the rules named, each default completed by the given parameters."""
    if settings is None:
        return {code: dict(rule.defaults) for code, rule in RULES.items()}
    unknown = set(settings) - set(RULES)
    if unknown:
        raise ValueError(f"unknown rules: {sorted(unknown)}")
    return {
        code: {**RULES[code].defaults, **(settings[code] or {})} for code in RULE_CODES if code in settings
    }
