"""The database made unreachable for a block, as a server whose database has gone sees it: every new cursor (and so
every query, session load and transaction) fails with OperationalError. The message carries a marker, so tests can
check it reaches no page and no log line."""

import contextlib
from unittest import mock

from django.db import OperationalError, connections

MESSAGE_MARKER = "Qx9downmarker"


@contextlib.contextmanager
def database_unreachable():
    def refuse(*args, **kwargs):
        raise OperationalError(f'connection to server failed: FATAL: database "{MESSAGE_MARKER}" does not exist')

    connection = connections["default"]
    with mock.patch.object(connection, "ensure_connection", refuse), mock.patch.object(connection, "connect", refuse):
        yield
