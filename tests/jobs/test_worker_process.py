"""`hearth worker` as its own process, against its own database: it sends what the web wrote to the outbox, and a
job whose worker is killed half-way runs again on the next worker and does its work once."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    var = tmp_path_factory.mktemp("worker-site")
    env = {**os.environ, "HEARTH_VAR_DIR": str(var), "DATABASE_URL": f"sqlite:///{var / 'hearth.sqlite3'}",
           "HEARTH_WORKER_HEARTBEAT_SECONDS": "0.5", "HEARTH_WORKER_STALE_SECONDS": "2", "PYTHONPATH": str(ROOT),
           "HEARTH_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend"}
    env.pop("HEARTH_ENV", None)
    hearth(env, "migrate", "-v0")
    return var, env


def hearth(env, *args, timeout=120, check=True):
    return subprocess.run([sys.executable, "-m", "hearth.cli", *args], env=env, cwd=ROOT, capture_output=True,  # noqa: S603
                          text=True, timeout=timeout, check=check)


def shell(env, code: str) -> str:
    return hearth(env, "shell", "--no-imports", "-v0", "-c", code).stdout.strip()


def test_the_worker_sends_what_was_written_to_the_outbox(site):
    var, env = site
    shell(env, "from hearth.outbox import services; "
               "services.send(to='lead@example.test', subject='Review due', body='Sign in to see it', kind='test')")
    assert shell(env, "from hearth.outbox.models import Message; print(Message.objects.get().status)") == "waiting"

    hearth(env, "worker", "--batch", "--no-schedules")

    assert shell(env, "from hearth.outbox.models import Message; print(Message.objects.get().status)") == "sent"
    sent = [p.read_text() for p in (var / "mail").iterdir()]
    assert len(sent) == 1 and "Subject: Review due" in sent[0] and "lead@example.test" in sent[0]


def test_a_job_whose_worker_is_killed_runs_again_and_does_its_work_once(site, tmp_path):
    var, env = site
    marker = tmp_path / "marker"
    shell(env, f"from hearth.jobs import queue; from tests.jobs.slow import slow_once; "
               f"print(queue.enqueue(slow_once, {str(marker)!r}, 4))")
    first = subprocess.Popen([sys.executable, "-m", "hearth.cli", "worker", "--no-schedules", "--interval", "0.2"],
                             env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not (marker.exists() and "started" in marker.read_text()):
            assert time.monotonic() < deadline, "the job never started"
            time.sleep(0.1)
        first.send_signal(signal.SIGKILL)  # killed mid-job: no chance to finish or to tidy up
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    assert marker.read_text().split() == ["started"]
    status = ("from django_tasks_db.models import DBTaskResult as R; "
              "print(R.objects.get(task_path__endswith='slow_once').status)")
    assert shell(env, status) == "RUNNING"

    time.sleep(2.5)  # the killed worker's heartbeat goes stale
    hearth(env, "worker", "--batch", "--no-schedules", timeout=120)

    assert shell(env, status) == "SUCCESSFUL"
    assert marker.read_text().split() == ["started", "started", "done"]
    hearth(env, "worker", "--batch", "--no-schedules")
    assert marker.read_text().split().count("done") == 1
