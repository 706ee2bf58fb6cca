from django.apps import AppConfig


class SubjectAccessConfig(AppConfig):
    name = "hearth.subject_access"
    label = "subject_access"
