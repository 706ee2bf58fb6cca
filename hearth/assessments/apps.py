from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "hearth.assessments"
    label = "assessments"

    def ready(self):
        from hearth.cases import panels
        from hearth.core.hooks import Panel
        from hearth.assessments import selectors

        panel = Panel("journey", "assessments/_episode_panel.html", selectors.episode_panel)
        panels.episode_page.register("assessments", panel, order=10)
