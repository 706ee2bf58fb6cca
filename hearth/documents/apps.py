from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "hearth.documents"
    label = "documents"

    def ready(self):
        from hearth.documents import (
            copies,  # noqa: F401  (the system check that the register names known copies)
            tasks,
        )
        from hearth.jobs import access as job_access

        job_access.downloads.register("documents", tasks.may_download, key="documents")
