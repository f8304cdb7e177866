"""Reads whose SQL is compiled once per process (issue 18). The ORM builds and compiles a query again at
every call; for the short reads that pages make at every request (the session's row, the signed-in
user, the 115 board's figures and waiting list, a request's nights) that cost more CPU than
PostgreSQL's answer.

`rows_of` keeps a values queryset's SQL, `instances_of` a model queryset's SQL and the way Django turns
its rows into instances (select_related, annotations, the database converters; the prefetches run at
each call). Each is compiled once per `key`, which must hold every argument the queryset's shape and
fixed parameters depend on (a département, a night, a role…); values that change at every call (an
id) are passed apart and put into the SQL's parameters. Only SQL is kept: never a row read, nor
anything of a person. What must be exact at every call (the time, a user's rights) is never compiled
into a key that outlives it.

They rely on how Django 5.2's ModelIterable builds instances (not a public API): the tests of
tests/emergency/test_emergency_night_screens.py and tests/accounts/test_session_and_user_reads.py
compare them with the ORM's own answers.
"""

from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connection, connections
from django.db.models import prefetch_related_objects
from django.db.models.query import ModelIterable, get_related_populators

# The largest primary key a database holds (bigint): a larger number is no row's, and must not reach
# the driver (an out-of-range parameter is an error there, not an empty answer).
MAX_PK = 2**63 - 1

# The compiled SQL of `rows_of` and `instances_of`, per key (never a row, nothing of a user).
_COMPILED: dict = {}
COMPILED_MAX = 512


def rows_of(key: tuple, build) -> list[tuple]:
    """The rows of `build()`, a values_list queryset, with its SQL compiled once per `key` in this
    process (issue 18): building and compiling the 115 board's free units' subqueries cost the pages
    more CPU than PostgreSQL's answer. `key` holds every argument `build` uses (night, département, filters),
    never a row read: the SQL says what to read, the rows are read at each call."""
    compiled = _COMPILED.get(key)
    if compiled is None:
        compiled = build().query.sql_with_params()
        if len(_COMPILED) >= COMPILED_MAX:
            _COMPILED.clear()
        _COMPILED[key] = compiled
    with connection.cursor() as cursor:
        cursor.execute(*compiled)
        return cursor.fetchall()


@dataclass(frozen=True)
class _CompiledModels:
    """What a model queryset's compilation gives, kept by `instances_of`: the SQL and how its rows
    become instances (the model's columns, those of select_related, the annotations), plus the
    prefetches to run on them. Nothing of a row read, nothing of a connection."""

    alias: str
    sql: str
    params: tuple
    query: object
    select: list
    start: int
    end: int
    slots: dict
    init_list: list
    populators: list
    annotations: dict
    prefetch: tuple


# Values that `instances_of` compiles in place of its `values`, then finds among the SQL's parameters:
# negative numbers no key of the database holds.
MARKER_BASE = -1_000_000_007


def instances_of(key: tuple, build, **values) -> list:
    """The instances of `build()`, a model queryset (select_related, annotations, prefetch_related,
    a slice), with its SQL compiled once per `key` in this process, as `rows_of` does for rows
    (issue 18): compiling the 115 board's waiting list (its household, the call's time, the order of
    urgency) cost about 1.2 ms at each 30-second refresh of every call handler, more than the query.
    `key` holds every argument `build` uses (the département the user's queryset method filters on,
    the night…); the rows are read at each call, instances built as Django's ModelIterable builds
    them, the prefetches (`prefetch_related_objects`) and the database converters run each time.
    `values` (a request's id…) vary at every call without a new compilation: `build` receives a
    marker for each, compiled as a parameter of the SQL, and each call puts its value there."""
    compiled = _COMPILED.get(key)
    if compiled is None:
        markers = {name: MARKER_BASE - number for number, name in enumerate(values)}
        queryset = build(**markers)
        if queryset._known_related_objects or queryset._iterable_class is not ModelIterable:
            raise TypeError("instances_of compiles plain model querysets only")
        compiler = queryset.query.get_compiler(using=queryset.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return []
        slots = {name: [i for i, p in enumerate(params) if p == marker] for name, marker in markers.items()}
        if not all(slots.values()):
            raise ValueError(f"instances_of: {key} does not use each of {sorted(values)} in its SQL")
        klass_info = compiler.klass_info
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        compiled = _CompiledModels(
            alias=queryset.db,
            sql=sql,
            params=tuple(params),
            query=queryset.query,
            slots=slots,
            select=compiler.select,
            start=start,
            end=end,
            init_list=[column[0].target.attname for column in compiler.select[start:end]],
            populators=get_related_populators(klass_info, compiler.select, queryset.db),
            annotations=dict(compiler.annotation_col_map or {}),
            prefetch=tuple(queryset._prefetch_related_lookups),
        )
        if len(_COMPILED) >= COMPILED_MAX:
            _COMPILED.clear()
        _COMPILED[key] = compiled
    params = list(compiled.params)
    for name, positions in compiled.slots.items():
        for position in positions:
            params[position] = values[name]
    database = connections[compiled.alias]
    with database.cursor() as cursor:
        cursor.execute(compiled.sql, params)
        rows = cursor.fetchall()
    # The converters of this thread's connection (a JSON field's decoding, SQLite's dates).
    compiler = compiled.query.get_compiler(connection=database)
    converters = compiler.get_converters([column[0] for column in compiled.select])
    if converters:
        rows = compiler.apply_converters(rows, converters)
    model = compiled.query.model
    found = []
    for row in rows:
        obj = model.from_db(compiled.alias, compiled.init_list, row[compiled.start : compiled.end])
        for populator in compiled.populators:
            populator.populate(row, obj)
        for name, position in compiled.annotations.items():
            setattr(obj, name, row[position])
        found.append(obj)
    if found and compiled.prefetch:
        prefetch_related_objects(found, *compiled.prefetch)
    return found


def by_pk(model, pk, *, using: str = "default"):
    """`model._default_manager.using(using).get(pk=pk)`, or None if there is no such row, compiled once
    per model and database (the signed-in user at every request, accounts.backends)."""
    found = instances_of(
        ("by_pk", model._meta.label, using),
        lambda pk: model._default_manager.using(using).filter(pk=pk),
        pk=pk,
    )
    return found[0] if found else None
