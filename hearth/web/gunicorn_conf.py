"""gunicorn's settings for `hearth serve` (`--config python:hearth.web.gunicorn_conf`; the command line's options,
from hearth/core/serving.py and the operator, come on top).

- Logs: gunicorn's error log and access log are JSON lines through the same formatter as the application's
  (`hearth.core.logs.JsonFormatter`: no exception messages, no query strings). The access log has the method, the
  path without its query string, the status, the duration, the size of the body and the request id; never the
  query string, the Referer (which carries query strings), cookies or the user agent.
- Metrics: the workers count requests into files in PROMETHEUS_MULTIPROC_DIR (under HEARTH_VAR_DIR), emptied when
  the server starts; a dead worker is marked so (`hearth.ops.metrics` adds them up at scrape time).
- Memory: once a worker has loaded Hearth, what it loaded is frozen out of the garbage collector's full collections
  (`post_worker_init`).

Loaded by gunicorn's master before Django is set up: nothing from Django here.
"""

import logging
import os
from pathlib import Path

from gunicorn import glogging

from hearth.core import logs, serving

_VAR_DIR = Path(os.environ.get("HEARTH_VAR_DIR", Path(__file__).resolve().parents[2] / "var"))
# Set before any process imports prometheus_client, which decides at import whether to write to files.
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(_VAR_DIR / "prometheus"))

REQUEST_ID_HEADER = "x-request-id"


def _drop(record: logging.LogRecord) -> None:
    """A line gunicorn cannot write (a full disk, a closed pipe) is dropped, not echoed to stderr."""


class Logger(glogging.Logger):
    """gunicorn's logger with Hearth's JSON lines."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(logs.JsonFormatter())
                handler.handleError = _drop

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        request_id = next((value for name, value in resp.headers if name.lower() == REQUEST_ID_HEADER), None)
        status = getattr(resp, "status_code", None)
        path = (req.path or "").split("?", 1)[0]
        self.access_log.info("%s %s %s", req.method, path, status, extra={
            "method": req.method,
            "path": path,
            "status": status,
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "size": getattr(resp, "sent", None),
            "request_id": request_id if request_id and logs.SAFE_REQUEST_ID.match(request_id) else None,
        })


logger_class = Logger
accesslog = "-"


def on_starting(server):
    """Empty the metrics directory: counts from a previous run would be added to this one's."""
    directory = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink(missing_ok=True)


def post_worker_init(worker):
    """Once a worker has loaded Hearth: `serving.freeze_loaded`."""
    serving.freeze_loaded()


def child_exit(server, worker):
    """A worker has gone: its live gauges stop counting (its counters and histograms are kept and still add up)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
