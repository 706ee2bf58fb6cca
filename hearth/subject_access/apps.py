from django.apps import AppConfig


class SubjectAccessConfig(AppConfig):
    name = "hearth.subject_access"
    label = "subject_access"

    def ready(self):
        from hearth.core import personal_data
        from hearth.people import holds
        from hearth.subject_access import personal_data as subject_access_records
        from hearth.subject_access.holds import OPEN_REQUEST

        holds.sources.register("subject_access", OPEN_REQUEST, key="open_request")
        personal_data.declare("subject_access", subject_access_records.RECORDS)
