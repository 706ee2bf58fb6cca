"""Backing up and restoring the whole database (`hearth backup`, `hearth restore`; docs/deploy.md, "Backups").

PostgreSQL: pg_dump's custom format, restored by pg_restore through psql in one transaction (all or nothing).
SQLite: the online backup API (`sqlite3.Connection.backup`), consistent while the service runs.

A backup holds personal data: its file is readable by its owner only, and written under a temporary name until it
is complete, so a failed backup never looks like a good one. Passwords travel to pg_dump in its environment, never
on a command line. Messages name files, databases, tables and counts, never data.
"""

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from hearth.audit.models import AuditChainHead

MAGIC = {"postgresql": b"PGDMP", "sqlite": b"SQLite format 3\x00"}
KIND = {"postgresql": "a PostgreSQL backup (pg_dump custom format)", "sqlite": "a SQLite backup"}
SUFFIX = {"postgresql": ".dump", "sqlite": ".sqlite3"}


class BackupError(Exception):
    """A backup or restore cannot be done as asked; the message says why and what to do."""


@dataclass(frozen=True)
class Outcome:
    path: Path
    database: str  # described without its password
    tables: int
    audit_seq: int


def describe_database() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"SQLite file {db['NAME']}"
    return f"PostgreSQL database {db['NAME']} on {db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}"


def _audit_seq() -> int:
    head = AuditChainHead.objects.filter(pk=1).values_list("last_seq", flat=True).first()
    return head or 0


def _vendor() -> str:
    if connection.vendor not in MAGIC:
        raise BackupError(f"Backups are made for PostgreSQL and SQLite only, not {connection.vendor}.")
    return connection.vendor


def _pg_environ() -> dict[str, str]:
    """libpq's environment for the database Django connects to: no password on any command line."""
    db = connection.settings_dict
    env = {**os.environ, "PGDATABASE": db["NAME"], "PGHOST": db.get("HOST") or "", "PGPORT": str(db.get("PORT") or ""),
           "PGUSER": db.get("USER") or "", "PGPASSWORD": db.get("PASSWORD") or ""}
    if sslmode := db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = sslmode
    return {key: value for key, value in env.items() if value}


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed: install the PostgreSQL client tools (the same major version as "
                          "the server, or newer).")
    return path


def default_output() -> Path:
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    return Path(settings.VAR_DIR) / "backups" / f"hearth-{stamp}{SUFFIX[_vendor()]}"


def backup(output: Path | str | None = None) -> Outcome:
    """Write a backup of the whole database to `output` (default var/backups/hearth-<time>.<dump|sqlite3>)."""
    vendor = _vendor()
    path = Path(output) if output else default_output()
    if path.exists():
        raise BackupError(f"{path} already exists: name a new file, so that no backup is overwritten.")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600))  # the owner's alone from the start
    seq = _audit_seq()
    try:
        if vendor == "postgresql":
            done = subprocess.run([_tool("pg_dump"), "--format=custom", f"--file={partial}"],  # noqa: S603
                                  env=_pg_environ(), capture_output=True, text=True, check=False)
            if done.returncode:
                raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
        else:
            source = sqlite3.connect(connection.settings_dict["NAME"])
            target = sqlite3.connect(partial)
            try:
                source.backup(target)
            finally:
                target.close()
                source.close()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.rename(path)
    return Outcome(path, describe_database(), len(connection.introspection.table_names()), seq)


def kind_of(path: Path) -> str | None:
    """"postgresql" or "sqlite" from the file's first bytes, or None for anything else."""
    with path.open("rb") as file:
        start = file.read(16)
    return next((vendor for vendor, magic in MAGIC.items() if start.startswith(magic)), None)


def _drop_everything_sql() -> str:
    """SQL dropping the tables, sequences and functions in the current schema (restore --force)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT c.oid::regclass::text, c.relkind FROM pg_class c JOIN pg_namespace n "
                       "ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', "
                       "'m', 'S')")
        relations = cursor.fetchall()
        cursor.execute("SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = "
                       "p.pronamespace WHERE n.nspname = current_schema()")
        functions = [name for (name,) in cursor.fetchall()]
    kinds = {"r": "TABLE", "p": "TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW", "S": "SEQUENCE"}
    # Tables first: their identity sequences go with them (IF EXISTS passes over those afterwards).
    relations.sort(key=lambda relation: list(kinds).index(relation[1]))
    return "".join(f"DROP {kinds[kind]} IF EXISTS {name} CASCADE;\n" for name, kind in relations) + "".join(
        f"DROP FUNCTION IF EXISTS {name} CASCADE;\n" for name in functions)


def _restore_postgresql(path: Path, replace: bool) -> None:
    drops = _drop_everything_sql() if replace else ""
    connection.close()
    env = _pg_environ()
    psql = subprocess.Popen([_tool("psql"), "--no-psqlrc", "--quiet", "--single-transaction",  # noqa: S603
                             "--set=ON_ERROR_STOP=1", "--output=/dev/null"],
                            stdin=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    script = subprocess.Popen([_tool("pg_restore"), "--no-owner", "--no-privileges", "--file=-", str(path)],  # noqa: S603
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        psql.stdin.write(drops.encode())
        shutil.copyfileobj(script.stdout, psql.stdin)
        psql.stdin.close()
    except BrokenPipeError:
        pass  # psql stopped at an error: reported below
    script_errors = script.stderr.read().decode().strip()
    script.wait()
    errors = psql.stderr.read().decode().strip()
    psql.wait()
    if script.returncode:
        raise BackupError(f"pg_restore could not read {path}: {script_errors} (nothing was changed)")
    if psql.returncode:
        raise BackupError(f"The restore failed and was rolled back, so nothing was changed: {errors}")


def _restore_sqlite(path: Path) -> None:
    connection.close()
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    target = sqlite3.connect(connection.settings_dict["NAME"])
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def restore(path: Path | str, *, force: bool = False) -> Outcome:
    """Replace the database with the backup in `path`. Refuses a database that has tables, unless `force`."""
    vendor, path = _vendor(), Path(path)
    if not path.is_file():
        raise BackupError(f"There is no backup file {path}.")
    kind = kind_of(path)
    if kind is None:
        raise BackupError(f"{path} is not a Hearth backup (neither a pg_dump custom-format file nor a SQLite file).")
    if kind != vendor:
        raise BackupError(f"{path} is {KIND[kind]}, but DATABASE_URL names a "
                          f"{'PostgreSQL' if vendor == 'postgresql' else 'SQLite'} database: restore it into one of "
                          "its own kind.")
    tables = connection.introspection.table_names()
    if tables and not force:
        raise BackupError(f"The {describe_database()} is not empty ({len(tables)} tables), and restoring would "
                          "replace everything in it. Restore into a new, empty database, or add --force to replace it.")
    if vendor == "postgresql":
        _restore_postgresql(path, replace=bool(tables))
    else:
        _restore_sqlite(path)
    return Outcome(path, describe_database(), len(connection.introspection.table_names()), _audit_seq())
