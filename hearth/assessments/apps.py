from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "hearth.assessments"
    label = "assessments"

    def ready(self):
        from hearth.assessments import journey, selectors
        from hearth.assessments import personal_data as assessments_records
        from hearth.cases import journey as cases_journey
        from hearth.cases import panels
        from hearth.core import personal_data
        from hearth.core.hooks import Panel

        panel = Panel("journey", "assessments/_episode_panel.html", selectors.episode_panel)
        panels.episode_page.register("assessments", panel, order=10)
        cases_journey.transition_checks.register("assessments", journey.plan_needs_completed_assessment)
        cases_journey.episode_closed.register("assessments", journey.mark_drafts_not_completed, order=20)
        personal_data.declare("assessments", assessments_records.RECORDS)
