from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "hearth.access"
    label = "access"
    verbose_name = "Access policy"

    def ready(self):
        from hearth.access import grants
        from hearth.access import personal_data as access_records
        from hearth.accounts import events as account_events
        from hearth.core import events as council_events
        from hearth.core import personal_data

        council_events.consent_model_changed.register("access", grants.refresh_council)
        account_events.user_changed.register("access", grants.refresh_user)
        personal_data.declare("access", access_records.RECORDS)
