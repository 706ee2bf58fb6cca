from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "hearth.outcomes"
    label = "outcomes"

    def ready(self):
        from hearth.cases import panels
        from hearth.core import personal_data
        from hearth.core.hooks import Panel
        from hearth.outcomes import personal_data as outcomes_records
        from hearth.outcomes import selectors

        panel = Panel("journey", "outcomes/_episode_panel.html", selectors.episode_panel)
        panels.episode_page.register("outcomes", panel, order=20)
        personal_data.declare("outcomes", outcomes_records.RECORDS)
