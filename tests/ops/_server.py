"""A real `hearth serve` (gunicorn, several workers) on a free port with a scratch SQLite database, for the log and
metrics tests: its stdout (gunicorn's access log), stderr (gunicorn's and the application's logs) and HEARTH_LOG_FILE
are kept in files the test reads back."""

import atexit
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_migrated: dict[str, Path] = {}


def environ(var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of an operator's shell with this installation's settings and nothing from pytest's."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("HEARTH_", "DATABASE_URL", "PROMETHEUS_", "DJANGO_"))}
    env.update(HEARTH_VAR_DIR=str(var_dir), DATABASE_URL=f"sqlite:///{var_dir / 'hearth.sqlite3'}",
               HEARTH_AUDIT_SEALER="off", HEARTH_WORKER="off")
    env.update(extra)
    return env


def hearth(*args: str, env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "hearth.cli", *args], cwd=ROOT, env=env,  # noqa: S603
                          capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, f"hearth {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done


def migrated_database() -> Path:
    """A SQLite database made by `hearth migrate`, once per test process (copied for each server)."""
    if "sqlite" not in _migrated:
        var_dir = Path(tempfile.mkdtemp(prefix="hearth-obs-migrated-"))
        atexit.register(shutil.rmtree, var_dir, ignore_errors=True)
        hearth("migrate", "--no-input", "-v", "0", env=environ(var_dir))
        _migrated["sqlite"] = var_dir / "hearth.sqlite3"
    return _migrated["sqlite"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`hearth serve` in a subprocess; `stop()` ends it as an operator's SIGTERM does."""

    def __init__(self, var_dir: Path, workers: int = 2, **extra: str):
        var_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy(migrated_database(), var_dir / "hearth.sqlite3")
        self.var_dir, self.port = var_dir, free_port()
        self.stdout, self.stderr = var_dir / "stdout.log", var_dir / "stderr.log"
        self.log_file = var_dir / "hearth.log"
        env = environ(var_dir, HEARTH_BIND=f"127.0.0.1:{self.port}", HEARTH_WORKERS=str(workers),
                      HEARTH_LOG_FILE=str(self.log_file), **extra)
        with self.stdout.open("wb") as out, self.stderr.open("wb") as err:
            self.process = subprocess.Popen([sys.executable, "-m", "hearth.cli", "serve"], cwd=ROOT,  # noqa: S603
                                            env=env, stdout=out, stderr=err)
        self._wait_until_up()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _wait_until_up(self, seconds: float = 90) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"hearth serve exited:\n{self.stderr.read_text()}")
            try:
                # A long timeout: a request given up on would still be answered (and counted) later.
                urllib.request.urlopen(f"{self.base}/healthz", timeout=60).read()  # noqa: S310 - our own server
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        self.stop()
        raise AssertionError("hearth serve did not answer /healthz in time")

    def get(self, path: str, headers: dict | None = None, data: bytes | None = None):
        """(status, headers, body) of a request, whatever the status."""
        request = urllib.request.Request(self.base + path, headers=headers or {}, data=data)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our own server
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def logs(self) -> str:
        """Everything the server wrote: stdout, stderr and the log file."""
        return "\n".join(p.read_text(errors="replace") for p in (self.stdout, self.stderr, self.log_file)
                         if p.exists())
