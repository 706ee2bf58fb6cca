from django.apps import AppConfig


class DpoConfig(AppConfig):
    name = "hearth.dpo"
    label = "dpo"

    def ready(self):
        from hearth.core.hooks import Panel
        from hearth.dpo import selectors
        from hearth.families import panels

        restricted = Panel("alerts", "dpo/_restriction_banner.html",
                           lambda user, family: selectors.restrictions_in_force(family_id=family.pk))
        panels.family_page.register("dpo", restricted, key="restrictions", order=20)
        panels.person_page.register("dpo", Panel("alerts", "dpo/_restriction_banner.html",
                                                 lambda user, person: selectors.restrictions_in_force(
                                                     person_id=person.pk)), key="restrictions", order=20)
