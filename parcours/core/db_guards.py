"""Database triggers that make the audit table append-only, whatever code runs against it.

Version 2 (ADR 0017) allows one update: the sealing of a row written unsealed — its chain number,
previous seal and seal set once, every other column unchanged. Version 1 (migrations core/0002 and
core/0003, kept as they ran) refused every update.
"""

# Every column but the three the sealer sets: none may change, ever.
CONTENT_COLUMNS = (
    "id",
    "occurred_at",
    "actor_id",
    "membership_id",
    "organization_id",
    "role",
    "kind",
    "action",
    "object_type",
    "object_id",
    "fields",
    "sections",
    "purpose",
    "via",
    "key_id",
    "mac",
)

_SQLITE_UNGUARD = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_update",
    "DROP TRIGGER IF EXISTS core_auditevent_no_delete",
]
_PG_UNGUARD = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent",
    "DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent",
    "DROP FUNCTION IF EXISTS core_auditevent_append_only()",
]
_PG_TRIGGERS = [
    "DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent",
    """CREATE TRIGGER core_auditevent_append_only BEFORE UPDATE OR DELETE ON core_auditevent
       FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only()""",
    "DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent",
    """CREATE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON core_auditevent
       FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_append_only()""",
]


def _pg_columns(record: str) -> str:
    return ", ".join(f'{record}."{c}"' for c in CONTENT_COLUMNS)


_SQLITE_CHANGED = " OR ".join(f'NEW."{c}" IS NOT OLD."{c}"' for c in CONTENT_COLUMNS)

SQL = {
    1: {
        "sqlite": (
            [
                """CREATE TRIGGER IF NOT EXISTS core_auditevent_no_update BEFORE UPDATE ON core_auditevent
                   BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END""",
                """CREATE TRIGGER IF NOT EXISTS core_auditevent_no_delete BEFORE DELETE ON core_auditevent
                   BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END""",
            ],
            _SQLITE_UNGUARD,
        ),
        "postgresql": (
            [
                """CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
                   BEGIN RAISE EXCEPTION 'audit trail is append-only'; END; $$ LANGUAGE plpgsql""",
                *_PG_TRIGGERS,
            ],
            _PG_UNGUARD,
        ),
    },
    2: {
        "sqlite": (
            [
                "DROP TRIGGER IF EXISTS core_auditevent_no_update",
                f"""CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
                   WHEN OLD.seq IS NOT NULL OR NEW.seq IS NULL OR {_SQLITE_CHANGED}
                   BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END""",
                """CREATE TRIGGER IF NOT EXISTS core_auditevent_no_delete BEFORE DELETE ON core_auditevent
                   BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END""",
            ],
            _SQLITE_UNGUARD,
        ),
        "postgresql": (
            [
                # The one update let through: the seal of an unsealed row, nothing else in it changed.
                f"""CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
                   BEGIN
                     IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND NEW.seq IS NOT NULL
                        AND ({_pg_columns("NEW")}) IS NOT DISTINCT FROM ({_pg_columns("OLD")}) THEN
                       RETURN NEW;
                     END IF;
                     RAISE EXCEPTION 'audit trail is append-only';
                   END; $$ LANGUAGE plpgsql""",
                *_PG_TRIGGERS,
            ],
            _PG_UNGUARD,
        ),
    },
}
CURRENT = 2


def install(connection, version: int = CURRENT) -> None:
    install_sql, _ = SQL[version].get(connection.vendor, ([], []))
    with connection.cursor() as cursor:
        for statement in install_sql:
            cursor.execute(statement)


def uninstall(connection, version: int = CURRENT) -> None:
    _, uninstall_sql = SQL[version].get(connection.vendor, ([], []))
    with connection.cursor() as cursor:
        for statement in uninstall_sql:
            cursor.execute(statement)
