from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "hearth.retention"
    label = "retention"

    def ready(self):
        from hearth.core import personal_data
        from hearth.people import holds
        from hearth.retention import personal_data as retention_records
        from hearth.retention.holds import LEGAL_HOLD

        holds.sources.register("retention", LEGAL_HOLD, key="legal_hold")
        personal_data.declare("retention", retention_records.RECORDS)
