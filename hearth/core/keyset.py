"""Keyset pagination: a page of a list ordered by an indexed column and the primary key, found from where the last
page ended rather than by counting and skipping. Its cost is the page's, not the list's, so a landing page costs
the same for a coordinator of 80,000 families as for a practitioner of five. No total is counted.

A cursor is the ordering value and the primary key of the row a page starts after (`after`) or ends before
(`before`), written as text for a link. A cursor that cannot be read gives the first page.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_date, parse_datetime

SEPARATOR = "_"


@dataclass
class Page:
    items: list
    next_cursor: str | None  # pass as `after` for the next page
    previous_cursor: str | None  # pass as `before` for the previous page

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_cursor or self.previous_cursor)


def _encode(value, pk: int) -> str:
    text = value.isoformat() if isinstance(value, date | datetime) else str(value)
    return f"{text}{SEPARATOR}{pk}"


def _decode(cursor: str | None, kind) -> tuple | None:
    if not cursor or SEPARATOR not in cursor:
        return None
    text, _, pk = cursor.rpartition(SEPARATOR)
    if not (pk.isascii() and pk.isdigit()) or len(pk) > 18:  # "²".isdigit() is true, and int() refuses it
        return None
    try:
        value = kind(text)
    except (TypeError, ValueError):
        return None
    return (value, int(pk)) if value is not None else None


PARSERS = {"datetime": parse_datetime, "date": parse_date, "int": int}


def page(queryset: QuerySet, *, field: str, descending: bool, kind: str, size: int, after: str | None = None,
         before: str | None = None) -> Page:
    """One page of `queryset` ordered by `field` then primary key (both descending when `descending`). `kind` says
    how to read the field's value back from a cursor: "datetime", "date" or "int". Rows whose `field` is empty
    are left out. Fetches one row more than the page to know whether another follows."""
    parse = PARSERS[kind]
    queryset = queryset.filter(**{f"{field}__isnull": False})
    start, end = _decode(after, parse), _decode(before, parse)
    backwards = end is not None and start is None
    mark = end if backwards else start
    # Walking forwards in a descending list, or backwards in an ascending one, goes to smaller keys.
    smaller = descending != backwards
    if mark is not None:
        value, pk = mark
        op = "lt" if smaller else "gt"
        queryset = queryset.filter(Q(**{f"{field}__{op}": value}) | Q(**{field: value, f"pk__{op}": pk}))
    prefix = "-" if smaller else ""
    rows = list(queryset.order_by(f"{prefix}{field}", f"{prefix}pk")[:size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    first, last = (rows[0], rows[-1]) if rows else (None, None)

    def cursor(row):
        return _encode(_follow(row, field), row.pk)

    has_next = (more if not backwards else True) and last is not None
    has_previous = (mark is not None if not backwards else more) and first is not None
    return Page(items=rows, next_cursor=cursor(last) if has_next else None,
                previous_cursor=cursor(first) if has_previous else None)


def _follow(row, path: str):
    value = row
    for part in path.split("__"):
        value = getattr(value, part)
    return value
