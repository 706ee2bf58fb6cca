from django.apps import AppConfig


class FamiliesConfig(AppConfig):
    name = "hearth.families"
    label = "families"
    verbose_name = "Family and person records"
