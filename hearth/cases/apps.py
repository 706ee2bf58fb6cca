from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "hearth.cases"
    label = "cases"

    def ready(self):
        from hearth.cases import personal_data as cases_records
        from hearth.cases import selectors
        from hearth.core import personal_data
        from hearth.core.hooks import Panel
        from hearth.families import panels

        panels.family_page.register("cases", Panel("alerts", "cases/_risk_banner.html", lambda user, family: None),
                                    key="risk", order=10)
        panels.family_page.register("cases", Panel("work", "cases/_family_panel.html", selectors.family_page_panel),
                                    key="early_help", order=10)
        personal_data.declare("cases", cases_records.RECORDS)
