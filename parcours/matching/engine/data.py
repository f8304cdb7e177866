"""The engine's input: one vacancy's facts, and the open requests as NumPy columns (no ORM here)."""

from collections.abc import Mapping
from dataclasses import dataclass, field, fields

import numpy as np

# The household and request facts the engine may read. Nationality, administrative status and health
# details are deliberately absent: what is not an input cannot change a rank (design §2 and §6).
REQUEST_COLUMNS = {
    "request_id": np.int64,
    "household_id": np.int64,
    "seniority_day": np.int32,  # date.toordinal() of the seniority date; 0 when unknown
    "size": np.int16,  # people in the household now
    "under14": np.int16,  # of whom children under 14 (OECD-modified scale)
    "adults": np.int16,  # of whom adults (18 and over, or head/spouse of unknown age)
    "adult_women": np.int16,
    "adult_men": np.int16,
    "head_age": np.int16,  # -1 when the birth date is unknown
    "has_pets": np.bool_,
    "needs_accessible": np.bool_,
    "resources": np.float64,  # monthly resources, housing benefit excluded (it is re-estimated)
    "other_charges": np.float64,  # monthly charges other than rent (debts, insurance, childcare…)
    "max_rent": np.float64,  # AFFIL item 5.1, rent + charges; NaN when not given
    "vulnerability": np.int8,  # 1 (P1, most vulnerable) … 4 (P4); 0 when not assessed
    "dalo": np.bool_,  # a DALO or DAHO decision
    "syplo": np.bool_,
    "manual_priority": np.float64,  # a commission's justified manual priority, in points
    "has_pending_proposal": np.bool_,
}


@dataclass(frozen=True)
class Vacancy:
    """A unit free to be proposed, with the facts of its facility that the rules read."""

    id: int
    facility_id: int
    kind: str
    territory: str
    capacity: int
    typology: str = ""
    rent: float | None = None
    charges: float | None = None
    accessible: bool = False
    min_age: int | None = None
    max_age: int | None = None
    accepted_sex: str = "any"  # any | F | M
    accepted_household: str = "any"  # any | single | family
    pets_accepted: bool = False
    # The rules applied to this facility and their parameters (code → parameters); None: the defaults.
    rules: Mapping[str, Mapping] | None = None

    def facts(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "rules"}


@dataclass
class Requests:
    """The open requests, one row each, as columns of equal length.

    `kind_wish[i, k]` says whether request i wishes `kinds[k]`; `territory_rank[i, t]` is the rank
    (0 = first choice) of `territories[t]` in its wishes, or -1. `parked` maps a facility id to the
    rows of the requests parked away from it after a refusal.
    """

    columns: dict[str, np.ndarray]
    kinds: tuple[str, ...]
    kind_wish: np.ndarray
    territories: tuple[str, ...]
    territory_rank: np.ndarray
    parked: Mapping[int, np.ndarray] = field(default_factory=dict)

    def __post_init__(self):
        missing = set(REQUEST_COLUMNS) - set(self.columns)
        unknown = set(self.columns) - set(REQUEST_COLUMNS)
        if missing or unknown:
            raise ValueError(f"request columns: missing {sorted(missing)}, unknown {sorted(unknown)}")
        self.columns = {
            name: np.asarray(self.columns[name], dtype=dt) for name, dt in REQUEST_COLUMNS.items()
        }
        n = len(self.columns["request_id"])
        if any(len(col) != n for col in self.columns.values()):
            raise ValueError("request columns differ in length")
        self.kind_wish = np.asarray(self.kind_wish, dtype=bool).reshape(n, len(self.kinds))
        self.territory_rank = np.asarray(self.territory_rank, dtype=np.int16).reshape(
            n, len(self.territories)
        )
        self._row_of = None

    def __len__(self) -> int:
        return len(self.columns["request_id"])

    def __getattr__(self, name):
        try:
            return self.__dict__["columns"][name]
        except KeyError:
            raise AttributeError(name) from None

    def row_of(self, request_id: int) -> int | None:
        """The row of a request, or None when it is not among the open requests."""
        if self._row_of is None:
            self._row_of = {int(r): i for i, r in enumerate(self.columns["request_id"])}
        return self._row_of.get(int(request_id))

    def facts(self, i: int) -> dict:
        """One request's facts as plain JSON-ready values (for snapshots and explanations)."""
        row = {name: col[i].item() for name, col in self.columns.items()}
        if np.isnan(row["max_rent"]):
            row["max_rent"] = None
        row["wished_kinds"] = [k for k, w in zip(self.kinds, self.kind_wish[i], strict=True) if w]
        ranks = self.territory_rank[i]
        row["wished_territories"] = [
            t for _r, t in sorted((r, t) for t, r in zip(self.territories, ranks, strict=True) if r >= 0)
        ]
        row["parked_facilities"] = sorted(fid for fid, rows in self.parked.items() if i in rows)
        return row

    @classmethod
    def from_records(
        cls, records: list[dict], *, parked: Mapping[int, list[int]] | None = None
    ) -> "Requests":
        """Build the columns from one dict per request (tests, small inputs). Each record holds the
        REQUEST_COLUMNS (missing ones take a neutral default), `wished_kinds` and `wished_territories`
        (ordered lists); `parked` maps a facility id to request ids."""
        kinds = tuple(sorted({k for r in records for k in r.get("wished_kinds", ())}))
        territories = tuple(sorted({t for r in records for t in r.get("wished_territories", ())}))
        n = len(records)
        defaults = {"head_age": -1, "max_rent": np.nan, "size": 1, "adults": 1}
        columns = {
            name: np.array([r.get(name, defaults.get(name, 0)) for r in records], dtype=dt)
            for name, dt in REQUEST_COLUMNS.items()
        }
        kind_wish = np.zeros((n, len(kinds)), dtype=bool)
        territory_rank = np.full((n, len(territories)), -1, dtype=np.int16)
        for i, r in enumerate(records):
            for k in r.get("wished_kinds", ()):
                kind_wish[i, kinds.index(k)] = True
            for rank, t in enumerate(r.get("wished_territories", ())):
                territory_rank[i, territories.index(t)] = rank
        ids = columns["request_id"]
        rows = {
            fid: np.flatnonzero(np.isin(ids, np.asarray(req_ids, dtype=np.int64)))
            for fid, req_ids in (parked or {}).items()
        }
        return cls(columns, kinds, kind_wish, territories, territory_rank, rows)


def take(requests: Requests, rows: np.ndarray) -> Requests:
    """The given rows of `requests`, in that order (parked rows renumbered)."""
    rows = np.asarray(rows, dtype=np.int64)
    new_index = np.full(len(requests), -1, dtype=np.int64)
    new_index[rows] = np.arange(len(rows))
    parked = {fid: new_index[r][new_index[r] >= 0] for fid, r in requests.parked.items()}
    return Requests(
        {name: col[rows] for name, col in requests.columns.items()},
        requests.kinds,
        requests.kind_wish[rows],
        requests.territories,
        requests.territory_rank[rows],
        {fid: r for fid, r in parked.items() if len(r)},
    )


def concat(first: Requests, second: Requests) -> Requests:
    """The rows of both, their kinds and départements vocabularies merged."""
    kinds = tuple(sorted(set(first.kinds) | set(second.kinds)))
    territories = tuple(sorted(set(first.territories) | set(second.territories)))

    def widen(matrix, vocabulary, merged, fill):
        out = np.full((matrix.shape[0], len(merged)), fill, dtype=matrix.dtype)
        for j, name in enumerate(vocabulary):
            out[:, merged.index(name)] = matrix[:, j]
        return out

    n = len(first)
    parked = {fid: np.asarray(r) for fid, r in first.parked.items()}
    for fid, r in second.parked.items():
        parked[fid] = np.concatenate([parked.get(fid, np.empty(0, dtype=np.int64)), np.asarray(r) + n])
    return Requests(
        {name: np.concatenate([first.columns[name], second.columns[name]]) for name in REQUEST_COLUMNS},
        kinds,
        np.vstack(
            [
                widen(first.kind_wish, first.kinds, kinds, False),
                widen(second.kind_wish, second.kinds, kinds, False),
            ]
        ),
        territories,
        np.vstack(
            [
                widen(first.territory_rank, first.territories, territories, -1),
                widen(second.territory_rank, second.territories, territories, -1),
            ]
        ),
        parked,
    )
