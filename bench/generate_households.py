"""Fill the (PostgreSQL) bench database with N fictional people in about N / 2.5 households, fast.

Everything is generated inside PostgreSQL with INSERT … SELECT over generate_series: names are drawn
from the demo lists (`parcours.demo.names`) with a Zipf-like frequency, and their folded forms are
computed here in Python with `parcours.core.text.fold`, so `search_text` is exactly what
`Person.save()` would store. Secondary indexes and foreign keys of the filled tables are dropped
during the load and rebuilt after it (one sort per index, one join per key), then ANALYZE.

Used by bench/bench_households.py through `generate(n_people)`; bench/run.py has already migrated
the database and configured Django. Standalone:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parcours_bench \\
        DJANGO_SETTINGS_MODULE=config.settings.test python bench/generate_households.py 100000
"""

import os
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction

from parcours.accounts.roles import OrganizationType, Role
from parcours.core.text import fold
from parcours.demo import names
from parcours.households.choices import SUGGESTED_FAMILY, Situation

# Models are imported inside the functions: the module also runs standalone, before django.setup().

TERRITORY = "93"
SIAO_NAME = "SIAO de Seine-Saint-Denis (banc d'essai)"
ASSOCIATIONS = 12
WORKERS_PER_ASSOCIATION = 15
ZIPF = 0.6  # frequency of the listed names ~ 1 / rank^ZIPF: a few very common names
# The lists hold the common names only; a real file of a million people has tens of thousands of
# surnames. A tail of rarer surnames, built from the sounds of each origin, gets TAIL of the draws.
TAIL = 0.55
TAIL_PARTS = {
    "france": (
        "Bou Ger Mar Lan Ver Cha Rou Bel Fer Gra Val Mon Ber Dar Pel Ros Tes Cor Gau Vin Lab Mal Sau "
        "Tal Bri Cas Del Fou Gil Lor Mau Bar Pey Lam Ron",
        "chard ville mont lier rand tier ault in ot eau ard ier on el et court lain ais oux enne "
        "agne ade ine elle eux",
    ),
    "maghreb": (
        "Ben Bel Bou Ait_ Ould_ Ben_ El_ Hadj_ Sidi_",
        "kacem salah amar aziz hadj moussa nabi rahal tahar omar yahia brahim djelloul mansour "
        "khelil zaid chaouch hamou larbi mokhtar rabah slimane yazid karim nacer djamel",
    ),
    "west_africa": (
        "Dia Kou Sa Ba Ka Ma Sou Dem Ton Kei Fo Si Tra Ko Ni Dou Ta Gue Sek Man",
        "ra bé té ssa nté ko ri ma gué ba lo ré dji ta kité gana mbia lla dio ssé",
    ),
    "central_africa": (
        "Mbe Ka Lu Nzu Ma Ngo Ki Mu Tshi Ilu Bi Mo",
        "mba ngu kasa londa kenge nzi bala yonga lu ngo mbo",
    ),
    "eastern_europe": (
        "Popo Ion Stoi Radu Mun Dobr Cio Luc Koval Bond Petr Marc",
        "escu eanu ovici enko uk ache an",
    ),
    "south_asia": (
        "Ah Ra Ha Kar Naz Saf Sul Ham Iq Ras Sel Tha Kan",
        "madi himi keri zai bari yar ullah an eswaran akumar",
    ),
    "horn_of_africa": (
        "Tes Ghe Ha Ki Ber Tek Wol Gebr Ab War Far Hir",
        "fay bre ile dane hane le de mariam di same ah si",
    ),
    "caribbean": (
        "Jean- Pierre- Saint- Louis- Marc-",
        "Baptiste Louis Fleur Jacques Charles Paul Juste Hilaire Val Cyr Vil Philippe",
    ),
    "east_asia": ("Zh W L H Ch Y X Ng Tr Ph", "ang ong ian uan ao ei ing un"),
    "comoros": ("Abd Soi Ah Ass Hou Att Mma Mad", "allah lihi amada oumani madi oumane dou i"),
    "turkey_kurdistan": ("Yil Kay Dem Ars Aks Kor Tek Öz Çel Kar", "maz a ir lan oy in türk ik aca"),
}

# Household kinds: (code, weight, adults, has children). Families are about half of the files of the
# SIAO of Seine-Saint-Denis, many of them sheltered in hotels: about 2.5 people per household.
KINDS = [
    ("single_man", 24, 1, False),
    ("single_woman", 11, 1, False),
    ("young", 8, 1, False),
    ("couple", 5, 2, False),
    ("single_parent", 26, 1, True),
    ("two_parents", 24, 2, True),
    ("with_relative", 2, 2, False),
]
CHILDREN = [(1, 35), (2, 30), (3, 18), (4, 10), (5, 7)]
SLOTS_FIRST, SLOTS_LAST, SLOTS_PATH = 2_000, 20_000, 2_000
TABLES = ["households_household", "households_person", "households_situationperiod", "households_moneyline"]


@dataclass
class Generated:
    people: int
    households: int
    seconds: float
    siao: object  # Organization
    associations: list


def _slots(weights, n: int) -> list[int]:
    """`n` slots shared out in proportion to `weights` (largest remainders): a uniform pick of a
    slot is a weighted pick of an item, and a join on the slot number is a cheap hash join."""
    total = float(sum(weights))
    quotas = [w / total * n for w in weights]
    counts = [int(q) for q in quotas]
    by_remainder = sorted(range(len(weights)), key=lambda i: quotas[i] - counts[i], reverse=True)
    for i in by_remainder[: n - sum(counts)]:
        counts[i] += 1
    return [i for i, c in enumerate(counts) for _ in range(c)]


def _cum(weights) -> list[float]:
    """Bucket starts for width_bucket(random(), starts): bucket i (1-based) has the i-th weight."""
    total = float(sum(weights))
    starts, acc = [], 0.0
    for w in weights:
        starts.append(acc / total)
        acc += w
    return starts


def _zipf(n: int) -> list[float]:
    return [1 / (rank + 1) ** ZIPF for rank in range(n)]


def _tail(origin) -> list[str]:
    """Rarer surnames of an origin: every prefix × suffix ("Bou" + "chard"), minus the listed ones."""
    prefixes, suffixes = TAIL_PARTS[origin.code]
    listed = {fold(n) for n in origin.last}
    tail = {}
    for prefix in prefixes.split():
        for suffix in suffixes.split():
            joined = prefix.endswith(("-", "_"))
            name = prefix.replace("_", " ") + (suffix.capitalize() if joined else suffix.lower())
            if fold(name) not in listed and len(fold(name).replace(" ", "")) >= 3:
                tail.setdefault(fold(name), name)
    return sorted(tail.values())


def _last_names(origin) -> tuple[list[str], list[float]]:
    """The listed surnames (Zipf) for 1 − TAIL of the draws, the tail (uniform) for the rest."""
    tail = _tail(origin)
    head = _zipf(len(origin.last))
    weights = [w / sum(head) * (1 - TAIL) for w in head] + [TAIL / len(tail)] * len(tail)
    return [*origin.last, *tail], weights


def _paths(family: bool, samples: int = 20_000) -> tuple[list[list[str]], list[float]]:
    """Realistic situation paths, sampled from the demo's chain (demo.households.START_*, NEXT)."""
    from parcours.demo import households as demo

    rng = random.Random(7 if family else 11)
    counts: Counter = Counter()
    for _ in range(samples):
        if rng.random() < 0.08:
            steps = [Situation.OWN_HOUSING] if rng.random() < 0.6 else [Situation.CHRS, Situation.OWN_HOUSING]
        else:
            steps = [demo._pick(rng, demo.START_FAMILY if family else demo.START_SINGLE)]
            for _ in range(demo._pick(rng, demo.PERIODS) - 1):
                options = [(s, w) for s, w in demo.NEXT[steps[-1]] if s != steps[-1]]
                steps.append(demo._pick(rng, demo._weighted_next(options, family)))
        counts[tuple(str(s) for s in steps)] += 1
    paths = sorted(counts)
    return [list(p) for p in paths], [counts[p] for p in paths]


def _network(territory):
    """One SIAO operator, a few associations, each with its social workers (the referents)."""
    from parcours.accounts.models import Membership, Organization, User

    siao, _ = Organization.objects.get_or_create(
        name=SIAO_NAME, territory=territory, defaults={"type": OrganizationType.SIAO_OPERATOR}
    )
    associations, workers = [], []
    for a in range(1, ASSOCIATIONS + 1):
        association, _ = Organization.objects.get_or_create(
            name=f"Association {a} (banc d'essai)",
            territory=territory,
            defaults={"type": OrganizationType.ASSOCIATION},
        )
        associations.append(association)
        users = []
        for w in range(1, WORKERS_PER_ASSOCIATION + 1):
            user, created = User.objects.get_or_create(
                username=f"bench-a{a:02d}-w{w:02d}",
                defaults={"first_name": "Référente", "last_name": f"{a}-{w}"},
            )
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
            Membership.objects.get_or_create(user=user, organization=association, role=Role.SOCIAL_WORKER)
            users.append(user.pk)
        workers.append(users)
    return siao, associations, workers


def _say(verbose: bool, started: float, what: str) -> None:
    if verbose:
        print(f"    {time.perf_counter() - started:6.1f} s  {what}", flush=True)


def generate(n_people: int = 1_000_000, *, verbose: bool = True) -> Generated:
    """Add `n_people` people to the database (nothing if it already holds that many)."""
    from parcours.households.models import Household, Person
    from parcours.territories.models import Territory

    if connection.vendor != "postgresql":
        raise RuntimeError("The large generator runs on PostgreSQL only.")
    started = time.perf_counter()
    territory, _ = Territory.objects.get_or_create(
        code=TERRITORY,
        defaults={"name": "Seine-Saint-Denis", "region_code": "11", "region_name": "Île-de-France"},
    )
    siao, associations, workers = _network(territory)
    existing = Person.objects.count()
    if existing >= n_people:
        households = Household.objects.count()
        return Generated(existing, households, 0.0, siao, associations)
    with transaction.atomic(), connection.cursor() as cursor:
        _load(cursor, n_people - existing, territory, siao, associations, workers, verbose, started)
    elapsed = time.perf_counter() - started
    households = Household.objects.count()
    people = Person.objects.count()
    if verbose:
        print(
            f"    generated {people:,} people in {households:,} households in {elapsed:.1f} s "
            f"({people / elapsed:,.0f} people/s)",
            flush=True,
        )
    return Generated(people, households, elapsed, siao, associations)


def _load(cursor, n_people, territory, siao, associations, workers, verbose, started) -> None:
    execute = cursor.execute
    execute("SET LOCAL maintenance_work_mem = '512MB'")
    execute("SET LOCAL work_mem = '256MB'")
    execute("SET LOCAL max_parallel_workers_per_gather = 0")  # random() draws in one, repeatable order
    execute("SELECT setseed(0.42)")

    # 1. Secondary indexes and foreign keys of the filled tables go; they are rebuilt at the end.
    execute(
        """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
             FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
            WHERE t.relname = ANY(%s) AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)""",
        [TABLES],
    )
    indexes = cursor.fetchall()
    execute(
        """SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
             FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
            WHERE t.relname = ANY(%s) AND c.contype = 'f'""",
        [TABLES],
    )
    foreign_keys = cursor.fetchall()
    for table, name, _definition in foreign_keys:
        execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        execute(f"DROP INDEX {name}")
    _say(verbose, started, f"dropped {len(indexes)} indexes and {len(foreign_keys)} foreign keys")

    # 2. Reference data as small temporary tables of weighted slots: a draw is a join on a slot.
    execute("CREATE TEMP TABLE gen_first (o int, sex text, slot int, name text, folded text) ON COMMIT DROP")
    execute("CREATE TEMP TABLE gen_last (o int, slot int, name text, folded text) ON COMMIT DROP")
    execute("CREATE TEMP TABLE gen_path (family bool, slot int, path text[]) ON COMMIT DROP")

    def fill(table, key, values, weights, slots):
        picks = _slots(weights, slots)
        folded = [fold(v) for v in values]
        execute(
            f"INSERT INTO {table} SELECT {', '.join(['%s'] * len(key))}, u.ord - 1, u.name, u.folded "  # noqa: S608
            "FROM unnest(%s::text[], %s::text[]) WITH ORDINALITY AS u(name, folded, ord)",
            [*key, [values[i] for i in picks], [folded[i] for i in picks]],
        )

    france = 1 + [o.code for o in names.ORIGINS].index("france")
    for o, origin in enumerate(names.ORIGINS, start=1):
        for sex, pool in (("M", origin.male), ("F", origin.female)):
            fill("gen_first", [o, sex], list(pool), _zipf(len(pool)), SLOTS_FIRST)
        fill("gen_last", [o], *_last_names(origin), SLOTS_LAST)
    for family in (False, True):
        paths, weights = _paths(family)
        execute(
            "INSERT INTO gen_path SELECT %s, u.ord - 1, string_to_array(u.path, ',') "
            "FROM unnest(%s::text[]) WITH ORDINALITY AS u(path, ord)",
            [family, [",".join(paths[i]) for i in _slots(weights, SLOTS_PATH)]],
        )
    for table in ("gen_first", "gen_last", "gen_path"):
        execute(f"ANALYZE {table}")

    # 3. One row per household: composition, names of the head, path, referent, identifiers.
    mean_size = sum(w * (a + (2.24 if c else 0)) for _k, w, a, c in KINDS) / sum(w for _k, w, _a, _c in KINDS)
    estimate = int(n_people / mean_size * 1.1) + 50
    cursor.execute("SELECT COALESCE(MAX(id), 0) FROM households_household")
    base = cursor.fetchone()[0]
    execute(
        """
        CREATE TEMP TABLE gen_h ON COMMIT DROP AS
        WITH drawn AS (
            SELECT g AS n,
                   width_bucket(random(), %(origin_cum)s::float8[]) AS o,
                   width_bucket(random(), %(kind_cum)s::float8[]) AS kind,
                   width_bucket(random(), %(children_cum)s::float8[]) AS nchildren,
                   random() AS r_sex, random() AS r_age, random() AS r_last, random() AS r_path,
                   random() AS r_start, random() AS r_org, random() AS r_worker, random() AS r_prot,
                   random() AS r_id1, random() AS r_id2, random() AS r_id3, random() AS r_id4,
                   random() AS r_seen, random() AS r_contact
              FROM generate_series(1, %(estimate)s) g
        ), shaped AS (
            SELECT d.*,
                   (%(adults)s::int[])[kind]
                       + CASE WHEN (%(has_children)s::bool[])[kind] THEN nchildren ELSE 0 END AS full_size,
                   CASE kind WHEN 1 THEN 'M' WHEN 2 THEN 'F'
                             WHEN 3 THEN CASE WHEN r_sex < 0.7 THEN 'M' ELSE 'F' END
                             WHEN 5 THEN CASE WHEN r_sex < 0.88 THEN 'F' ELSE 'M' END
                             WHEN 7 THEN CASE WHEN r_sex < 0.5 THEN 'F' ELSE 'M' END
                             ELSE 'M' END AS head_sex,
                   -- Age of the head in years: the young 18–25, parents 19–52, others 26–80.
                   CASE kind WHEN 3 THEN 18 + 7.9 * r_age
                             WHEN 5 THEN 19 + 33 * r_age WHEN 6 THEN 21 + 34 * r_age
                             WHEN 4 THEN 21 + 45 * r_age WHEN 7 THEN 25 + 30 * r_age
                             ELSE 26 + 54 * power(r_age, 1.6) END AS head_age
              FROM drawn d
        ), cut AS (
            SELECT s.*, SUM(full_size) OVER (ORDER BY n) AS running FROM shaped s
        )
        SELECT x.*,
               CASE WHEN assoc IS NULL THEN %(siao)s ELSE (%(assoc_ids)s::bigint[])[assoc] END AS org_id,
               CASE WHEN assoc IS NULL THEN NULL
                    ELSE (%(workers)s::bigint[])[assoc][1 + floor(r_worker * %(per)s)::int]
               END AS referent_id,
               path[array_length(path, 1)] AS current,
               array_length(path, 1) AS m,
               CURRENT_DATE - first_start AS span
          FROM (
            SELECT %(base)s + c.n AS id, c.n, c.o, c.kind, c.head_sex,
                   LEAST(c.full_size, %(n_people)s - (c.running - c.full_size))::int AS size,
                   (%(adults)s::int[])[c.kind] AS adults,
                   CURRENT_DATE - (c.head_age * 365.25)::int AS head_birth,
                   l.name AS last_name, l.folded AS last_folded, p.path,
                   CURRENT_DATE - (20 + c.r_start * (3 * 365 - 20))::int AS first_start,
                   CASE WHEN c.r_org < 0.1 THEN NULL
                        ELSE 1 + floor((c.r_org - 0.1) / 0.9 * %(n_assoc)s)::int END AS assoc,
                   c.r_worker, c.r_prot, c.r_id1, c.r_id2, c.r_id3, c.r_id4, c.r_seen, c.r_contact
              FROM cut c
              JOIN gen_last l ON l.o = c.o AND l.slot = floor(c.r_last * %(slots_last)s)::int
              JOIN gen_path p ON p.family = (%(has_children)s::bool[])[c.kind]
                             AND p.slot = floor(c.r_path * %(slots_path)s)::int
             WHERE c.running - c.full_size < %(n_people)s
          ) x
        """,
        {
            "origin_cum": _cum([o.weight for o in names.ORIGINS]),
            "kind_cum": _cum([w for _k, w, _a, _c in KINDS]),
            "children_cum": _cum([w for _c, w in CHILDREN]),
            "adults": [a for _k, _w, a, _c in KINDS],
            "has_children": [c for _k, _w, _a, c in KINDS],
            "estimate": estimate,
            "base": base,
            "n_people": n_people,
            "n_assoc": len(associations),
            "slots_last": SLOTS_LAST,
            "slots_path": SLOTS_PATH,
            "siao": siao.pk,
            "assoc_ids": [a.pk for a in associations],
            "workers": workers,
            "per": WORKERS_PER_ASSOCIATION,
        },
    )
    execute("ANALYZE gen_h")
    _say(verbose, started, "planned the households")

    # 4. Households. Identifiers: SI-SIAO number for most, SNE number (18 characters) for a third,
    # DALO/DAHO decisions and SYPLO labels for some; 3 % protected (the referent is named on them).
    execute(
        """
        INSERT INTO households_household (
            id, created_at, updated_at, deleted_at, version, territory_id, referent_organization_id,
            referent_id, public_family, public_family_reason, protected, si_siao_number, sne_number,
            dalo_decision, dalo_decision_on, dalo_territory_id, syplo_labelled, syplo_labelled_on,
            address, phone, last_contact_at, merged_into_id)
        SELECT id,
               first_start + time '09:00',
               first_start + time '09:00' + r_seen * (now() - (first_start + time '09:00')),
               NULL, 1, %(territory)s, org_id, referent_id,
               (%(families)s::int[])[array_position(%(situations)s::text[], current)], '',
               referent_id IS NOT NULL AND r_prot < 0.033,
               CASE WHEN r_id1 < 0.65
                    THEN 'SIAO93-' || to_char(first_start, 'YYYY') || '-' || lpad(n::text, 7, '0')
                    ELSE '' END,
               CASE WHEN r_id2 < 0.35 THEN '093' || to_char(first_start - (r_id3 * 700)::int, 'MMYY')
                                           || lpad(floor(r_id4 * 1e11)::bigint::text, 11, '0')
                    ELSE '' END,
               CASE WHEN r_id2 < 0.05 THEN 'dalo' WHEN r_id2 > 0.98 THEN 'daho' ELSE '' END,
               CASE WHEN r_id2 < 0.05 OR r_id2 > 0.98 THEN first_start + (r_id3 * span)::int END,
               CASE WHEN r_id2 < 0.05 OR r_id2 > 0.98 THEN %(territory)s END,
               r_id2 BETWEEN 0.05 AND 0.13,
               CASE WHEN r_id2 BETWEEN 0.05 AND 0.13 THEN first_start + (r_id4 * span)::int END,
               CASE WHEN r_id3 < 0.4 AND current <> 'street'
                    THEN (1 + (r_id4 * 180)::int) || ' rue de la République, 93200 Saint-Denis' ELSE '' END,
               CASE WHEN r_id4 < 0.55 THEN '06 39 98 ' || lpad(((r_id1 * 100)::int %% 100)::text, 2, '0')
                                           || ' ' || lpad(((r_id3 * 100)::int %% 100)::text, 2, '0')
                    ELSE '' END,
               first_start + time '09:00' + (0.5 + r_contact / 2) * (now() - (first_start + time '09:00')),
               NULL
          FROM gen_h ORDER BY id
        """,
        {
            "territory": territory.pk,
            "situations": [str(s) for s in SUGGESTED_FAMILY],
            "families": [int(f) for f in SUGGESTED_FAMILY.values()],
        },
    )
    execute(
        """SELECT setval(pg_get_serial_sequence('households_household', 'id'),
                         (SELECT MAX(id) FROM households_household))"""
    )
    execute(
        """INSERT INTO households_household_protected_viewers (household_id, user_id)
           SELECT id, referent_id FROM gen_h WHERE referent_id IS NOT NULL AND r_prot < 0.033"""
    )
    _say(verbose, started, "inserted the households")

    # 5. People: the head, a spouse or a relative, children with the head's last name; first names
    # of the family's origin (children sometimes a French one); birth dates from 1940 to today.
    execute(
        """
        INSERT INTO households_person (
            created_at, updated_at, household_id, first_name, last_name, birth_date, sex, relationship,
            search_text)
        WITH p AS (
            SELECT h.id AS household_id, h.last_name AS head_last, h.last_folded AS head_folded, h.o,
                   h.head_sex, h.head_birth, k,
                   CASE WHEN k = 1 THEN 'head'
                        WHEN k = 2 AND h.kind IN (4, 6) THEN 'spouse'
                        WHEN k = 2 AND h.kind = 7 THEN 'other'
                        ELSE 'child' END AS relationship,
                   random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5
              FROM gen_h h CROSS JOIN LATERAL generate_series(1, h.size) k
        ), q AS (
            SELECT p.*,
                   CASE relationship WHEN 'head' THEN head_sex
                        WHEN 'spouse' THEN CASE WHEN head_sex = 'M' THEN 'F' ELSE 'M' END
                        ELSE CASE WHEN r1 < 0.5 THEN 'F' ELSE 'M' END END AS sex,
                   CASE WHEN relationship = 'child' AND r2 < 0.3 THEN %(france)s
                        WHEN relationship IN ('spouse', 'other') AND r2 < 0.12
                            THEN 1 + floor(r2 / 0.12 * %(n_origins)s)::int
                        ELSE o END AS first_origin,
                   relationship IN ('spouse', 'other') AND r1 < 0.5 AS own_last,
                   CASE relationship
                        WHEN 'head' THEN head_birth
                        WHEN 'spouse' THEN LEAST(CURRENT_DATE - 6575, head_birth + (r3 * 4000 - 1500)::int)
                        WHEN 'other' THEN CURRENT_DATE - (7300 + r3 * 23000)::int
                        ELSE CURRENT_DATE
                             - (r3 * LEAST(6570, GREATEST(120, CURRENT_DATE - head_birth - 6400)))::int
                   END AS birth_date
              FROM p
        )
        SELECT now(), now(), q.household_id, f.name,
               CASE WHEN q.own_last THEN l.name ELSE q.head_last END,
               q.birth_date, q.sex, q.relationship,
               f.folded || ' ' ||
               CASE WHEN q.own_last THEN l.folded ELSE q.head_folded END
          FROM q
          JOIN gen_first f ON f.o = q.first_origin AND f.sex = q.sex
                          AND f.slot = floor(q.r4 * %(slots_first)s)::int
          JOIN gen_last l ON l.o = q.first_origin AND l.slot = floor(q.r5 * %(slots_last)s)::int
         ORDER BY q.household_id, q.k
        """,
        {
            "france": france,
            "n_origins": len(names.ORIGINS),
            "slots_first": SLOTS_FIRST,
            "slots_last": SLOTS_LAST,
        },
    )
    _say(verbose, started, f"inserted {cursor.rowcount:,} people")

    # 6. The dated path: period j of m starts at first_start + (j - 1) / m of the time since, with a
    # little jitter; each closed period ends when the next one starts; the last one is open.
    execute(
        """
        INSERT INTO households_situationperiod (
            created_at, updated_at, household_id, situation, started_on, ended_on, recorded_by_id)
        WITH s AS (
            SELECT h.id, h.path[j] AS situation, h.referent_id, j, h.m,
                   h.first_start + CASE WHEN j = 1 THEN 0 ELSE
                       (h.span * ((j - 1) + 0.3 * ((h.n::bigint * 7919 + j * 104729) % 1000 / 1000.0 - 0.5))
                        / h.m)::int END AS started_on
              FROM gen_h h CROSS JOIN LATERAL generate_series(1, h.m) j
        )
        SELECT now(), now(), id, situation, started_on,
               LEAD(started_on) OVER (PARTITION BY id ORDER BY j), referent_id
          FROM s ORDER BY id, j
        """
    )
    _say(verbose, started, f"inserted {cursor.rowcount:,} situation periods")

    # 7. Resources by source (rough 2025 amounts) and charges for people in housing or CHRS.
    execute(
        """
        INSERT INTO households_moneyline (household_id, is_resource, kind, monthly_amount)
        SELECT id, true, kind, round(amount::numeric, 2) FROM (
            SELECT h.id,
                   CASE WHEN CURRENT_DATE - h.head_birth > 62 * 365 AND h.r_id3 < 0.75 THEN 'pension'
                        WHEN h.r_id4 < 0.34 THEN 'rsa'
                        WHEN h.r_id4 < 0.56 THEN 'salary'
                        WHEN h.r_id4 < 0.68 AND h.o <> %(france)s AND h.current <> 'own_housing' THEN 'ada'
                        WHEN h.r_id4 < 0.76 THEN 'unemployment'
                        WHEN h.r_id4 < 0.83 THEN 'aah'
                   END AS kind,
                   CASE WHEN CURRENT_DATE - h.head_birth > 62 * 365 AND h.r_id3 < 0.75
                        THEN 620 + 700 * h.r_id1
                        WHEN h.r_id4 < 0.34
                        THEN 646.52 * (1 + 0.5 * (h.adults - 1) + 0.3 * (h.size - h.adults))
                        WHEN h.r_id4 < 0.56 THEN 450 + 1300 * h.r_id1
                        WHEN h.r_id4 < 0.68 THEN 30 * (6.80 + 3.40 * (h.size - 1) + 7.40)
                        WHEN h.r_id4 < 0.76 THEN 620 + 780 * h.r_id1
                        ELSE 1033.32
                   END AS amount
              FROM gen_h h
        ) r WHERE kind IS NOT NULL
        UNION ALL
        SELECT id, true, 'family_benefits', round((148.52 + 190.29 * (size - adults - 2))::numeric, 2)
          FROM gen_h WHERE size - adults >= 2
        UNION ALL
        SELECT id, true, 'housing_benefit', round((180 + 280 * r_id2)::numeric, 2)
          FROM gen_h WHERE current = 'own_housing'
        UNION ALL
        SELECT id, false, 'rent', round((420 + 560 * r_id1)::numeric, 2)
          FROM gen_h WHERE current IN ('own_housing', 'chrs')
        UNION ALL
        SELECT id, false, 'energy', round((55 + 100 * r_id3)::numeric, 2)
          FROM gen_h WHERE current = 'own_housing'
        ORDER BY 1
        """,
        {"france": france},
    )
    _say(verbose, started, f"inserted {cursor.rowcount:,} resources and charges")

    # 8. A few consents to another association (some expired, some withdrawn).
    execute(
        """
        INSERT INTO households_consent (
            created_at, updated_at, household_id, organization_id, purpose, starts_on, ends_on,
            informed_how, recorded_by_id, revoked_at, revoked_by_id)
        SELECT now(), now(), id, (%(assoc_ids)s::bigint[])[1 + assoc %% %(n_assoc)s],
               CASE WHEN r_id1 < 0.5 THEN 'orientation' ELSE 'support' END,
               CURRENT_DATE - (r_id3 * 700)::int, CURRENT_DATE - (r_id3 * 700)::int + 365, 'orally',
               referent_id,
               CASE WHEN r_id4 < 0.15 THEN now() END, CASE WHEN r_id4 < 0.15 THEN referent_id END
          FROM gen_h WHERE referent_id IS NOT NULL AND r_seen < 0.02
        """,
        {"assoc_ids": [a.pk for a in associations], "n_assoc": len(associations)},
    )

    # 9. Indexes and foreign keys back, then fresh statistics.
    for table, name, definition in foreign_keys:
        execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    _say(verbose, started, f"restored {len(foreign_keys)} foreign keys")
    execute("SET LOCAL max_parallel_maintenance_workers = 2")
    for name, definition in indexes:
        execute(definition)
        _say(verbose, started, f"rebuilt {name}")
    for table in [*TABLES, "households_consent", "households_household_protected_viewers"]:
        execute(f"ANALYZE {table}")
    _say(verbose, started, "analyzed")


if __name__ == "__main__":
    import django

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    django.setup()
    generate(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
