from django.apps import AppConfig


class DuplicatesConfig(AppConfig):
    name = "hearth.duplicates"
    label = "duplicates"
    verbose_name = "People recorded twice"

    def ready(self):
        from hearth.core import personal_data
        from hearth.duplicates import personal_data as duplicate_records
        from hearth.duplicates import tasks  # noqa: F401 (the job, for the worker)

        personal_data.declare("duplicates", duplicate_records.RECORDS)
