from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "hearth.retention"
    label = "retention"
