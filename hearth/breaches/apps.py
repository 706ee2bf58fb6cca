from django.apps import AppConfig


class BreachesConfig(AppConfig):
    name = "hearth.breaches"
    label = "breaches"

    def ready(self):
        from hearth.breaches import personal_data as breaches_records
        from hearth.core import personal_data

        personal_data.declare("breaches", breaches_records.RECORDS)
