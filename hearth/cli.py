"""The `hearth` command: serve, migrate, load profiles and demo data, generate data, manage users, check.

`hearth <command>` runs the Django management command of that name (hyphens or underscores), so
`hearth load-demo`, `hearth generate --families 100000` and `hearth createsuperuser`-style commands
all work. `hearth serve` runs gunicorn.
"""

import os
import sys

from django.core.exceptions import ImproperlyConfigured

from hearth.audit.beside_server import start_beside_server, start_worker_beside_server
from hearth.core import owner_url, serving

ALIASES = {"check-deploy": "check", "verify-audit": "audit_verify"}


def serve(argv: list[str]) -> None:
    from django.conf import settings
    from gunicorn.app.wsgiapp import run

    # Loading the settings here refuses an unsafe production configuration before any worker starts.
    try:
        gunicorn_argv = serving.gunicorn_argv(os.environ, settings.VAR_DIR)
    except serving.ServeConfigError as exc:
        sys.exit(f"hearth serve: {exc}")
    # JSON logs without query strings, and the metrics directory: hearth/web/gunicorn_conf.py.
    sys.argv = ["gunicorn", *gunicorn_argv, "--config", "python:hearth.web.gunicorn_conf", *argv]
    # Requests never seal the audit log: the sealer runs beside the server and ends with it (decision record 0004).
    sealer = start_beside_server()
    # Emails, reminders and long jobs run in `hearth worker`, started beside the server unless HEARTH_WORKER=off.
    worker = start_worker_beside_server()
    try:
        run()
    finally:
        for child in (worker, sealer):
            if child is not None:
                child.stop()


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hearth.settings")
    args = sys.argv[1:]
    if not args or args[0] in ("-h", "--help", "help"):
        print(__doc__.strip())
        print("\nCommands: serve, migrate, load-profiles, load-demo, demo-up, generate, create-user, "
              "audit-verify, audit-anchor, backup, restore, db-grant, find-duplicates-on-spark, "
              "check (add --deploy for production checks), and every Django command.")
        return
    command, rest = args[0], args[1:]
    try:
        if command == "serve":
            serve(rest)
            return
        command = ALIASES.get(command, command).replace("-", "_")
        owner_url.use_owner_for(command, os.environ)  # migrations, grants, backup and restore connect as the owner
        from django.core.management import execute_from_command_line

        execute_from_command_line(["hearth", command, *rest])
    except ImproperlyConfigured as exc:
        # Production mode's refusals (hearth/core/production.py) and other settings errors: the message, no traceback.
        sys.exit(f"hearth: {exc}")


if __name__ == "__main__":
    main()
