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

import datetime
import inspect
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet, FieldDoesNotExist
from django.db import connection, connections
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.db.models.base import ModelState
from django.db.models.constants import LOOKUP_SEP
from django.db.models.query import ModelIterable, get_related_populators
from django.db.models.signals import post_init, pre_init

# The largest primary key a database holds (bigint): a larger number is no row's, and must not reach
# the driver (an out-of-range parameter is an error there, not an empty answer).
MAX_PK = 2**63 - 1

new_object = object.__new__

# The compiled SQL of `rows_of` and `instances_of`, per key (never a row, nothing of a user).
_COMPILED: dict = {}
# Per process: a few entries per page and visibility rule (a user's, for a household's file).
COMPILED_MAX = 4096


def rows_of(key: tuple, build, **values) -> list[tuple]:
    """The rows of `build()`, a values_list queryset, with its SQL compiled once per `key` in this
    process (issue 18): building and compiling the 115 board's free units' subqueries cost the pages
    more CPU than PostgreSQL's answer. `key` holds every argument `build` uses (night, département, filters),
    never a row read: the SQL says what to read, the rows are read at each call.

    `values` vary at every call without a new compilation, as for `instances_of`: `build` receives a
    marker for each (see `markers_for`; a list of ids is one marker on PostgreSQL only, elsewhere the
    query is compiled at each call) and each call puts its value in the SQL's parameters. With
    `values`, the rows are tuples in the SQL's column order (a values_list's fields, then its
    annotations) converted as the ORM converts them (SQLite's dates and moments)."""
    if not values:
        compiled = _COMPILED.get(key)
        if compiled is None:
            compiled = build().query.sql_with_params()
            _keep(key, compiled)
        with connection.cursor() as cursor:
            cursor.execute(*compiled)
            return cursor.fetchall()
    if not _markable(values):
        compiled = _compile_rows(build(**values), {})
        return [] if compiled is None else _read_rows(compiled, compiled.params)
    compiled = _compiled_for(key, build, values, _compile_rows)
    return [] if compiled is None else _read_rows(compiled, _filled(compiled, values))


@dataclass(frozen=True)
class _CompiledRows:
    """A values queryset's SQL kept by `rows_of` with `values`: where each value goes among its
    parameters, and its columns for the database converters. Nothing of a row read."""

    alias: str
    sql: str
    params: tuple
    query: object
    select: list
    slots: dict
    # Per connection (this thread's): the compiler and converters of the columns (`_converters`).
    converters: dict = field(default_factory=dict, compare=False, repr=False)


def _compile_rows(queryset, markers: dict) -> "_CompiledRows | None":
    """A values queryset's SQL and columns; None when it can match no row."""
    compiler = queryset.query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return None
    return _CompiledRows(
        alias=queryset.db,
        sql=sql,
        params=tuple(params),
        query=queryset.query,
        select=compiler.select,
        slots=_slots(params, markers),
    )


def _read_rows(compiled: _CompiledRows, params) -> list[tuple]:
    """The rows of a compiled values query, through this thread's connection's converters."""
    database = connections[compiled.alias]
    with database.cursor() as cursor:
        cursor.execute(compiled.sql, params)
        rows = cursor.fetchall()
    if rows:
        compiler, converters = _converters(compiled, database)
        if converters:
            rows = [tuple(row) for row in compiler.apply_converters(rows, converters)]
    return rows


def _converters(compiled, database) -> tuple:
    """A compiler of `compiled`'s query on `database` (this thread's connection) and the database
    converters of its columns (a JSON field's decoding, SQLite's dates), found once per compiled query
    and connection rather than at every read (issue 18: over a thousand calls on a 115 request's page).
    They are bound to the connection they were found for: another thread's connection finds its own."""
    found = compiled.converters.get(id(database))
    if found is None or found[0] is not database:
        compiler = compiled.query.get_compiler(connection=database)
        found = (database, compiler, compiler.get_converters([column[0] for column in compiled.select]))
        compiled.converters[id(database)] = found
    return found[1], found[2]


# The marker of a moment (`now`): a moment of the year 1, which no row holds, one microsecond apart.
MARKER_MOMENT = datetime.datetime(1, 1, 2, tzinfo=datetime.UTC)


def markers_for(values: dict) -> dict:
    """What `build` receives in place of each of `values` when `rows_of` or `instances_of` compile it:
    a negative number no key holds; for a list (`pk__any_of=ids`, one array parameter on PostgreSQL,
    core.sql_lookups) a list of one such number; for a moment (an aware datetime) a moment of the
    year 1 (PostgreSQL only as well: SQLite's driver is given the moment as text)."""

    def marker(number, value):
        if isinstance(value, list):
            return [MARKER_BASE - number]
        if isinstance(value, datetime.datetime):
            return MARKER_MOMENT + datetime.timedelta(microseconds=number)
        return MARKER_BASE - number

    return {name: marker(number, value) for number, (name, value) in enumerate(values.items())}


def _markable(values: dict) -> bool:
    """Whether `values` can be compiled as markers: a list only where it is one parameter (PostgreSQL's
    array of `any_of`; elsewhere `IN (…)` has one parameter per id, as many as the list holds), a
    moment only where the driver is given it as it is (PostgreSQL)."""
    return connection.vendor == "postgresql" or not any(
        isinstance(v, list | datetime.datetime) for v in values.values()
    )


def _slots(params, markers: dict) -> dict:
    """The positions of each marker among a compiled query's parameters (each must be there)."""
    slots = {name: [i for i, p in enumerate(params) if p == marker] for name, marker in markers.items()}
    if not all(slots.values()):
        raise ValueError(f"compiled: {sorted(markers)} must each be a parameter of the SQL")
    return slots


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
    # The model's column names when its instances may be built without Model.__init__ (`_plain_model`).
    attnames: tuple | None = None
    # Per connection (this thread's): the compiler and converters of the columns (`_converters`).
    converters: dict = field(default_factory=dict, compare=False, repr=False)


def _plain_model(model, init_list) -> tuple | None:
    """The model's column names (attnames), when `Model.from_db(alias, init_list, row)` comes down to an
    instance whose `__dict__` holds its state and the row's values under those names: every column is
    read, in the model's order; the model keeps Django's `__new__`, `__init__` and `from_db`; and no
    column's class attribute does anything when set but a foreign key id's (which only forgets a
    related record cached on the instance: a new one has none). Else None: Django builds them.
    The signals Model.__init__ sends are checked at each read (`_read`)."""
    from django.db.models import Model
    from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute

    attnames = tuple(f.attname for f in model._meta.concrete_fields)
    if tuple(init_list) != attnames or model._meta.abstract:
        return None
    if model.__new__ is not object.__new__ or model.__init__ is not Model.__init__:
        return None
    if getattr(model.from_db, "__func__", None) is not Model.from_db.__func__:
        return None
    for name in attnames:
        descriptor = inspect.getattr_static(model, name, None)
        if hasattr(type(descriptor), "__set__") and type(descriptor) is not ForeignKeyDeferredAttribute:
            return None
    return attnames


# Values that `instances_of` compiles in place of its `values`, then finds among the SQL's parameters:
# negative numbers no key of the database holds.
MARKER_BASE = -1_000_000_007


def _compile_models(queryset, markers: dict) -> "_CompiledModels | None":
    """A model queryset's SQL and how its rows become instances; None when it can match no row."""
    if queryset._known_related_objects or queryset._iterable_class is not ModelIterable:
        raise TypeError("instances_of compiles plain model querysets only")
    compiler = queryset.query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return None
    slots = _slots(params, markers)
    klass_info = compiler.klass_info
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    init_list = [column[0].target.attname for column in compiler.select[start:end]]
    return _CompiledModels(
        alias=queryset.db,
        sql=sql,
        params=tuple(params),
        query=queryset.query,
        slots=slots,
        select=compiler.select,
        start=start,
        end=end,
        init_list=init_list,
        populators=get_related_populators(klass_info, compiler.select, queryset.db),
        annotations=dict(compiler.annotation_col_map or {}),
        prefetch=tuple(queryset._prefetch_related_lookups),
        attnames=_plain_model(queryset.model, init_list),
    )


def _compiled_for(key, build, values: dict, compile_queryset):
    """The compilation kept under `key`, else `compile_queryset(build(**markers), markers)` kept there;
    None when the queryset can match no row (compiled again next time, as the ORM would)."""
    compiled = _COMPILED.get(key)
    if compiled is None:
        markers = markers_for(values)
        compiled = compile_queryset(build(**markers), markers)
        if compiled is not None:
            _keep(key, compiled)
    return compiled


def _filled(compiled, values: dict) -> list:
    """The compiled SQL's parameters, each marker replaced by this call's value (a list of ids as its
    array's text, `_array_text`)."""
    params = list(compiled.params)
    for name, positions in compiled.slots.items():
        value = values[name]
        if type(value) is list:
            value = _array_text(value)
        for position in positions:
            params[position] = value
    return params


def _array_text(ids: list):
    """A list of ids (a list marker's value: `any_of`'s one array parameter, PostgreSQL only) as the
    array's text, « {12,7,40} », which the lookup's `%s::bigint[]` casts: the driver sends the text as
    it is, where it dumped each id of the list and searched each for characters to quote (issue 18:
    two thousand calls of a home page, whose user's households go to six queries). Anything but ints
    (True is not an id) stays a list, for the driver."""
    if set(map(type, ids)) <= {int}:
        return "{" + ",".join(map(str, ids)) + "}"
    return ids


def _keep(key, compiled) -> None:
    """Keep `compiled` under `key`; when full, the oldest quarter goes (a user's keys, long gone)."""
    if len(_COMPILED) >= COMPILED_MAX:
        for old in list(_COMPILED)[: COMPILED_MAX // 4]:
            _COMPILED.pop(old, None)
    _COMPILED[key] = compiled


def _read(compiled: _CompiledModels, sql: str, params) -> list:
    """The instances of a compiled model queryset's rows (its prefetches not run)."""
    database = connections[compiled.alias]
    with database.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return []
    # The converters of this thread's connection (a JSON field's decoding, SQLite's dates).
    compiler, converters = _converters(compiled, database)
    if converters:
        rows = compiler.apply_converters(rows, converters)
    model = compiled.query.model
    found = []
    alias, start, end, attnames = compiled.alias, compiled.start, compiled.end, compiled.attnames
    if attnames is not None and (pre_init.has_listeners(model) or post_init.has_listeners(model)):
        attnames = None  # Model.__init__ would send them: Django builds the instances
    for row in rows:
        if attnames is None:
            obj = model.from_db(alias, compiled.init_list, row[start:end])
        else:
            # What from_db gives for a plain model (_plain_model), without Model.__init__'s loop over
            # the fields and its signals (issue 18: two thirds of the calls of an instance built, and
            # a twelfth of the home page's): the same state, then the columns' values.
            obj = new_object(model)
            state = obj._state = ModelState()
            state.adding, state.db = False, alias
            obj.__dict__.update(zip(attnames, row[start:end], strict=True))
        for populator in compiled.populators:
            populator.populate(row, obj)
        for name, position in compiled.annotations.items():
            setattr(obj, name, row[position])
        found.append(obj)
    return found


def instances_of(key: tuple, build, *, prefetch_key=None, **values) -> list:
    """The instances of `build()`, a model queryset (select_related, annotations, prefetch_related,
    a slice), with its SQL compiled once per `key` in this process, as `rows_of` does for rows
    (issue 18): compiling the 115 board's waiting list (its household, the call's time, the order of
    urgency) cost about 1.2 ms at each 30-second refresh of every call handler, more than the query.
    `key` holds every argument `build` uses (the département the user's queryset method filters on,
    the night…); the rows are read at each call, instances built as Django's ModelIterable builds
    them, the database converters run each time and the prefetches through `prefetch` (their SQL
    compiled once per `key` too). `values` (a request's id…) vary at every call without a new
    compilation: `build` receives a marker for each, compiled as a parameter of the SQL, and each call
    puts its value there; a list of ids (`pk__any_of=ids`) is one marker on PostgreSQL only (see
    `markers_for`), elsewhere the ORM answers at each call. `prefetch_key`, when the prefetches'
    querysets depend on less than `key` (not on the user whose rule filters the rows), keeps one
    compilation of them for all those keys."""
    if not _markable(values):  # a list of ids outside PostgreSQL: the ORM, at each call
        return evaluated(build(**values), key=prefetch_key or key)
    compiled = _compiled_for(key, build, values, _compile_models)
    if compiled is None:
        return []
    found = _read(compiled, compiled.sql, _filled(compiled, values))
    if found and compiled.prefetch:
        prefetch(found, *compiled.prefetch, key=prefetch_key or key)
    return found


@dataclass(frozen=True)
class _CompiledPrefetch:
    """A reverse foreign key's prefetch query, its list of ids cut out of the SQL: `head` and `tail`
    around the placeholders of `<foreign key> IN (…)`, `before` and `after` the other parameters."""

    models: _CompiledModels
    head: str
    tail: str
    before: tuple
    after: tuple


def prefetch(instances, *lookups, key=None) -> None:
    """`prefetch_related_objects(instances, *lookups)`, the same caches and lists filled, with the SQL of
    each reverse foreign key's prefetch compiled once per process (issue 18): Django builds and
    compiles a prefetch's queryset at every call, and under load that was a tenth of the app's CPU
    (the people and consents named on every list and file). The ids are spread into the compiled
    `IN (…)` at each call.

    Compiled: a lookup whose path goes through foreign keys already read (select_related) to a reverse
    foreign key (`household__people`), to a list (`to_attr`) or to the related manager's cache as
    Django does. A lookup without a queryset is compiled once per path: the related model's default
    manager (no default manager here filters on the moment or the user). One with a queryset only
    when the caller gives `key`, which then stands for the lookups' querysets: they must not depend on
    a call's arguments (a user, a date), as for `instances_of`. Any other lookup (many-to-many, a
    forward key not yet read, a nested or sliced queryset) is left to Django, in its order."""
    instances = [obj for obj in instances if obj is not None]
    for number, lookup in enumerate(lookups):
        if not instances or not _prefetch_compiled(instances, lookup, key, number):
            prefetch_related_objects(instances, lookup)


def evaluated(queryset, *, key=None) -> list:
    """`list(queryset)`, its prefetches through `prefetch` (compiled once per process; `key` as there)."""
    lookups = queryset._prefetch_related_lookups
    rows = list(queryset.prefetch_related(None) if lookups else queryset)
    if rows and lookups:
        prefetch(rows, *lookups, key=key)
    return rows


def _prefetch_compiled(instances, lookup, key, number) -> bool:
    """Prefetch `lookup` through its compiled SQL; False (nothing done) when it cannot be compiled."""
    if isinstance(lookup, str):
        lookup = Prefetch(lookup)
    *through, last = lookup.prefetch_through.split(LOOKUP_SEP)
    objs, model = instances, type(instances[0])
    for name in through:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return False
        if not (field.concrete and (field.many_to_one or field.one_to_one)):
            return False
        if not all(type(obj) is model and field.is_cached(obj) for obj in objs):
            return False  # not read with its record: Django reads it
        objs = [value for obj in objs if (value := field.get_cached_value(obj)) is not None]
        model = field.related_model
        if not objs:
            return True  # nothing to prefetch (no related record): as Django
    relation = next(
        (r for r in model._meta.related_objects if r.one_to_many and r.get_accessor_name() == last), None
    )
    queryset = lookup.queryset
    if relation is None or (queryset is not None and key is None):
        return False
    foreign_key = relation.field
    to_attr = lookup.to_attr
    if len(foreign_key.foreign_related_fields) != 1 or any(type(obj) is not model for obj in objs):
        return False
    if to_attr and hasattr(model, to_attr):
        return False  # a class attribute (a cached_property…) of that name: Django's own checks
    cache_name = foreign_key.remote_field.cache_name
    if to_attr:
        wanted = [obj for obj in objs if not hasattr(obj, to_attr)]
    else:
        wanted = [obj for obj in objs if cache_name not in getattr(obj, "_prefetched_objects_cache", ())]
    if not wanted:
        return True
    # A lookup without a queryset is the same query wherever it is made; one with a queryset is the
    # caller's (`key`, and its place among the lookups).
    compiled_key = ("prefetch", model._meta.label, last, *((key, number) if queryset is not None else ()))
    compiled = _COMPILED.get(compiled_key)
    if compiled is None:
        base = queryset if queryset is not None else relation.related_model._default_manager.get_queryset()
        if (
            base.query.is_sliced
            or base._prefetch_related_lookups
            or base._known_related_objects
            or base._iterable_class is not ModelIterable
        ):
            return False
        compiled = _compile_prefetch(base, foreign_key)
        if compiled is None:
            return False
        _keep(compiled_key, compiled)
    values = {}
    instance_attr = foreign_key.get_foreign_related_value
    for obj in wanted:
        values.setdefault(instance_attr(obj), obj)
    ids = [value[0] for value in values if value[0] is not None]
    if not all(type(i) is int for i in ids):
        return False
    related = []
    if ids:
        sql = compiled.head + ", ".join(["%s"] * len(ids)) + compiled.tail
        related = _read(compiled.models, sql, [*compiled.before, *ids, *compiled.after])
    by_value: dict = {}
    local_value = foreign_key.get_local_related_value
    for rel_obj in related:
        value = local_value(rel_obj)
        if not foreign_key.is_cached(rel_obj):
            foreign_key.set_cached_value(rel_obj, values[value])
        by_value.setdefault(value, []).append(rel_obj)
    for obj in wanted:
        found = by_value.get(instance_attr(obj), [])
        if not hasattr(obj, "_prefetched_objects_cache"):
            obj._prefetched_objects_cache = {}
        if to_attr:
            setattr(obj, to_attr, found)
        else:
            manager = getattr(obj, last)
            if queryset is not None:
                related_qs = manager._apply_rel_filters(queryset)
            else:
                related_qs = manager.get_queryset()
            related_qs._result_cache = found
            related_qs._prefetch_done = True
            obj._prefetched_objects_cache[cache_name] = related_qs
    return True


def _compile_prefetch(queryset, foreign_key) -> "_CompiledPrefetch | None":
    """The prefetch query of `foreign_key`'s reverse relation, filtered as Django's
    `_filter_prefetch_queryset` does on two markers, then cut around them."""
    first, second = MARKER_BASE - 1, MARKER_BASE - 2
    queryset = queryset._chain()
    queryset.query.add_q(Q(**{f"{foreign_key.name}__in": [first, second]}), reuse_all=True)
    models = _compile_models(queryset, {})
    if models is None or models.sql.count("%s") != len(models.params):
        return None
    params = list(models.params)
    positions = [i for i, p in enumerate(params) if p in (first, second)]
    if len(positions) != 2 or positions[1] != positions[0] + 1:
        return None
    parts = models.sql.split("%s")
    at = positions[0]
    if parts[at + 1] != ", ":
        return None
    return _CompiledPrefetch(
        models=models,
        head="%s".join(parts[: at + 1]),
        tail="%s".join(parts[at + 2 :]),
        before=tuple(params[:at]),
        after=tuple(params[at + 2 :]),
    )


def by_pk(model, pk, *, using: str = "default"):
    """`model._default_manager.using(using).get(pk=pk)`, or None if there is no such row, compiled once
    per model and database (the signed-in user at every request, accounts.backends)."""
    found = instances_of(
        ("by_pk", model._meta.label, using),
        lambda pk: model._default_manager.using(using).filter(pk=pk),
        pk=pk,
    )
    return found[0] if found else None
