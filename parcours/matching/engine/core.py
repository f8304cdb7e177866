"""The engine: eligibility, explained ranking and optimal assignment on plain data."""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from .data import Requests, Vacancy
from .rules import RULE_CODES, RULES, resolve
from .scoring import HOUSEHOLD_TERMS, TERM_CODES, TERMS, household_values, pair_values, resolve_weights

ENGINE_VERSION = "1"
_NO_DAY = np.iinfo(np.int32).max


@dataclass(frozen=True)
class Candidate:
    request_id: int
    household_id: int
    rank: int  # 1 = first
    score: float
    terms: dict[str, float]  # weighted contribution of each term; they add up to the score


@dataclass(frozen=True)
class Exclusion:
    request_id: int
    household_id: int
    rule: str
    label: str
    detail: str


@dataclass(frozen=True)
class Reason:
    rule: str
    label: str
    detail: str


@dataclass(frozen=True)
class WhyNot:
    """One household and one vacancy: every rule it fails, or its place in the ranking."""

    request_id: int
    open: bool  # False when the request is not among the open, validated requests
    reasons: list[Reason]
    candidate: Candidate | None

    @property
    def eligible(self) -> bool:
        return self.open and not self.reasons


@dataclass
class Ranking:
    """One vacancy's eligible requests in order and the excluded ones with their first failed rule.

    Rows stay NumPy arrays; `ranked()` and `excluded()` build objects only for what is shown."""

    engine: "Engine"
    vacancy: Vacancy
    rules: dict[str, dict]
    rows: np.ndarray  # eligible rows, best first
    scores: np.ndarray
    excluded_rows: np.ndarray  # in no particular order: sorted when listed
    excluded_rules: np.ndarray  # index into RULE_CODES, per excluded row
    _listed_cache: dict = field(default_factory=dict, repr=False)

    @property
    def ranked_count(self) -> int:
        return len(self.rows)

    @property
    def excluded_count(self) -> int:
        return len(self.excluded_rows)

    def ranked(self, limit: int | None = None, offset: int = 0) -> list[Candidate]:
        rows = self.rows[offset : None if limit is None else offset + limit]
        terms = self.engine.terms(self.vacancy, rows, self.rules)
        req = self.engine.requests
        return [
            Candidate(
                request_id=int(req.request_id[i]),
                household_id=int(req.household_id[i]),
                rank=offset + n + 1,
                score=round(float(self.scores[offset + n]), 4),
                terms={code: round(float(terms[code][n]), 4) for code in TERM_CODES},
            )
            for n, i in enumerate(rows)
        ]

    def _listed(self, skip: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        """The excluded, less those excluded by the `skip` rules, in request order (the list reads the
        same from one run to the next); sorted once per `skip`."""
        if skip not in self._listed_cache:
            rows, rules = self.excluded_rows, self.excluded_rules
            if skip:
                skipped = np.zeros(len(RULE_CODES), dtype=bool)
                skipped[[RULE_CODES.index(code) for code in skip]] = True
                keep = ~skipped[rules]
                rows, rules = rows[keep], rules[keep]
            order = np.argsort(self.engine.requests.request_id[rows], kind="stable")
            self._listed_cache[skip] = (rows[order], rules[order])
        return self._listed_cache[skip]

    def listed_excluded_count(self, skip: tuple[str, ...] = ()) -> int:
        return len(self._listed(skip)[0])

    def excluded(
        self, limit: int | None = None, offset: int = 0, skip: tuple[str, ...] = ()
    ) -> list[Exclusion]:
        """The excluded requests, in request order; `skip` leaves out those excluded by some rules (the
        requests that did not wish this kind of offer or département, say)."""
        rows, rules = self._listed(skip)
        stop = None if limit is None else offset + limit
        req = self.engine.requests
        out = []
        for i, r in zip(rows[offset:stop], rules[offset:stop], strict=True):
            code = RULE_CODES[r]
            label = str(RULES[code].label)
            out.append(
                Exclusion(
                    request_id=int(req.request_id[i]),
                    household_id=int(req.household_id[i]),
                    rule=code,
                    label=label,
                    detail=RULES[code].detail(self.vacancy, req, int(i), self.rules[code]),
                )
            )
        return out

    def exclusions_by_rule(self) -> dict[str, int]:
        counts = np.bincount(self.excluded_rules, minlength=len(RULE_CODES))
        return {code: int(c) for code, c in zip(RULE_CODES, counts, strict=True) if c}

    def snapshot(
        self, limit: int | None = None, *, skip: tuple[str, ...] = (), request_id: int | None = None
    ) -> dict:
        """The input and the output of this ranking as plain JSON, to be stored with a proposal so the
        decision can be re-explained years later (ids only: no name, no personal detail).

        `limit` bounds the ranked and the excluded kept (None: all); `skip` leaves out of the excluded
        those excluded by these rules (still counted by rule); `request_id` (the proposed request) is
        always kept, with its place or every rule it fails."""
        ranked = self.ranked(limit)
        excluded = self.excluded(limit, skip=skip)
        req = self.engine.requests
        shown = [req.row_of(c.request_id) for c in ranked] + [req.row_of(e.request_id) for e in excluded]
        focus = None
        if request_id is not None:
            why = self.engine.why_not(self.vacancy, request_id)
            focus = {
                "request_id": request_id,
                "open": why.open,
                "reasons": [r.__dict__ for r in why.reasons],
                "candidate": why.candidate.__dict__ if why.candidate else None,
            }
            row = req.row_of(request_id)
            if row is not None and row not in shown:
                shown.append(row)
        return {
            "engine_version": ENGINE_VERSION,
            "computed_on": self.engine.today.isoformat(),
            "vacancy": self.vacancy.facts(),
            "rules": self.rules,
            "weights": self.engine.weights,
            "requests": [req.facts(i) for i in shown],
            "ranked_count": self.ranked_count,
            "excluded_count": self.excluded_count,
            "excluded_by_rule": self.exclusions_by_rule(),
            "ranked": [c.__dict__ for c in ranked],
            "excluded": [{"request_id": e.request_id, "rule": e.rule, "detail": e.detail} for e in excluded],
            "request": focus,
        }


@dataclass(frozen=True)
class Assignment:
    """The best set of (vacancy, request) pairs: the most vacancies filled, then the highest total score
    (or the highest total score alone without `fill_first`)."""

    pairs: list[tuple[int, int, float]]  # (vacancy id, request id, score), by vacancy id
    unfilled: list[int]  # vacancy ids with no eligible request left
    total_score: float
    edges: int  # eligible pairs the solver considered


@dataclass
class Engine:
    """The open requests prepared once (household terms, rule buckets), then any number of vacancies.

    `rules` are the default rules when a vacancy carries none (code → parameters; None: all rules
    with their defaults); `weights` the ranking weights (term → weight; None: the defaults).
    """

    requests: Requests
    today: dt.date
    weights: Mapping[str, float] | None = None
    rules: Mapping[str, Mapping] | None = None
    _base: np.ndarray = field(init=False, repr=False)
    _values: dict = field(init=False, repr=False)
    _buckets: dict = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self):
        self.weights = resolve_weights(self.weights)
        self._values = household_values(self.requests, self.today.toordinal())
        self._base = sum(self.weights[code] * self._values[code] for code in HOUSEHOLD_TERMS)
        day = self.requests.seniority_day
        self._tiebreak_day = np.where(day > 0, day, _NO_DAY)

    # --- eligibility ------------------------------------------------------------------------------

    def rules_for(self, vacancy: Vacancy) -> dict[str, dict]:
        return resolve(vacancy.rules if vacancy.rules is not None else self.rules)

    def _first_rules(self, vacancy: Vacancy, rules: dict) -> tuple[np.ndarray, list, list, list]:
        """Rows past the kind and territory rules (cached per kind × territory: shared by many
        vacancies), and the rules still to apply."""
        leading = [code for code in ("kind", "territory") if code in rules]
        key = (vacancy.kind if "kind" in rules else None, vacancy.territory if "territory" in rules else None)
        if key not in self._buckets:
            alive = np.arange(len(self.requests), dtype=np.int32)  # half the memory of int64 per bucket
            out_rows, out_rules = [], []
            for code in leading:
                ok = RULES[code].check(vacancy, self.requests, alive, rules[code])
                out_rows.append(alive[~ok])
                out_rules.append(np.full((~ok).sum(), RULE_CODES.index(code), dtype=np.int8))
                alive = alive[ok]
            self._buckets[key] = (alive, out_rows, out_rules)
        alive, out_rows, out_rules = self._buckets[key]
        return alive, list(out_rows), list(out_rules), [c for c in rules if c not in leading]

    def eligible(self, vacancy: Vacancy, rules: dict | None = None, *, with_excluded: bool = True):
        """(eligible rows, excluded rows, the index of the rule that excluded each); without
        `with_excluded` the last two stay empty (the assignment needs only the eligible)."""
        rules = self.rules_for(vacancy) if rules is None else rules
        alive, out_rows, out_rules, remaining = self._first_rules(vacancy, rules)
        if not with_excluded:
            out_rows, out_rules = [], []
        for code in remaining:
            if not len(alive):
                break
            ok = RULES[code].check(vacancy, self.requests, alive, rules[code])
            if not ok.all():
                if with_excluded:
                    out_rows.append(alive[~ok])
                    out_rules.append(np.full((~ok).sum(), RULE_CODES.index(code), dtype=np.int8))
                alive = alive[ok]
        excluded = np.concatenate(out_rows) if out_rows else np.empty(0, dtype=np.int64)
        excluded_rules = np.concatenate(out_rules) if out_rules else np.empty(0, dtype=np.int8)
        return alive, excluded, excluded_rules

    # --- scoring ----------------------------------------------------------------------------------

    def scores(self, vacancy: Vacancy, rows: np.ndarray, rules: dict) -> np.ndarray:
        pair = pair_values(vacancy, self.requests, rows, rules.get("capacity"))
        return (
            self._base[rows]
            + self.weights["territory_preference"] * pair["territory_preference"]
            + self.weights["typology_fit"] * pair["typology_fit"]
        )

    def terms(self, vacancy: Vacancy, rows: np.ndarray, rules: dict) -> dict[str, np.ndarray]:
        """The weighted contribution of every term, for the given rows."""
        pair = pair_values(vacancy, self.requests, rows, rules.get("capacity"))
        values = {code: self._values[code][rows] for code in HOUSEHOLD_TERMS} | pair
        return {code: self.weights[code] * values[code] for code in TERM_CODES}

    def _order(self, rows: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """Best score first; ties by older seniority date, then by request number (deterministic)."""
        return np.lexsort((self.requests.request_id[rows], self._tiebreak_day[rows], -scores))

    def rank(self, vacancy: Vacancy) -> Ranking:
        rules = self.rules_for(vacancy)
        rows, excluded, excluded_rules = self.eligible(vacancy, rules)
        scores = self.scores(vacancy, rows, rules)
        order = self._order(rows, scores)
        return Ranking(self, vacancy, rules, rows[order], scores[order], excluded, excluded_rules)

    def why_not(self, vacancy: Vacancy, request_id: int) -> WhyNot:
        """Every rule this request fails for this vacancy (not only the first), or its rank."""
        i = self.requests.row_of(request_id)
        if i is None:
            return WhyNot(request_id, False, [], None)
        rules = self.rules_for(vacancy)
        row = np.array([i])
        reasons = [
            Reason(code, str(RULES[code].label), RULES[code].detail(vacancy, self.requests, i, params))
            for code, params in rules.items()
            if not RULES[code].check(vacancy, self.requests, row, params)[0]
        ]
        if reasons:
            return WhyNot(request_id, True, reasons, None)
        ranking = self.rank(vacancy)
        position = int(np.flatnonzero(ranking.rows == i)[0])
        return WhyNot(request_id, True, [], ranking.ranked(limit=1, offset=position)[0])

    # --- many vacancies at once -------------------------------------------------------------------

    def assign(self, vacancies: Iterable[Vacancy], *, fill_first: bool = True) -> Assignment:
        """An optimal assignment over the sparse eligible pairs (min_weight_full_bipartite_matching).

        Only each vacancy's best n candidates are kept, n being the number of vacancies: an optimal
        assignment exists among them (if a vacancy got a request outside its best n, one of those n
        is free, since the n − 1 other vacancies take at most n − 1 of them, and swapping to it loses
        nothing). Each vacancy also gets a dummy column meaning "left unfilled".
        """
        vacancies = list(vacancies)
        n = len(vacancies)
        edge_rows, edge_cols, edge_scores = [], [], []
        for v_index, vacancy in enumerate(vacancies):
            rules = self.rules_for(vacancy)
            rows, _excluded, _rules = self.eligible(vacancy, rules, with_excluded=False)
            if not len(rows):
                continue
            scores = self.scores(vacancy, rows, rules)
            if len(rows) > n:
                keep = np.argpartition(-scores, n - 1)[:n]
                rows, scores = rows[keep], scores[keep]
            edge_rows.append(np.full(len(rows), v_index))
            edge_cols.append(rows)
            edge_scores.append(scores)
        if not edge_rows:
            return Assignment([], sorted(v.id for v in vacancies), 0.0, 0)
        r = np.concatenate(edge_rows)
        c = np.concatenate(edge_cols)
        s = np.concatenate(edge_scores)
        columns, c_compact = np.unique(c, return_inverse=True)
        top = float(s.max()) + 1.0
        # Costs stay strictly positive (a zero would read as "no edge"); an unfilled vacancy costs as
        # much as a score of 0 or, with fill_first, more than any set of real pairs.
        dummy = top * (n + 1) if fill_first else top
        cost = np.concatenate([top - s, np.full(n, dummy)])
        matrix = csr_matrix(
            (
                cost,
                (np.concatenate([r, np.arange(n)]), np.concatenate([c_compact, len(columns) + np.arange(n)])),
            ),
            shape=(n, len(columns) + n),
        )
        v_idx, col_idx = min_weight_full_bipartite_matching(matrix)
        matched_scores = top - np.asarray(matrix[v_idx, col_idx]).ravel()
        pairs, unfilled = [], []
        for a, b, score in zip(v_idx, col_idx, matched_scores, strict=True):
            if b >= len(columns):
                unfilled.append(vacancies[a].id)
            else:
                row = int(columns[b])
                pairs.append((vacancies[a].id, int(self.requests.request_id[row]), round(float(score), 4)))
        pairs.sort()
        return Assignment(pairs, sorted(unfilled), round(sum(p[2] for p in pairs), 4), len(s))


def term_labels() -> dict[str, str]:
    return {code: str(label) for code, label in TERMS.items()}
