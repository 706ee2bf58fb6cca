from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "hearth.documents"
    label = "documents"

    def ready(self):
        from hearth.documents import copies  # noqa: F401  (the system check that the register names known copies)
