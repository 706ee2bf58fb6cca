from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "hearth.rights"
    label = "rights"

    def ready(self):
        from hearth.core import personal_data
        from hearth.core.hooks import Panel
        from hearth.families import panels
        from hearth.people import holds
        from hearth.rights import holds as rights_holds
        from hearth.rights import personal_data as rights_records
        from hearth.rights import selectors

        holds.sources.register("rights", rights_holds.RESTRICTION, key="restriction")
        holds.sources.register("rights", rights_holds.PENDING_REQUEST, key="pending_request")
        banner = "rights/_restriction_banner.html"
        panels.family_page.register("rights", Panel(
            "alerts", banner, lambda user, family: selectors.restrictions_in_force(family_id=family.pk)),
            key="restrictions", order=20)
        panels.person_page.register("rights", Panel(
            "alerts", banner, lambda user, person: selectors.restrictions_in_force(person_id=person.pk)),
            key="restrictions", order=20)
        personal_data.declare("rights", rights_records.RECORDS)
