from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "hearth.identity"
    label = "identity"
    verbose_name = "Council single sign-on"

    def ready(self):
        from hearth.accounts import events
        from hearth.identity import views

        events.sign_in_choices.register("identity", views.sign_in_choices)
        events.signing_out.register("identity", views.signing_out)
        events.admin_pages.register("identity", ("Sign-in providers", "identity:admin_providers"), key="providers")
