"""Database expressions that read the same on SQLite and PostgreSQL."""

from django.db.models import Aggregate, CharField


class JoinedText(Aggregate):
    """The group's values joined with commas, in no particular order (SQLite GROUP_CONCAT, PostgreSQL
    STRING_AGG); NULL for an empty group. For short lists of codes that hold no comma, such as role names."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s)"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="STRING_AGG",
                              template="%(function)s(%(expressions)s, ',')", **extra_context)
