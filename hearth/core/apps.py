from django.apps import AppConfig


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
