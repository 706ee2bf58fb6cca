"""Logs with no personal data: one JSON object a line, the same scrubbing for every handler.

Every handler in `settings.LOGGING` (and gunicorn's error and access logs, `hearth/web/gunicorn_conf.py`) formats
with `JsonFormatter`, which writes only the fields it knows: time, level, logger, message, request_id, user_id, a
few named extras (the access log's method, path, status, duration and size) and, for an exception, its class and
stack frames but never its message (a database error's DETAIL quotes column values; other messages may quote what
a user typed). Query strings and email addresses are cut out of every message. `request_id` and `user_id` come from
the request being served (`RequestIdMiddleware` in `hearth/web/middleware.py` binds them), or from a job (`bind`).

The handlers (`SafeStreamHandler`, `SafeFileHandler`) drop a line they cannot write (a full disk, a closed pipe)
instead of failing the request, and never echo the line to stderr as Python's logging does by default.

This module imports nothing from Django, so gunicorn's master process can use it before Django is set up.
"""

import contextlib
import datetime
import logging
import logging.handlers
import re
import traceback
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from pythonjsonlogger.json import JsonFormatter as _BaseJsonFormatter

# A request id from a client is kept only when it is a short token of these characters.
SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

# "?" and everything after it up to a space or quote: the query string of a path or URL in a message.
_QUERY = re.compile(r"\?[^\s\"'<>]+")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

# Extra fields (logger.info(..., extra={...})) that may be written; anything else given as extra is left out.
SAFE_EXTRAS = ("method", "path", "route", "status", "duration_ms", "size", "job_id", "task", "count")


@dataclass
class LogContext:
    request_id: str | None = None
    user_id: int | None = None
    request: Any = None  # the Django request, to read the signed-in user once authentication has loaded them


_context: ContextVar[LogContext | None] = ContextVar("hearth_log_context", default=None)


def bind(*, request_id: str | None = None, user_id: int | None = None, request: Any = None):
    """Put ids on every line logged until `unbind(token)` (a request, or a job the worker runs)."""
    return _context.set(LogContext(request_id=request_id, user_id=user_id, request=request))


def unbind(token) -> None:
    _context.reset(token)


def current_request_id() -> str | None:
    ctx = _context.get()
    return ctx.request_id if ctx else None


def _user_id_of(request) -> int | None:
    # Only a user authentication has already loaded: a log line never runs a query (the database may be down).
    user = getattr(request, "_cached_user", None) if request is not None else None
    if user is not None and getattr(user, "is_authenticated", False) and isinstance(user.pk, int):
        return user.pk
    return None


def _ids(record: logging.LogRecord) -> tuple[str | None, int | None]:
    """The request id and user id for a line: bound to the context, or (for Django's lines about a response,
    written after the middleware has finished) read from the request the line names."""
    ctx = _context.get()
    request = ctx.request if ctx is not None and ctx.request is not None else getattr(record, "request", None)
    request_id = getattr(record, "request_id", None) or (ctx.request_id if ctx else None) \
        or getattr(request, "request_id", None)
    user_id = ctx.user_id if ctx is not None and ctx.user_id is not None else _user_id_of(request)
    return (request_id if isinstance(request_id, str) else None), user_id


def scrub(text: str) -> str:
    """The message without query strings and email addresses."""
    return _EMAIL.sub("[email]", _QUERY.sub("", text))


def _qualified(exc_type: type) -> str:
    module = exc_type.__module__
    return exc_type.__qualname__ if module in ("builtins", "__main__") else f"{module}.{exc_type.__qualname__}"


def format_exception(exc: BaseException | None) -> str:
    """The traceback as Python prints it (chained exceptions too), with each exception's class but not its
    message."""
    parts: list[str] = []
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        frames = "".join(traceback.format_list(traceback.extract_tb(exc.__traceback__)))
        parts.append(f"Traceback (most recent call last):\n{frames}{_qualified(type(exc))} (message withheld)")
        if exc.__cause__ is not None:
            exc, link = exc.__cause__, "The above exception was the direct cause of the following exception:"
        elif exc.__context__ is not None and not exc.__suppress_context__:
            exc, link = exc.__context__, "During handling of the above exception, another exception occurred:"
        else:
            break
        parts.append(f"\n\n{link}\n\n")
    # Python prints the first cause first.
    ordered = [parts[i] for i in range(len(parts) - 1, -1, -1)]
    return "".join(ordered).strip()


class JsonFormatter(_BaseJsonFormatter):
    """One JSON object a line with only the fields named in this module's docstring."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("json_default", str)
        super().__init__(*args, **kwargs)

    def formatException(self, ei) -> str:  # noqa: N802 - logging's name
        return format_exception(ei[1] if ei else None)

    def formatStack(self, stack_info: str) -> str:  # noqa: N802 - logging's name
        return stack_info  # frames only: no values

    def add_fields(self, log_data: dict, record: logging.LogRecord, message_dict: dict) -> None:
        log_data["time"] = datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(
            timespec="milliseconds")
        log_data["level"] = record.levelname
        log_data["logger"] = record.name
        log_data["message"] = scrub(record.message if isinstance(record.message, str) else str(record.message))
        log_data["request_id"], log_data["user_id"] = _ids(record)
        for key in SAFE_EXTRAS:
            if key in record.__dict__:
                value = record.__dict__[key]
                log_data[key] = scrub(value) if isinstance(value, str) else value
        if record.exc_info and record.exc_info[0] is not None:
            log_data["exc_type"] = _qualified(record.exc_info[0])
            log_data["exc_info"] = format_exception(record.exc_info[1])
        if record.stack_info:
            log_data["stack_info"] = record.stack_info


class _DropOnError:
    """A handler that drops a line it cannot write, and says nothing (Python's default prints the record,
    with its arguments, to stderr). `dropped` counts the lines lost."""

    dropped = 0

    def emit(self, record: logging.LogRecord) -> None:
        try:
            super().emit(record)
        except Exception:  # noqa: BLE001 - a log line must never break a request
            self.handleError(record)

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        type(self).dropped += 1


class SafeStreamHandler(_DropOnError, logging.StreamHandler):
    """A stream handler (stderr by default) that drops a line it cannot write."""


class SafeFileHandler(_DropOnError, logging.handlers.WatchedFileHandler):
    """A file handler, reopened when the file is moved (logrotate), opened at the first line and dropping any
    line it cannot write: a full disk or a missing directory loses log lines, never a request."""

    def __init__(self, filename: str, mode: str = "a", encoding: str | None = "utf-8", delay: bool = True):
        super().__init__(filename, mode=mode, encoding=encoding, delay=delay)

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        super().handleError(record)
        # A failed write leaves the line in the stream's buffer: throw it away so that the next line is not stuck
        # behind it, and open the file again at the next line.
        stream, self.stream = self.stream, None
        if stream is not None:
            with contextlib.suppress(Exception):  # the buffer cannot be written: it is dropped
                stream.close()
