"""Timestamps read from PostgreSQL by psycopg's C parser (issue 18).

Django's PostgreSQL backend reads every `timestamptz` through `BaseTzLoader`, a Python subclass of
psycopg's pure-Python loader, to give each value Django's time zone object: its Python parsing was
4 % of the app's CPU under load (a list's rows carry several timestamps each). Once a connection is
opened (`connection_created`), this registers a loader of the same name and `timezone` (so that
Django's cursors keep it) whose parsing is psycopg's compiled loader, the time zone object then set
as Django's does. Same values, same `tzinfo`; without psycopg's binary package, nothing changes.
"""

from django.db.backends.signals import connection_created


def _compiled_loader():
    """psycopg's compiled `timestamptz` text loader, or None (pure-Python psycopg)."""
    import psycopg

    if psycopg.pq.__impl__ not in ("binary", "c"):
        return None
    try:
        from psycopg_binary import _psycopg as compiled
    except ImportError:
        try:
            from psycopg_c import _psycopg as compiled
        except ImportError:
            return None
    return getattr(compiled, "TimestamptzLoader", None)


def _loader_for(timezone, parser_class):
    from psycopg.adapt import Loader

    class CompiledTzLoader(Loader):
        """Django's BaseTzLoader, its parsing by psycopg's compiled loader."""

        def __init__(self, oid, context=None):
            super().__init__(oid, context)
            self._parser = parser_class(oid, context)

        def load(self, data):
            return self._parser.load(data).replace(tzinfo=self.timezone)

    CompiledTzLoader.timezone = timezone
    return CompiledTzLoader


def install(sender, connection, **kwargs) -> None:
    """On each new PostgreSQL connection: the compiled loader, with Django's time zone."""
    if connection.vendor != "postgresql":
        return
    parser_class = _compiled_loader()
    if parser_class is None:
        return
    adapters = connection.connection.adapters
    current = adapters.get_loader(1184, 0)  # timestamptz, text format: Django's loader
    if current is None or not hasattr(current, "timezone"):
        return
    adapters.register_loader("timestamptz", _loader_for(current.timezone, parser_class))


def connect() -> None:
    connection_created.connect(install, dispatch_uid="parcours.core.pg_loaders")
