"""The load benchmark's database and what it requests (benchmarks/load.py, steps 1 and 2): the PostgreSQL database,
reused when it is the right size with the code's migrations, else made again with `hearth demo-up` and `hearth
generate`; and the Django subprocesses that report its state and draw the pages to request."""

import json
import os
import random
import re
import subprocess
import sys
import time
from urllib.parse import unquote, urlencode, urlsplit

from benchmarks.load_settings import ACCOUNTS, DEMO_UP_S, PSQL_S, WORKER_S, Failed
from benchmarks.run import hearth_command, log
from benchmarks.settings import ROOT

SAMPLE = 60  # families drawn for each user


# ---------------------------------------------------------------------------------------------
# The database: reused when it is the right size with the code's migrations, else made again.


def pg_parts(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    name = unquote(parts.path.lstrip("/"))
    if not re.fullmatch(r"hearth_load\w*", name):
        raise Failed(f"Refusing to use the database {name!r}: the load benchmark's must be named hearth_load….")
    return {"host": parts.hostname or "127.0.0.1", "port": str(parts.port or 5432), "name": name,
            "user": unquote(parts.username or "postgres"), "password": unquote(parts.password or "")}


def _psql(pg: dict[str, str], sql: str, database: str = "postgres") -> str:
    env = {**os.environ, "PGOPTIONS": "-c client_min_messages=warning"}
    if pg["password"]:
        env["PGPASSWORD"] = pg["password"]
    command = ["psql", "-h", pg["host"], "-p", pg["port"], "-U", pg["user"], "-d", database, "-tAq",
               "-v", "ON_ERROR_STOP=1", "-c", sql]
    return subprocess.run(command, check=True, env=env, capture_output=True, text=True,  # noqa: S603
                          timeout=PSQL_S).stdout.strip()


def _database_exists(pg) -> bool:
    # The name matched hearth_load\w* in pg_parts: letters, digits and underscores only.
    return _psql(pg, f"SELECT 1 FROM pg_database WHERE datname = '{pg['name']}'") == "1"  # noqa: S608


def _recreate_database(pg) -> None:
    _psql(pg, f'DROP DATABASE IF EXISTS "{pg["name"]}" WITH (FORCE)')
    _psql(pg, f'CREATE DATABASE "{pg["name"]}"')


def _hearth(env: dict[str, str], *args: str, timeout: float, quiet: bool = True) -> str:
    try:
        return subprocess.run([*hearth_command(), *args], check=True, env=env, cwd=ROOT, timeout=timeout,  # noqa: S603
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE if quiet else None, text=True).stdout
    except subprocess.TimeoutExpired as e:
        raise Failed(f"`hearth {args[0]}` did not finish within {timeout:.0f} s") from e
    except subprocess.CalledProcessError as e:
        raise Failed(f"`hearth {args[0]}` failed ({e.returncode}): {(e.stderr or '')[-2000:]}") from e


def json_from(env: dict[str, str], command: list[str], what: str, timeout: float = WORKER_S) -> dict:
    """Run a Python subprocess of the benchmark and read the JSON its last line prints."""
    try:
        out = subprocess.run(command, env=env, cwd=ROOT, check=True, timeout=timeout,  # noqa: S603
                             stdout=subprocess.PIPE, text=True).stdout
    except subprocess.TimeoutExpired as e:
        raise Failed(f"{what} did not finish within {timeout:.0f} s") from e
    except subprocess.CalledProcessError as e:
        raise Failed(f"{what} failed ({e.returncode})") from e
    return json.loads(out.strip().splitlines()[-1])


def worker(env: dict[str, str], task: str, args) -> dict:
    return json_from(env, [sys.executable, "-m", "benchmarks.load", "--worker", task, "--families",
                            str(args.families), "--seed", str(args.seed)], f"the {task} step")


def ensure_database(env: dict[str, str], pg: dict[str, str], args) -> dict:
    """Reuse the database when it is the wanted size with the code's migrations; else drop it, demo-up, generate."""
    if _database_exists(pg) and not args.regenerate:
        try:
            state = worker(env, "state", args)
        except Failed as e:
            state = {"reason": str(e)}
        if state.get("reusable"):
            log(f"reusing {pg['name']}: {state['generated']:,} generated families, migrations current")
            return {"reused": True}
        log(f"not reusing {pg['name']}: {state.get('reason')}; making it again")
    log(f"creating {pg['name']}: hearth demo-up (migrate, load-profiles, load-demo, collectstatic)")
    _recreate_database(pg)
    _hearth(env, "demo-up", timeout=DEMO_UP_S)
    log(f"hearth generate --families {args.families} --seed 1 --with-work")
    generate = ["generate", "--families", str(args.families), "--seed", "1", "--with-work"]
    if args.no_progress or not sys.stderr.isatty():
        generate.append("--no-progress")
    started = time.perf_counter()
    _hearth(env, *generate, timeout=max(600.0, args.families * 0.03), quiet=False)
    generate_s = round(time.perf_counter() - started, 1)
    # As autovacuum would soon after a bulk load on a live server: the planner's statistics and the visibility map
    # (without it PostgreSQL cannot read an index alone, and people search's routes are index-only scans).
    _psql(pg, "VACUUM (ANALYZE)", database=pg["name"])
    state = worker(env, "state", args)
    if not state.get("reusable"):
        raise Failed(f"the new database is not what was asked for: {state.get('reason')}")
    return {"reused": False, "generate_s": generate_s}


# ---------------------------------------------------------------------------------------------
# Django subprocesses: the state of the database, and the pages to request.


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hearth.settings")
    import django

    django.setup()


def worker_state(families: int) -> dict:
    _django()
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    from hearth.accounts.models import User
    from hearth.demo.management.commands.load_demo import DEMO_FAMILY_RECORDS
    from hearth.people.models import Family

    loader = MigrationLoader(connection, ignore_no_migrations=True)
    applied, on_disk = set(loader.applied_migrations), set(loader.disk_migrations)
    generated = Family.objects.filter(council__code="hearthshire").count() - DEMO_FAMILY_RECORDS
    users = User.objects.filter(email__in=ACCOUNTS.values(), is_active=True).count()
    reason = None
    if applied != on_disk:
        def names(keys):
            return ", ".join(f"{app}.{name}" for app, name in sorted(keys)[:3]) + (" …" if len(keys) > 3 else "")

        missing, gone = on_disk - applied, applied - on_disk
        parts = [f"not applied {names(missing)}"] if missing else []
        parts += [f"applied but not in the code {names(gone)}"] if gone else []
        reason = "migrations differ from the code's: " + "; ".join(parts)
    elif users != len(ACCOUNTS):
        reason = "the demo coordinator and practitioner are not both there"
    elif generated != families:
        reason = f"it holds {generated:,} generated families, not {families:,}"
    return {"reusable": reason is None, "reason": reason, "generated": generated}


def _typo_search(rng: random.Random, person) -> str:
    from benchmarks.search import _typo

    given, family = person.given_name, person.family_name
    if rng.random() < 0.5:
        family = _typo(rng, family)
    else:
        given = _typo(rng, given)
    return "/people/search?" + urlencode({"given_name": given, "family_name": family})


def worker_targets(seed: int) -> dict:
    """For each user: the families they may see (a sample), their episodes and searches with a typo; and the
    database's size. Printed as JSON to the orchestrating process, which keeps the paths (the searches hold
    generated names) to itself: they are never logged."""
    _django()
    from django.db import connection

    from hearth.accounts.models import User
    from hearth.cases.models import Episode
    from hearth.core.models import Council
    from hearth.people.models import Family, FamilyMember, Person

    try:
        from hearth.access.policy import families_visible_to
    except ImportError:  # the access storage is being redesigned: fall back on asking the server page by page
        families_visible_to = None
    rng = random.Random(seed)
    council = Council.objects.get(code="hearthshire")
    out = {"users": {}, "families": Family.objects.filter(council=council).count(),
           "people": Person.objects.filter(council=council).count()}
    for key, email in ACCOUNTS.items():
        user = User.objects.select_related("agency", "team").get(email=email)
        visible = families_visible_to(user) if families_visible_to else Family.objects.filter(council=council)
        ids = list(visible.order_by("pk").values_list("pk", flat=True))
        sample = sorted(rng.sample(ids, min(SAMPLE if families_visible_to else SAMPLE * 6, len(ids))))
        episode_ids = list(Episode.objects.filter(family__in=visible).order_by("pk").values_list("pk", flat=True))
        episodes = sorted(rng.sample(episode_ids, min(SAMPLE, len(episode_ids))))
        searches = []
        members = (FamilyMember.objects.filter(family_id__in=sample).select_related("person")
                   .order_by("family_id", "pk"))
        for member in members:
            p = member.person
            if len(p.given_name) >= 4 and len(p.family_name) >= 4 and len(searches) < SAMPLE:
                searches.append(_typo_search(rng, p))
        out["users"][key] = {
            "visible_families": len(ids) if families_visible_to else None,
            "families": [f"/families/{pk}" for pk in sample],
            "episodes": [f"/episodes/{pk}" for pk in episodes],
            "outcomes": [f"/episodes/{pk}/outcomes" for pk in episodes],
            "searches": searches,
        }
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version'), pg_database_size(current_database())")
        version, size = cursor.fetchone()
    out["server"] = f"PostgreSQL {version}"
    out["db_size_mb"] = round(size / 1024 / 1024)
    return out

