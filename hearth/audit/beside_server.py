"""Starting the sealer (`hearth audit-seal --every N`) as a child process beside the web server, and stopping it
with the server. Used by `hearth serve` in gunicorn's master process, before Django is set up, so this module
imports nothing from Django or Hearth."""

import os
import subprocess
import sys

DEFAULT_EVERY = 5.0


class BesideServer:
    """`hearth audit-seal --every N` as a child process of `hearth serve`, ended with the server."""

    def __init__(self, every: float = DEFAULT_EVERY):
        command = [sys.executable, "-m", "hearth.cli", "audit-seal", "--every", str(every), "--exit-with-parent"]
        self.process = subprocess.Popen(command)  # noqa: S603 (our own command, no input)
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
    if os.environ.get("HEARTH_AUDIT_SEALER", "").lower() in ("off", "0", "no", "false"):
        return None
    return BesideServer(every if every is not None else float(os.environ.get("HEARTH_AUDIT_SEAL_EVERY",
                                                                             DEFAULT_EVERY)))
