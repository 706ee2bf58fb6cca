from django.apps import AppConfig


class DpoConfig(AppConfig):
    name = "hearth.dpo"
    label = "dpo"

    def ready(self):
        from hearth.core.hooks import Panel
        from hearth.dpo import holds as dpo_holds
        from hearth.dpo import selectors
        from hearth.families import panels
        from hearth.people import holds

        holds.sources.register("dpo", dpo_holds.RESTRICTION, key="restriction")
        holds.sources.register("dpo", dpo_holds.PENDING_REQUEST, key="pending_request")
        banner = "dpo/_restriction_banner.html"
        panels.family_page.register("dpo", Panel(
            "alerts", banner, lambda user, family: selectors.restrictions_in_force(family_id=family.pk)),
            key="restrictions", order=20)
        panels.person_page.register("dpo", Panel(
            "alerts", banner, lambda user, person: selectors.restrictions_in_force(person_id=person.pk)),
            key="restrictions", order=20)
