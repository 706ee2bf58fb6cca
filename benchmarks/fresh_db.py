"""A fresh benchmark database for one benchmark: a SQLite file of its own, or a PostgreSQL database created with
`createdb` and dropped afterwards (never the demo database), and running `hearth` commands against it."""

import os
import subprocess
from pathlib import Path

from benchmarks.run import _pg_env, _pg_parts, hearth_command
from benchmarks.settings import BENCH_DIR, ROOT


def db_env(db: str, pg_url: str, sqlite_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("HEARTH_DEMO", None)
    env["HEARTH_VAR_DIR"] = str(BENCH_DIR)
    env["DATABASE_URL"] = f"sqlite:///{sqlite_path}" if db == "sqlite" else pg_url
    env["PYTHONUNBUFFERED"] = "1"
    env.setdefault("HEARTH_LOG_LEVEL", "WARNING")
    return env


def _remove_sqlite(sqlite_path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        sqlite_path.with_name(sqlite_path.name + suffix).unlink(missing_ok=True)


def _drop_pg(pg: dict[str, str]) -> None:
    command = ["psql", "-h", pg["host"], "-p", pg["port"], "-U", pg["user"], "-d", "postgres", "-q",
               "-v", "ON_ERROR_STOP=1", "-c", f'DROP DATABASE IF EXISTS "{pg["name"]}" WITH (FORCE)']
    env = {**_pg_env(pg), "PGOPTIONS": "-c client_min_messages=warning"}  # no notice for a missing database
    subprocess.run(command, check=True, env=env)  # noqa: S603


def create_database(db: str, pg_url: str, sqlite_path: Path) -> None:
    if db == "sqlite":
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        _remove_sqlite(sqlite_path)
        return
    pg = _pg_parts(pg_url)
    _drop_pg(pg)
    subprocess.run(["createdb", "-h", pg["host"], "-p", pg["port"], "-U", pg["user"], pg["name"]],  # noqa: S603, S607
                   check=True, env=_pg_env(pg))


def drop_database(db: str, pg_url: str, sqlite_path: Path) -> None:
    if db == "sqlite":
        _remove_sqlite(sqlite_path)
    else:
        _drop_pg(_pg_parts(pg_url))


def run_hearth(env: dict[str, str], *args: str) -> str:
    """Run a `hearth` command against the benchmark database; its standard output."""
    return subprocess.run([*hearth_command(), *args], check=True, env=env, cwd=ROOT,  # noqa: S603
                          stdout=subprocess.PIPE, text=True).stdout
