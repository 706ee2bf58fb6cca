from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "hearth.plans"
    label = "plans"

    def ready(self):
        from hearth.cases import panels
        from hearth.core.hooks import Panel
        from hearth.plans import selectors

        panel = Panel("journey", "plans/_episode_panel.html", selectors.episode_panel)
        panels.episode_page.register("plans", panel, order=30)
