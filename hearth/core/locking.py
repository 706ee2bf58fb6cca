"""Concurrent edits never silently overwrite: the one way a service takes a row to change it."""

from django.db.models import Model, QuerySet

from hearth.core.errors import Conflict

CHANGED = "Someone else changed {what} while you were working on it. Check the latest details and try again."


def locked(rows: QuerySet, pk, *, version: int | None = None, what: str = "this record",
           conflict: str = "") -> Model:
    """The row, locked until the transaction ends (the caller's `transaction.atomic`); when `version` is given (the
    version the user's form was built from) and someone has saved the row since, `Conflict` with `conflict` (or a
    message naming `what`), and nothing changes."""
    fresh = rows.select_for_update(of=("self",)).get(pk=pk)
    if version is not None and fresh.version != version:
        raise Conflict(conflict or CHANGED.format(what=what))
    return fresh
