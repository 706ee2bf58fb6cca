from django.apps import AppConfig


class MergesConfig(AppConfig):
    name = "hearth.merges"
    label = "merges"
    verbose_name = "Merging two records of one person"

    def ready(self):
        from hearth.core import personal_data
        from hearth.core.hooks import Panel
        from hearth.families import panels
        from hearth.merges import personal_data as merge_records
        from hearth.merges import selectors
        from hearth.people import tasks as people_tasks

        personal_data.declare("merges", merge_records.RECORDS)
        panels.person_page.register("merges", Panel("alerts", "merges/_person_banner.html", selectors.person_banner),
                                    key="merges", order=30)
        people_tasks.same_person.register("merges", selectors.same_person_pairs)
