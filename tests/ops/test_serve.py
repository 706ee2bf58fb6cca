"""`hearth serve` takes gunicorn's tuning from the environment, and each instance keeps its pid file and control
socket under its own HEARTH_VAR_DIR, so two instances on one machine run side by side."""

import gc
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from hearth.core import serving
from tests.ops.conftest import ROOT, environ


def option(argv, name):
    return argv[argv.index(name) + 1]


def test_gunicorn_takes_its_tuning_from_the_environment(tmp_path):
    argv = serving.gunicorn_argv({"HEARTH_WORKERS": "5", "HEARTH_THREADS": "4", "HEARTH_TIMEOUT": "60",
                                  "HEARTH_GRACEFUL_TIMEOUT": "20", "HEARTH_MAX_REQUESTS": "500",
                                  "HEARTH_MAX_REQUESTS_JITTER": "50", "HEARTH_KEEPALIVE": "5",
                                  "HEARTH_BIND": "0.0.0.0:9000"}, tmp_path)
    assert [option(argv, o) for o in ("--workers", "--threads", "--timeout", "--graceful-timeout", "--max-requests",
                                      "--max-requests-jitter", "--keep-alive", "--bind")] == [
        "5", "4", "60", "20", "500", "50", "5", "0.0.0.0:9000"]
    assert option(argv, "--pid") == str(tmp_path / "run" / "gunicorn.pid")
    assert option(argv, "--control-socket") == str(tmp_path / "run" / "gunicorn.ctl")
    assert option(argv, "--worker-tmp-dir") == str(tmp_path / "run")


def test_defaults_and_a_mistyped_number(tmp_path):
    argv = serving.gunicorn_argv({}, tmp_path)
    assert option(argv, "--workers") == "3" and option(argv, "--timeout") == "30"
    with pytest.raises(serving.ServeConfigError, match="HEARTH_TIMEOUT is '30s': it must be a whole number"):
        serving.gunicorn_argv({"HEARTH_TIMEOUT": "30s"}, tmp_path)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, seconds: float = 300) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"hearth serve stopped: {process.stderr.read().decode()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (our own test server)
                return response.status
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"{url} did not answer within {seconds} s")


def test_two_instances_on_one_machine_each_have_their_own_pid_file_and_control_socket(tmp_path):
    servers = []
    try:
        for name in ("a", "b"):
            var_dir = tmp_path / name
            var_dir.mkdir()
            port = free_port()
            env = environ(var_dir, HEARTH_BIND=f"127.0.0.1:{port}", HEARTH_WORKERS="1", HEARTH_AUDIT_SEALER="off",
                          HEARTH_WORKER="off")
            process = subprocess.Popen([sys.executable, "-m", "hearth.cli", "serve"], cwd=ROOT, env=env,  # noqa: S603
                                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            servers.append((var_dir, port, process))
        for var_dir, port, process in servers:
            assert wait_for(f"http://127.0.0.1:{port}/healthz", process) == 200
            run = var_dir / "run"
            assert int((run / "gunicorn.pid").read_text()) == process.pid
            assert (run / "gunicorn.ctl").is_socket()
    finally:
        for _, _, process in servers:
            process.terminate()
        for _, _, process in servers:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
    for var_dir, _, _ in servers:
        assert not (var_dir / "run" / "gunicorn.pid").exists()  # gunicorn removes its pid file when it stops


def test_a_worker_freezes_what_it_loaded_out_of_the_garbage_collectors_full_collections():
    """gunicorn's `post_worker_init` (hearth/web/gunicorn_conf.py) calls it once a worker has loaded Hearth: the URLs
    are loaded and everything loaded so far is frozen, so a full collection no longer walks it."""
    assert gc.get_freeze_count() == 0
    try:
        serving.freeze_loaded()
        frozen = gc.get_freeze_count()
        assert frozen > 10_000  # Django, Hearth and the URLconf
        gc.collect()
        # What a full collection still walks: only what was made since. (The frozen count itself may fall a little,
        # as objects freed by reference counting leave it.)
        assert len(gc.get_objects()) < frozen // 10
    finally:
        gc.unfreeze()
