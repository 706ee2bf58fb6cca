"""gunicorn's command line for `hearth serve`, from the environment (docs/deploy.md).

Each instance keeps its pid file and gunicorn's control socket (for `gunicornc`) under its own HEARTH_VAR_DIR
(`run/`), so two Hearth instances on one machine never share them; gunicorn's own default puts the control socket
in the user's home directory, where a second instance would take over the first one's. Imported by hearth/cli.py
before Django is set up: nothing from Django or the rest of Hearth.
"""

import gc
from collections.abc import Mapping
from pathlib import Path

# Environment variable, gunicorn option, default.
TUNING = [
    ("HEARTH_WORKERS", "--workers", "3"),
    ("HEARTH_THREADS", "--threads", "1"),
    ("HEARTH_TIMEOUT", "--timeout", "30"),
    ("HEARTH_GRACEFUL_TIMEOUT", "--graceful-timeout", "30"),
    ("HEARTH_KEEPALIVE", "--keep-alive", "2"),
    ("HEARTH_MAX_REQUESTS", "--max-requests", "1000"),
    ("HEARTH_MAX_REQUESTS_JITTER", "--max-requests-jitter", "100"),
]
# A Unix socket's path is at most 107 bytes on Linux.
SOCKET_PATH_LIMIT = 107


class ServeConfigError(ValueError):
    """A serve setting is not usable; the message says which and why."""


def run_dir(var_dir: Path) -> Path:
    """The instance's own directory for its pid file and control socket."""
    path = Path(var_dir) / "run"
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def gunicorn_argv(environ: Mapping[str, str], var_dir: Path) -> list[str]:
    """gunicorn's arguments (without the program name and any the operator adds after `hearth serve`)."""
    argv = ["hearth.wsgi:application", "--bind", environ.get("HEARTH_BIND", "127.0.0.1:8000"),
            "--access-logfile", "-", "--forwarded-allow-ips", environ.get("HEARTH_FORWARDED_ALLOW_IPS", "127.0.0.1")]
    for name, option, default in TUNING:
        value = environ.get(name, "").strip() or default
        if not value.isdigit():
            raise ServeConfigError(f"{name} is {value!r}: it must be a whole number (default {default}).")
        argv += [option, value]
    run = run_dir(var_dir)
    socket = run / "gunicorn.ctl"
    if len(str(socket)) > SOCKET_PATH_LIMIT:
        raise ServeConfigError(f"HEARTH_VAR_DIR is too long a path for gunicorn's control socket ({socket}): "
                               f"use a path shorter than {SOCKET_PATH_LIMIT - 16} characters.")
    argv += ["--pid", str(run / "gunicorn.pid"), "--control-socket", str(socket),
             "--worker-tmp-dir", environ.get("HEARTH_WORKER_TMP_DIR", "") or str(run)]
    return argv


def freeze_loaded() -> None:
    """In a worker that has loaded Hearth: load its URLs too, then move everything loaded so far out of the garbage
    collector's way (`gc.freeze`). None of it is ever freed, yet every full collection would walk it again: about
    55 ms on the benchmark machine, a pause in whichever request it fell in."""
    from django.urls import get_resolver  # noqa: PLC0415 (gunicorn's master imports this module before Django is set up)

    get_resolver().url_patterns  # noqa: B018 (loads the URLconf, and with it the views)
    gc.freeze()
