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


CHANGED_UNSAVED = ("Someone else changed this {what} while you were working on it. Your changes have not been saved: "
                   "check the latest details and make your changes again.")


def update_if_unchanged(obj: Model, version: int, *, what: str, **fields) -> None:
    """Save `fields` on `obj` if nobody has saved it since `version` (the version the user's form was built from),
    moving its version on; otherwise `Conflict` naming `what`, and nothing is saved. `obj` is updated to match."""
    updated = type(obj).objects.filter(pk=obj.pk, version=version).update(version=version + 1, **fields)
    if not updated:
        raise Conflict(CHANGED_UNSAVED.format(what=what))
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.version = version + 1
