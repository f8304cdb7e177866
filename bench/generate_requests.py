"""Fill the (PostgreSQL) bench database with open insertion requests and vacancies, fast.

On top of bench/generate_households.py's households: `n_requests` validated requests (one per
household, wished kinds and départements drawn from realistic combinations, seniority over four
years, an AFFIL maximum rent for one in ten), matching facts for one in four (vulnerability, a few
needs and commission priorities), and `n_vacancies` open vacancies in facilities of every kind of
offer in 93, 75 and 92. Everything is INSERT … SELECT or bulk_create; a second call adds nothing.
"""

import random
import time
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction

KIND_WISHES = [
    (["logement_social"], 30),
    (["logement_social", "iml"], 10),
    (["chrs"], 12),
    (["chrs", "residence_sociale"], 10),
    (["residence_sociale", "fjt"], 6),
    (["pension_de_famille"], 6),
    (["residence_accueil", "pension_de_famille"], 3),
    (["logement_accompagne", "logement_social"], 8),
    (["chu", "chrs"], 10),
    (["iml"], 5),
]
TERRITORY_WISHES = [
    (["93"], 45),
    (["93", "75"], 20),
    (["75", "93"], 10),
    (["93", "92", "94"], 15),
    (["92", "93"], 10),
]
# Kinds of the bench facilities, with their share of vacancies.
FACILITY_KINDS = [
    ("logement_social", 40),
    ("chrs", 15),
    ("residence_sociale", 10),
    ("pension_de_famille", 6),
    ("fjt", 5),
    ("iml", 10),
    ("logement_accompagne", 6),
    ("chu", 8),
]
TYPOLOGIES = [("T1", 1, 20), ("T2", 2, 30), ("T3", 4, 30), ("T4", 5, 15), ("T5", 7, 5)]


@dataclass
class Generated:
    requests: int
    vacancies: int
    seconds: float


def _expand(weighted) -> list:
    return [value for value, weight in weighted for _ in range(weight)]


def generate(n_requests: int = 100_000, n_vacancies: int = 2_000, *, verbose: bool = True) -> Generated:
    from parcours.orientation.models import InsertionRequest

    started = time.perf_counter()
    existing = InsertionRequest.objects.filter(status="validated").count()
    with transaction.atomic(), connection.cursor() as cursor:
        if existing < n_requests:
            _requests(cursor, n_requests - existing)
            _spread_timestamps(cursor)
        if verbose:
            print(f"    {time.perf_counter() - started:6.1f} s  requests", flush=True)
        vacancies = _vacancies(n_vacancies)
    cursor = connection.cursor()
    cursor.execute(
        "ANALYZE orientation_insertionrequest; ANALYZE matching_requestfacts; ANALYZE offers_vacancy"
    )
    elapsed = time.perf_counter() - started
    return Generated(InsertionRequest.objects.filter(status="validated").count(), vacancies, elapsed)


def _requests(cursor, n: int) -> None:
    import json

    kinds = [json.dumps(k) for k in _expand(KIND_WISHES)]
    territories = [json.dumps(t) for t in _expand(TERRITORY_WISHES)]
    cursor.execute("SELECT setseed(0.17)")
    cursor.execute(
        """
        INSERT INTO orientation_insertionrequest
            (created_at, updated_at, version, household_id, status, wished_kinds, wished_territories,
             max_rent, seniority_date, submitted_at, validated_at, created_by_id)
        SELECT now(), now(), 1, h.id, 'validated',
               (%(kinds)s::text[])[1 + floor(random() * %(nk)s)::int]::jsonb,
               (%(territories)s::text[])[1 + floor(random() * %(nt)s)::int]::jsonb,
               CASE WHEN random() < 0.1 THEN round((350 + random() * 450)::numeric, 2) END,
               current_date - floor(random() * 1500)::int, now(), now(), NULL
          FROM (SELECT id FROM households_household hh
                 WHERE hh.deleted_at IS NULL AND hh.merged_into_id IS NULL
                   AND NOT EXISTS (SELECT 1 FROM orientation_insertionrequest r
                                    WHERE r.household_id = hh.id
                                      AND r.status NOT IN ('admitted', 'cancelled', 'expired'))
                 ORDER BY id LIMIT %(n)s) h
        """,
        {"kinds": kinds, "nk": len(kinds), "territories": territories, "nt": len(territories), "n": n},
    )
    cursor.execute(
        """
        INSERT INTO matching_requestfacts
            (created_at, updated_at, version, request_id, vulnerability, needs_accessible, has_pets,
             manual_priority, manual_priority_reason, updated_by_id)
        SELECT now(), now(), 1, r.id,
               (ARRAY['P1', 'P2', 'P3', 'P4', ''])[1 + floor(random() * 5)::int],
               random() < 0.05, random() < 0.08,
               p.points, CASE WHEN p.points > 0 THEN 'Priorité motivée (banc d''essai).' ELSE '' END, NULL
          FROM orientation_insertionrequest r
         CROSS JOIN LATERAL (SELECT CASE WHEN random() < 0.03 THEN 1 + floor(random() * 10)::int ELSE 0 END
                             + 0 * r.id AS points) p
         WHERE r.status = 'validated' AND random() < 0.25
           AND NOT EXISTS (SELECT 1 FROM matching_requestfacts f WHERE f.request_id = r.id)
        """
    )


def _spread_timestamps(cursor) -> None:
    """Files are written over years, not in one statement: the last changes must be a few rows, as
    in real life, for the engine's cache to read deltas (matching.cache)."""
    cursor.execute(
        "UPDATE orientation_insertionrequest SET updated_at = now() - random() * interval '900 days' "
        "WHERE status = 'validated'"
    )
    cursor.execute(
        "UPDATE households_household SET updated_at = now() - random() * interval '900 days' "
        "WHERE id IN (SELECT household_id FROM orientation_insertionrequest)"
    )
    cursor.execute("UPDATE matching_requestfacts SET updated_at = now() - random() * interval '900 days'")


def _vacancies(n: int) -> int:
    from parcours.accounts.models import Organization
    from parcours.accounts.roles import OrganizationType
    from parcours.offers.models import Facility, Unit, Vacancy
    from parcours.territories.models import Territory

    open_now = Vacancy.objects.filter(status="open", unit__facility__name__startswith="Banc ").count()
    if open_now >= n:
        return open_now
    rng = random.Random(2000)
    territories = {}
    for code, name in (
        ("93", "Seine-Saint-Denis"),
        ("75", "Paris"),
        ("92", "Hauts-de-Seine"),
        ("94", "Val-de-Marne"),
    ):
        territories[code], _ = Territory.objects.get_or_create(
            code=code, defaults={"name": name, "region_code": "11", "region_name": "Île-de-France"}
        )
    landlord, _ = Organization.objects.get_or_create(
        name="Bailleur (banc d'essai)",
        defaults={"type": OrganizationType.LANDLORD, "territory": territories["93"]},
    )
    kinds = _expand(FACILITY_KINDS)
    per_facility = 10
    facilities = Facility.objects.bulk_create(
        [
            Facility(
                name=f"Banc {i:04d}",
                kind=rng.choice(kinds),
                organization=landlord,
                territory=territories[rng.choices(["93", "75", "92"], [70, 20, 10])[0]],
                pets_accepted=rng.random() < 0.4,
                accepted_household=rng.choices(["any", "single", "family"], [70, 15, 15])[0],
                max_age=30 if rng.random() < 0.05 else None,
            )
            for i in range((n - open_now) // per_facility + 1)
        ]
    )
    units = []
    for facility in facilities:
        housing = facility.kind in ("logement_social", "iml", "logement_accompagne", "residence_sociale")
        for j in range(per_facility):
            typology, capacity, _w = rng.choices(TYPOLOGIES, [w for *_x, w in TYPOLOGIES])[0]
            rent = Decimal(120 + 90 * capacity + rng.randrange(0, 150)) if housing else None
            units.append(
                Unit(
                    facility=facility,
                    label=f"U{j}",
                    capacity=capacity,
                    typology=typology,
                    rent=rent,
                    charges=Decimal(40 + 15 * capacity) if housing else None,
                    accessible=rng.random() < 0.1,
                )
            )
    units = Unit.objects.bulk_create(units)
    Vacancy.objects.bulk_create([Vacancy(unit=u, available_from="2026-12-15") for u in units[: n - open_now]])
    return Vacancy.objects.filter(status="open", unit__facility__name__startswith="Banc ").count()
