"""What a user's live grants for one family say (`Held`), read either as rows or, on detail pages, in the same
statement as the record itself (`HeldGrants`, `policy.with_decision`). The policy turns it into a decision."""

from dataclasses import dataclass, replace
from datetime import datetime

from django.db.models import CharField, DateTimeField, F, Func

from hearth.access.models import Grant


@dataclass(frozen=True)
class Held:
    """What the user's live grants for one family say, before the locality and the council are considered."""

    full: bool  # a grant to the whole record
    writable: bool  # a grant to the whole record that is not read-only
    any: bool
    routes: frozenset[str]
    until: datetime | None  # the earliest end of a time-limited grant

    @classmethod
    def from_rows(cls, rows) -> "Held":
        """From rows of (route, part only, read only, expires at)."""
        rows = list(rows)
        full = [r for r in rows if not r[1]]
        return cls(full=bool(full), writable=any(not r[2] for r in full), any=bool(rows),
                   routes=frozenset(r[0] for r in rows),
                   until=min((r[3] for r in rows if r[3] is not None), default=None))

    @classmethod
    def from_codes(cls, codes: str | None, until: datetime | None) -> "Held":
        """From what `HeldGrants` gives: the codes joined by commas, and the earliest end."""
        rows = [(c.rstrip("!~"), "!" in c, "~" in c, None) for c in codes.split(",")] if codes else []
        return replace(cls.from_rows(rows), until=until)


class HeldGrants(Func):
    """The user's live grants for the family in `family_field` of the outer row, as a correlated subquery written
    out once: `codes` gives each grant as its route, with "!" when it reaches a part only and "~" when it is
    read-only, joined by commas (NULL when none); `until` the earliest end of a time-limited one. The same rule as
    `policy.grants_of`, in SQL both databases run; building it costs next to nothing, where the same subqueries
    built with the ORM cost a detail page several milliseconds of Python."""

    def __init__(self, family_field: str, *, user_id: int, routes: list[str], now: datetime, what: str):
        self.user_id, self.routes, self.now, self.what = user_id, list(routes), now, what
        super().__init__(F(family_field), output_field=DateTimeField() if what == "until" else CharField())

    def as_sql(self, compiler, connection, **extra_context):
        family_sql, family_params = compiler.compile(self.source_expressions[0])
        code = "g.route || CASE WHEN g.part_only THEN '!' ELSE '' END || CASE WHEN g.read_only THEN '~' ELSE '' END"
        if self.what == "until":
            selected = "MIN(g.expires_at)"
        elif connection.vendor == "postgresql":
            selected = f"STRING_AGG({code}, ',')"
        else:
            selected = f"GROUP_CONCAT({code})"
        routes = ", ".join(["%s"] * len(self.routes))
        # Names from the model and the compiler only; every value is a parameter.
        sql = (f"(SELECT {selected} FROM {Grant._meta.db_table} g WHERE g.family_id = {family_sql} "  # noqa: S608
               f"AND g.user_id = %s AND g.route IN ({routes}) AND (g.expires_at IS NULL OR g.expires_at > %s))")
        return sql, (*family_params, self.user_id, *self.routes,
                     connection.ops.adapt_datetimefield_value(self.now))
