"""Starting the sealer (`hearth audit-seal --every N`) and the job worker (`hearth worker`) as child processes
beside the web server, and stopping them with the server. Used by `hearth serve` in gunicorn's master process,
before Django is set up, so this module imports nothing from Django or Hearth."""

import os
import subprocess
import sys

DEFAULT_EVERY = 5.0


def is_off(variable: str) -> bool:
    return os.environ.get(variable, "").lower() in ("off", "0", "no", "false")


class BesideServer:
    """A `hearth` command (`audit-seal --every N`, `worker`) as a child process of `hearth serve`, ended with the
    server."""

    def __init__(self, every: float = DEFAULT_EVERY, command: list[str] | None = None):
        command = command or ["audit-seal", "--every", str(every)]
        self.process = subprocess.Popen(  # noqa: S603 (our own command, no input)
            [sys.executable, "-m", "hearth.cli", *command, "--exit-with-parent"])
        self.every = every

    def stop(self, timeout: float = 10.0) -> None:
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_beside_server(every: float | None = None) -> BesideServer | None:
    """Start the sealer beside the web server, unless HEARTH_AUDIT_SEALER=off (a deployment that runs
    `hearth audit-seal --every N` as its own service). HEARTH_AUDIT_SEAL_EVERY sets the interval (5 seconds)."""
    if is_off("HEARTH_AUDIT_SEALER"):
        return None
    return BesideServer(every if every is not None else float(os.environ.get("HEARTH_AUDIT_SEAL_EVERY",
                                                                             DEFAULT_EVERY)))


def start_worker_beside_server() -> BesideServer | None:
    """Start `hearth worker` beside the web server, unless HEARTH_WORKER=off (a deployment that runs workers as
    their own service, docs/deploy.md)."""
    if is_off("HEARTH_WORKER"):
        return None
    return BesideServer(command=["worker"])
