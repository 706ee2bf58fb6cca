"""Operators' tests drive the real `hearth` command in subprocesses, each with its own DATABASE_URL and
HEARTH_VAR_DIR, so they never touch pytest's test database.

`seeded` databases (migrated, the councils' profiles and the demo council loaded) are built once a session for each
backend and copied for each test: a SQLite file copied, a PostgreSQL database created from the seeded one as its
template. Scratch PostgreSQL databases are named hearth_ops_* and dropped at the end.
"""

import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PG_SERVER = os.environ.get("HEARTH_OPS_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
# Settings that would leak from the shell running pytest into the commands under test.
CLEARED = ("DATABASE_URL", "HEARTH_MIGRATE_DATABASE_URL", "HEARTH_VAR_DIR", "HEARTH_ENV", "HEARTH_DEMO", "HEARTH_DEBUG",
           "HEARTH_SECRET_KEY", "HEARTH_PSEUDONYM_KEY", "HEARTH_AUDIT_ANCHOR_FILE", "HEARTH_AUDIT_ANCHOR_SYSLOG",
           "DJANGO_SETTINGS_MODULE",
           "HEARTH_EMAIL_BACKEND", "HEARTH_NOTIFY_API_KEY", "HEARTH_SECURE_COOKIES", "HEARTH_SSL_REDIRECT",
           "HEARTH_BEHIND_PROXY", "HEARTH_HSTS_SECONDS", "HEARTH_HSTS_PRELOAD")


def environ(var_dir: Path, database_url: str | None = None, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in CLEARED}
    env["HEARTH_VAR_DIR"] = str(var_dir)
    env["DATABASE_URL"] = database_url or f"sqlite:///{var_dir / 'hearth.sqlite3'}"
    env.update(extra)
    return env


def hearth(*args: str, env: dict[str, str], check: bool = True, timeout: float = 1800) -> subprocess.CompletedProcess:
    """Run `hearth ARGS` as an operator would; with `check`, fail the test showing the output if it fails."""
    done = subprocess.run([sys.executable, "-m", "hearth.cli", *args], cwd=ROOT, env=env,  # noqa: S603
                          capture_output=True, text=True, timeout=timeout, check=False)
    if check and done.returncode:
        pytest.fail(f"hearth {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


def psql(sql: str, database: str = "postgres") -> str:
    done = subprocess.run(["psql", f"{PG_SERVER}/{database}", "-XtAq", "-v", "ON_ERROR_STOP=1",  # noqa: S603, S607
                           "-c", sql], capture_output=True, text=True, check=False)
    if done.returncode:
        raise AssertionError(f"psql failed: {done.stderr}")
    return done.stdout.strip()


def scratch_name() -> str:
    return f"hearth_ops_{secrets.token_hex(4)}"


class PgDatabases:
    """Scratch PostgreSQL databases, all dropped at the end."""

    def __init__(self):
        self.names: list[str] = []

    def create(self, template: str | None = None) -> str:
        name = scratch_name()
        psql(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
        self.names.append(name)
        return name

    def drop_all(self) -> None:
        for name in reversed(self.names):
            psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def seed(env: dict[str, str]) -> None:
    hearth("migrate", "--no-input", "-v", "0", env=env)
    hearth("load-profiles", env=env)
    hearth("load-demo", env=env)
    hearth("audit-seal", env=env)


@pytest.fixture(scope="session")
def pg_databases():
    databases = PgDatabases()
    yield databases
    databases.drop_all()


@pytest.fixture(scope="session")
def seeded_sqlite(tmp_path_factory) -> Path:
    var_dir = tmp_path_factory.mktemp("seed-sqlite")
    seed(environ(var_dir))
    return var_dir / "hearth.sqlite3"


@pytest.fixture(scope="session")
def seeded_pg(pg_databases, tmp_path_factory) -> str:
    name = pg_databases.create()
    seed(environ(tmp_path_factory.mktemp("seed-pg"), f"{PG_SERVER}/{name}"))
    return name


class Site:
    """One Hearth installation for a test: its var directory and database."""

    def __init__(self, var_dir: Path, database_url: str, database: str):
        self.var_dir, self.database_url, self.database = var_dir, database_url, database
        self.var_dir.mkdir(parents=True, exist_ok=True)

    @property
    def vendor(self) -> str:
        return "postgresql" if self.database_url.startswith("postgres") else "sqlite"

    def env(self, **extra: str) -> dict[str, str]:
        return environ(self.var_dir, self.database_url, **extra)

    def run(self, *args: str, check: bool = True, **extra: str) -> subprocess.CompletedProcess:
        return hearth(*args, env=self.env(**extra), check=check)

    def shell(self, code: str, check: bool = True) -> str:
        return self.run("shell", "--no-imports", "-c", code, check=check).stdout

    def count(self, table: str) -> int:
        code = ("from django.db import connection\nc = connection.cursor()\n"  # noqa: S608 (a table name)
                f"c.execute('SELECT count(*) FROM {table}')\nprint(c.fetchone()[0])")
        return int(self.shell(code).split()[-1])


@pytest.fixture
def make_site(tmp_path, request):
    """`make_site(vendor, seeded=True)`: a new installation on "sqlite" or "postgresql", seeded or empty."""
    made = 0

    def _make(vendor: str, *, seeded: bool = True) -> Site:
        nonlocal made
        made += 1
        var_dir = tmp_path / f"site{made}"
        if vendor == "sqlite":
            var_dir.mkdir()
            path = var_dir / "hearth.sqlite3"
            if seeded:
                shutil.copy(request.getfixturevalue("seeded_sqlite"), path)
            return Site(var_dir, f"sqlite:///{path}", str(path))
        databases = request.getfixturevalue("pg_databases")
        name = databases.create(template=request.getfixturevalue("seeded_pg") if seeded else None)
        return Site(var_dir, f"{PG_SERVER}/{name}", name)

    return _make


@pytest.fixture
def vendor() -> str:
    """The backend this pass tests: PostgreSQL when DATABASE_URL names it, SQLite otherwise."""
    return "postgresql" if ON_POSTGRES else "sqlite"
