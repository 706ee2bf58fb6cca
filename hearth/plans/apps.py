from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "hearth.plans"
    label = "plans"

    def ready(self):
        from hearth.assessments import events as assessment_events
        from hearth.cases import journey, panels
        from hearth.core.hooks import Panel
        from hearth.plans import selectors, services

        panels.episode_page.register("plans", Panel("journey", "plans/_episode_panel.html", selectors.episode_panel),
                                     order=30)
        journey.open_work.register("plans", services.open_actions)
        journey.episode_closed.register("plans", services.settle_open_actions, order=10)
        assessment_events.assessment_completed.register("plans", services.agree_plan_if_ready)
