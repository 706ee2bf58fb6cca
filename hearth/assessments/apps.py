from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "hearth.assessments"
    label = "assessments"

    def ready(self):
        from hearth.assessments import selectors, services
        from hearth.cases import journey, panels
        from hearth.core.hooks import Panel

        panel = Panel("journey", "assessments/_episode_panel.html", selectors.episode_panel)
        panels.episode_page.register("assessments", panel, order=10)
        journey.transition_checks.register("assessments", services.plan_needs_completed_assessment)
        journey.episode_closed.register("assessments", services.mark_drafts_not_completed, order=20)
