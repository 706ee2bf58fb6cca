from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "hearth.sharing"
    label = "sharing"

    def ready(self):
        from hearth.cases import journey
        from hearth.core import personal_data
        from hearth.core.hooks import Panel
        from hearth.families import panels
        from hearth.outbox import hooks as outbox_hooks
        from hearth.sharing import personal_data as sharing_records
        from hearth.sharing import selectors, services

        panel = Panel("records", "sharing/_family_panel.html", selectors.family_panel)
        panels.family_page.register("sharing", panel, order=10)
        journey.episode_closed.register("sharing", services.closure_notice, order=30)
        journey.level_changed.register("sharing", services.level_down_notice)
        personal_data.declare("sharing", sharing_records.RECORDS)
        outbox_hooks.SENT.register("sharing", services.delivery_reported)
