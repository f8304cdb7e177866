"""Database triggers that make the audit table append-only, whatever code runs against it."""

SQL = {
    "sqlite": (
        [
            """CREATE TRIGGER IF NOT EXISTS core_auditevent_no_update BEFORE UPDATE ON core_auditevent
               BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END""",
            """CREATE TRIGGER IF NOT EXISTS core_auditevent_no_delete BEFORE DELETE ON core_auditevent
               BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END""",
        ],
        [
            "DROP TRIGGER IF EXISTS core_auditevent_no_update",
            "DROP TRIGGER IF EXISTS core_auditevent_no_delete",
        ],
    ),
    "postgresql": (
        [
            """CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
               BEGIN RAISE EXCEPTION 'audit trail is append-only'; END; $$ LANGUAGE plpgsql""",
            "DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent",
            """CREATE TRIGGER core_auditevent_append_only BEFORE UPDATE OR DELETE ON core_auditevent
               FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only()""",
            "DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent",
            """CREATE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON core_auditevent
               FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_append_only()""",
        ],
        [
            "DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent",
            "DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent",
            "DROP FUNCTION IF EXISTS core_auditevent_append_only()",
        ],
    ),
}


def install(connection) -> None:
    install_sql, _ = SQL.get(connection.vendor, ([], []))
    with connection.cursor() as cursor:
        for statement in install_sql:
            cursor.execute(statement)


def uninstall(connection) -> None:
    _, uninstall_sql = SQL.get(connection.vendor, ([], []))
    with connection.cursor() as cursor:
        for statement in uninstall_sql:
            cursor.execute(statement)
