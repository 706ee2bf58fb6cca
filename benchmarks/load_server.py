"""The load benchmark's server and HTTP against it (benchmarks/load.py, step 3): `hearth serve` on a free loopback
port, GET, signing in through the form, and waiting for the server to drain."""

import http.client
import os
import re
import signal
import socket
import subprocess
import time
from urllib.parse import urlencode

from benchmarks.load_settings import DRAIN_S, PASSWORD, REQUEST_S, SERVER_START_S, WORK_DIR, Failed
from benchmarks.run import hearth_command
from benchmarks.settings import ROOT

# ---------------------------------------------------------------------------------------------
# The server and HTTP against it (127.0.0.1 only).


def _die_with_parent() -> None:
    """In the server's process, before it runs: be sent SIGTERM if this benchmark's process dies, even by SIGKILL
    (Linux's PR_SET_PDEATHSIG; elsewhere nothing). Runs in the child between fork and exec."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`hearth serve` in its own process group, stopped (the whole group) by stop() or on the way out."""

    def __init__(self, env: dict[str, str], *, timing: bool, workers: int | None):
        self.port = _free_port()
        self.env = {**env, "HEARTH_DEMO": "1", "HEARTH_DEFAULT_COUNCIL": "hearthshire",
                    "HEARTH_BIND": f"127.0.0.1:{self.port}"}
        if workers:
            self.env["HEARTH_WORKERS"] = str(workers)
        if timing:
            self.env["HEARTH_SERVER_TIMING"] = "1"
        else:
            self.env.pop("HEARTH_SERVER_TIMING", None)
        self.workers = int(self.env.get("HEARTH_WORKERS", "3"))
        self.log_path = WORK_DIR / ("server-timing.log" if timing else "server.log")
        self.process = None

    def start(self) -> "Server":
        WORK_DIR.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("w") as errors:  # gunicorn's error log; the access log (stdout) is discarded
            self.process = subprocess.Popen([*hearth_command(), "serve"], env=self.env, cwd=ROOT,  # noqa: S603
                                            stdout=subprocess.DEVNULL, stderr=errors, start_new_session=True,
                                            preexec_fn=_die_with_parent)  # noqa: PLW1509
        deadline = time.monotonic() + SERVER_START_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise Failed(f"hearth serve stopped ({self.process.returncode}); see {self.log_path}")
            try:
                if get(self.port, "/healthz", timeout=5)[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        raise Failed(f"hearth serve did not answer /healthz within {SERVER_START_S} s; see {self.log_path}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
            try:
                os.killpg(self.process.pid, sig)  # the group of the process started above: gunicorn and its workers
            except ProcessLookupError:
                return
            try:
                self.process.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def get(port: int, path: str, cookie: str = "", timeout: float = REQUEST_S) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def _cookies(headers, jar: dict[str, str]) -> dict[str, str]:
    for header in headers.get_all("Set-Cookie") or []:
        name, _, value = header.split(";", 1)[0].partition("=")
        jar[name.strip()] = value.strip()
    return jar


def sign_in(port: int, email: str) -> str:
    """Sign in through the form as a browser would: GET for the CSRF cookie and token, POST; the Cookie header."""
    status, headers, body = get(port, "/sign-in")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or token is None:
        raise Failed(f"GET /sign-in answered {status} without a CSRF token")
    jar = _cookies(headers, {})
    form = urlencode({"csrfmiddlewaretoken": token.group(1).decode(), "email": email, "password": PASSWORD})
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_S)
    try:
        conn.request("POST", "/sign-in", body=form, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Origin": f"http://127.0.0.1:{port}",
            "Referer": f"http://127.0.0.1:{port}/sign-in", "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())})
        response = conn.getresponse()
        response.read()
        _cookies(response.headers, jar)
        location = response.headers.get("Location", "")
    finally:
        conn.close()
    if response.status != 302 or location.rstrip("/") not in ("", f"http://127.0.0.1:{port}") or "sessionid" not in jar:
        raise Failed(f"signing in as {email} did not reach the dashboard ({response.status} to {location or '-'}); "
                     "is HEARTH_DEMO on and the demo account there?")
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def drain(port: int) -> None:
    """Wait until the server answers /healthz quickly: the previous step's queued requests are done."""
    deadline = time.monotonic() + DRAIN_S
    while time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            if get(port, "/healthz", timeout=DRAIN_S)[0] == 200 and time.perf_counter() - started < 0.2:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise Failed(f"the server was still busy {DRAIN_S} s after a step")
