"""The `hearth` command: serve, migrate, load profiles and demo data, generate data, manage users, check.

`hearth <command>` runs the Django management command of that name (hyphens or underscores), so
`hearth load-demo`, `hearth generate --families 100000` and `hearth createsuperuser`-style commands
all work. `hearth serve` runs gunicorn.
"""

import os
import sys

from hearth.audit.beside_server import start_beside_server

ALIASES = {"check-deploy": "check", "verify-audit": "audit_verify"}


def serve(argv: list[str]) -> None:
    from gunicorn.app.wsgiapp import run

    bind = os.environ.get("HEARTH_BIND", "127.0.0.1:8000")
    workers = os.environ.get("HEARTH_WORKERS", "3")
    sys.argv = ["gunicorn", "hearth.wsgi:application", "--bind", bind, "--workers", workers,
                "--access-logfile", "-", "--forwarded-allow-ips", os.environ.get("HEARTH_FORWARDED_ALLOW_IPS", "127.0.0.1"),
                # JSON logs without query strings, and the metrics directory: hearth/web/gunicorn_conf.py.
                "--config", "python:hearth.web.gunicorn_conf",
                *argv]
    # Requests never seal the audit log: the sealer runs beside the server and ends with it (decision record 0004).
    sealer = start_beside_server()
    try:
        run()
    finally:
        if sealer is not None:
            sealer.stop()


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hearth.settings")
    args = sys.argv[1:]
    if not args or args[0] in ("-h", "--help", "help"):
        print(__doc__.strip())
        print("\nCommands: serve, migrate, load-profiles, load-demo, demo-up, generate, create-user, "
              "audit-verify, check (add --deploy for production checks), and every Django command.")
        return
    command, rest = args[0], args[1:]
    if command == "serve":
        serve(rest)
        return
    command = ALIASES.get(command, command).replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["hearth", command, *rest])


if __name__ == "__main__":
    main()
