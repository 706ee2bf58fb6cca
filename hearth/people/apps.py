from datetime import time

from django.apps import AppConfig

# When each council's people-matching model is learned again (hearth.people.tasks): at night, after the disposal run.
TRAIN_AT = time(3, 0)


class PeopleConfig(AppConfig):
    name = "hearth.people"
    label = "people"
    verbose_name = "People and families"

    def ready(self):
        from hearth.core import personal_data
        from hearth.people import personal_data as people_records

        personal_data.declare("people", people_records.RECORDS)

        from hearth.jobs import schedules
        from hearth.people import tasks

        schedules.daily("people.train_matching", tasks.train_all, at=TRAIN_AT)
