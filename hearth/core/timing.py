"""Server timing, opt-in: how long each request took and how much of it was SQL, in a `Server-Timing` header.

Turned on with HEARTH_SERVER_TIMING=1, which puts `ServerTimingMiddleware` first in MIDDLEWARE
(hearth/settings.py); off, nothing here runs. The load benchmark (benchmarks/load.py) reads the header to
compare each page's time with the time of its own SQL. The header carries durations and a count only:

    Server-Timing: app;dur=41.7, db;dur=12.9, queries;desc=17

- `app`: the whole request inside Django, from this middleware (first in the list) to the response: the other
  middleware, the session, the view and its transaction, the audit row and its sealing, rendering.
- `db`: the time spent in SQL statements run through a cursor on the default database (queries, savepoints),
  measured with `connection.execute_wrapper`. Commits and rollbacks made by the driver directly are not
  included.
- `queries`: how many such statements ran.

Never a URL, parameter, name or SQL text: the header goes to the client and may be logged by proxies.
"""

import time

from django.db import connection


class _SqlClock:
    """An execute wrapper adding up the time and number of the statements it sees."""

    __slots__ = ("count", "seconds")

    def __init__(self):
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1


class ServerTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        clock = _SqlClock()
        started = time.perf_counter()
        with connection.execute_wrapper(clock):
            response = self.get_response(request)
        app_ms = (time.perf_counter() - started) * 1000
        response["Server-Timing"] = (
            f"app;dur={app_ms:.1f}, db;dur={clock.seconds * 1000:.1f}, queries;desc={clock.count}"
        )
        return response
