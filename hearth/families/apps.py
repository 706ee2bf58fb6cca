from django.apps import AppConfig


class FamiliesConfig(AppConfig):
    name = "hearth.families"
    label = "families"
    verbose_name = "Family and person records"

    def ready(self):
        from hearth.core import profiles
        from hearth.families import activity, localities

        profiles.localities_loaded.register("families", localities.keep_districts)
        activity.connect()
