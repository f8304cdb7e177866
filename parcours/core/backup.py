"""Backing up and restoring the whole database: pg_dump/pg_restore in custom format, or SQLite's
online backup API. The file holds every named person: it is written readable by its owner only."""

import hashlib
import os
import shutil
import sqlite3
import subprocess  # nosec B404 # pg_dump and pg_restore, found on PATH, run with an argument list
from dataclasses import dataclass
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, connections

PG_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"
# A database is in use as soon as it has an account or an audit row; what `migrate` installs by
# itself (content types, permissions, the assessment grid, refusal reasons…) does not count.
IN_USE_TABLES = ("accounts_user", "core_auditevent")


class BackupError(Exception):
    """A backup or restore that cannot be done; the message (in French) says why and what to do."""


@dataclass(frozen=True)
class BackupReport:
    path: Path
    size: int
    sha256: str
    engine: str


def _vendor(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in ("postgresql", "sqlite"):
        raise BackupError(f"Base {vendor} non prise en charge : seules PostgreSQL et SQLite le sont.")
    return vendor


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} est introuvable dans le PATH : installez le client PostgreSQL de la même version "
            "majeure que le serveur (paquet postgresql-client)."
        )
    return found


def _pg_env(alias: str) -> dict[str, str]:
    """libpq's variables: the password never appears on a command line (visible to `ps`)."""
    settings = connections[alias].settings_dict
    env = dict(os.environ)
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGDATABASE", "NAME")):
        if settings.get(key):
            env[variable] = str(settings[key])
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]
    options = settings.get("OPTIONS", {})
    for variable, key in (("PGSSLMODE", "sslmode"), ("PGSSLROOTCERT", "sslrootcert")):
        if options.get(key):
            env[variable] = str(options[key])
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603  (pg_dump or pg_restore, an argument list)  # nosec B603
    if result.returncode != 0:
        # pg_* messages name tables and options, never row values: safe to show to the operator.
        raise BackupError(f"{Path(command[0]).name} a échoué : {result.stderr.strip()[-2000:]}")


def backup(path: Path, *, force: bool = False, alias: str = DEFAULT_DB_ALIAS) -> BackupReport:
    """Write a consistent copy of the whole database to `path` (owner-only permissions).

    Written beside the target first and renamed at the end: an interrupted backup never leaves a
    truncated file under the expected name."""
    path = Path(path)
    vendor = _vendor(alias)
    if path.exists() and not force:
        raise BackupError(
            f"{path} existe déjà : choisissez un autre nom ou ajoutez --force pour le remplacer."
        )
    if not path.parent.is_dir():
        raise BackupError(f"Le dossier {path.parent} n'existe pas.")
    partial = path.with_name(path.name + ".partiel")
    partial.unlink(missing_ok=True)
    # Created empty with owner-only rights before any byte of personal data is written.
    partial.touch(mode=0o600)
    try:
        if vendor == "postgresql":
            _run(
                [_pg_tool("pg_dump"), "--format=custom", "--no-password", f"--file={partial}"],
                _pg_env(alias),
            )
        else:
            connection = connections[alias]
            connection.ensure_connection()
            target = sqlite3.connect(partial)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
        partial.chmod(0o600)
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupReport(path=path, size=path.stat().st_size, sha256=sha256_of(path), engine=vendor)


def in_use(alias: str = DEFAULT_DB_ALIAS) -> list[str]:
    """The tables showing that the database already holds someone's work (empty list: none)."""
    connection = connections[alias]
    existing = set(connection.introspection.table_names())
    used = []
    with connection.cursor() as cursor:
        for table in IN_USE_TABLES:
            if table in existing:
                cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608  (a table name from our own list, quoted)  # nosec B608
                if cursor.fetchone():
                    used.append(table)
    return used


def _check_file(path: Path, vendor: str) -> None:
    if not path.is_file():
        raise BackupError(f"{path} n'existe pas ou n'est pas un fichier.")
    with path.open("rb") as file:
        head = file.read(16)
    expected = PG_MAGIC if vendor == "postgresql" else SQLITE_MAGIC
    if not head.startswith(expected):
        kind = "PostgreSQL (pg_dump --format=custom)" if vendor == "postgresql" else "SQLite"
        raise BackupError(
            f"{path} n'est pas une sauvegarde {kind} : la base configurée est {vendor}, restaurez "
            "une sauvegarde faite avec la même base."
        )
    if vendor == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            (status,) = source.execute("PRAGMA integrity_check").fetchone()
            has_migrations = source.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
            ).fetchone()
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{path} est illisible : {exc}.") from exc
        finally:
            source.close()
        if status != "ok" or not has_migrations:
            raise BackupError(f"{path} est endommagé ou n'est pas une base Parcours ({status}).")


def restore(path: Path, *, force: bool = False, alias: str = DEFAULT_DB_ALIAS) -> None:
    """Replace the database's content by the backup's. Refused on a database in use unless `force`.

    PostgreSQL: one transaction (a failed restore changes nothing). SQLite: the backup API copies
    the file's pages over the live database under its write lock."""
    path = Path(path)
    vendor = _vendor(alias)
    _check_file(path, vendor)
    used = in_use(alias)
    if used and not force:
        raise BackupError(
            "La base n'est pas vide (" + ", ".join(used) + ") : la restauration remplacerait ses "
            "données. Ajoutez --force si c'est bien voulu, après avoir sauvegardé la base actuelle."
        )
    connection = connections[alias]
    if vendor == "postgresql":
        connection.close()
        _run(
            [
                _pg_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                "--no-password",
                f"--dbname={connection.settings_dict['NAME']}",
                str(path),
            ],
            _pg_env(alias),
        )
    else:
        connection.ensure_connection()
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    # Cached entries are keyed by counters of the old database (accounts.access): none may be read again.
    from django.core.cache import cache

    cache.clear()
