from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "hearth.people"
    label = "people"
    verbose_name = "People and families"

    def ready(self):
        from hearth.core import personal_data
        from hearth.people import personal_data as people_records

        personal_data.declare("people", people_records.RECORDS)
