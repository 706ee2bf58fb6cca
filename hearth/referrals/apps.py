from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "hearth.referrals"
    label = "referrals"

    def ready(self):
        from hearth.cases import panels
        from hearth.core import personal_data
        from hearth.core.hooks import Panel
        from hearth.referrals import personal_data as referrals_records
        from hearth.referrals import selectors

        panel = Panel("journey", "referrals/_episode_panel.html", selectors.episode_panel)
        panels.episode_page.register("referrals", panel, order=40)
        personal_data.declare("referrals", referrals_records.RECORDS)
