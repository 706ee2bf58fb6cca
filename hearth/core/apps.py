from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


def _make_cache_table(sender, using, verbosity=1, **kwargs):
    """`hearth migrate` also makes the database cache's table (settings.CACHES), where the limits are counted."""
    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "hearth.core"
    label = "core"
    verbose_name = "Councils and shared rules"

    def ready(self):
        # The system checks that every hook has its entries (hearth.core.hooks) and that the bank-holiday list
        # reaches far enough (hearth.core.working_days).
        from hearth.core import (
            hooks,  # noqa: F401
            personal_data,
            working_days,  # noqa: F401
        )

        personal_data.declare("core", [personal_data.AUDIT_LOG])
        post_migrate.connect(_make_cache_table, sender=self, dispatch_uid="hearth.core.cache_table")
