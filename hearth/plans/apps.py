from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "hearth.plans"
    label = "plans"

    def ready(self):
        from hearth.assessments import events as assessment_events
        from hearth.cases import journey as cases_journey
        from hearth.cases import panels
        from hearth.core import personal_data
        from hearth.core.hooks import Panel
        from hearth.plans import journey, selectors, services
        from hearth.plans import personal_data as plans_records

        panels.episode_page.register("plans", Panel("journey", "plans/_episode_panel.html", selectors.episode_panel),
                                     order=30)
        cases_journey.open_work.register("plans", journey.open_actions)
        cases_journey.first_steps.register("plans", journey.outcomes_to_settle)
        cases_journey.episode_closed.register("plans", journey.outcomes_settled_on_closing, order=11)
        cases_journey.episode_closed.register("plans", journey.settle_open_actions, order=10)
        assessment_events.assessment_completed.register("plans", services.agree_plan_if_ready)
        personal_data.declare("plans", plans_records.RECORDS)
