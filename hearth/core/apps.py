from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hearth.core"
    label = "core"
    verbose_name = "Councils and shared rules"

    def ready(self):
        # The system check that every hook has its entries (hearth.core.hooks).
        from hearth.core import (
            hooks,  # noqa: F401
            personal_data,
        )

        personal_data.declare("core", [personal_data.AUDIT_LOG])
