from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "hearth.retention"
    label = "retention"

    def ready(self):
        from hearth.people import holds
        from hearth.retention.holds import LEGAL_HOLD

        holds.sources.register("retention", LEGAL_HOLD, key="legal_hold")
