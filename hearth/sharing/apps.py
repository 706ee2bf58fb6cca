from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "hearth.sharing"
    label = "sharing"

    def ready(self):
        from hearth.core.hooks import Panel
        from hearth.families import panels
        from hearth.sharing import selectors

        panels.family_page.register("sharing", Panel("records", "sharing/_family_panel.html", selectors.family_panel),
                                    order=10)
