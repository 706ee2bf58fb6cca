from django.apps import AppConfig


class SubjectAccessConfig(AppConfig):
    name = "hearth.subject_access"
    label = "subject_access"

    def ready(self):
        from hearth.core import personal_data
        from hearth.jobs import access as job_access
        from hearth.people import holds
        from hearth.subject_access import personal_data as subject_access_records
        from hearth.subject_access import selectors
        from hearth.subject_access.holds import OPEN_REQUEST

        holds.sources.register("subject_access", OPEN_REQUEST, key="open_request")
        personal_data.declare("subject_access", subject_access_records.RECORDS)
        job_access.viewers.register("subject_access", selectors.may_see_job, key="subject_access")
