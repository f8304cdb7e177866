"""Reads whose SQL is compiled once per process (issue 18): the ORM builds and compiles a query again at
each call, which for the short reads every request makes (the session's row, the signed-in user) costs
more CPU than PostgreSQL's answer.

A query is compiled here from a queryset built with a placeholder value; later calls run the same SQL
with their own parameters and turn the rows into model instances as the ORM would (the same columns,
the same converters: an SQLite date read as a date). Only the SQL is kept: never a row, nor anything
that depends on who asks. A query whose shape depends on its arguments must not go through here.
"""

import threading

from django.db import connections


class CompiledQuery:
    """`queryset`'s SQL and the way to read its rows, for a plain queryset of one model (no
    select_related, no annotation): `instances(params)` runs the SQL with `params` (in the order of
    the compiled query's own parameters) and returns the model instances."""

    def __init__(self, queryset, placeholders: tuple):
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        if tuple(params) != tuple(placeholders):
            raise ValueError(f"the compiled parameters {params!r} are not the placeholders {placeholders!r}")
        klass_info = compiler.klass_info
        if compiler.annotation_col_map or klass_info.get("related_klass_infos"):
            raise ValueError("a compiled query reads one model's own columns only")
        self.sql = sql
        self.db = queryset.db
        self.model = klass_info["model"]
        self.compiler = compiler
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        self.converters = compiler.get_converters(fields)
        self.attnames = [field.target.attname for field in fields]

    def instances(self, params) -> list:
        with connections[self.db].cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        return [self.model.from_db(self.db, self.attnames, row) for row in rows]


_COMPILED: dict = {}
_LOCK = threading.Lock()


def compiled(key, build, placeholders: tuple) -> CompiledQuery:
    """The CompiledQuery of `build(*placeholders)`, compiled at the first call of this process for
    `key` (which names the query: the model, the database, what it filters on)."""
    query = _COMPILED.get(key)
    if query is None:
        query = CompiledQuery(build(*placeholders), placeholders)
        with _LOCK:
            _COMPILED[key] = query
    return query


def by_pk(model, pk, *, using: str = "default"):
    """`model._default_manager.using(using).get(pk=pk)` (None if no such row), compiled once."""
    query = compiled(
        ("by_pk", model._meta.label, using),
        lambda placeholder: model._default_manager.using(using).filter(pk=placeholder),
        (0,),
    )
    found = query.instances([pk])
    return found[0] if found else None
