from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "hearth.consent"
    label = "consent"

    def ready(self):
        from hearth.access import coverage
        from hearth.consent import personal_data as consent_records
        from hearth.consent import selectors
        from hearth.consent.coverage import load_facts
        from hearth.core import personal_data
        from hearth.core.hooks import Panel
        from hearth.families import panels

        coverage.facts_source.register("consent", load_facts)
        panels.family_page.register("consent", Panel("summary", "consent/_family_panel.html", selectors.family_panel),
                                    order=10)
        personal_data.declare("consent", consent_records.RECORDS)
