from django.apps import AppConfig


class SupportingFamiliesConfig(AppConfig):
    name = "hearth.supporting_families"
    label = "supporting_families"
    verbose_name = "The Supporting Families programme"

    def ready(self):
        from hearth.core import personal_data
        from hearth.core.hooks import Panel
        from hearth.families import panels
        from hearth.jobs import access as job_access
        from hearth.supporting_families import personal_data as programme_records
        from hearth.supporting_families import selectors, tasks

        personal_data.declare("supporting_families", programme_records.RECORDS)
        panels.family_page.register("supporting_families", Panel("records", "supporting_families/_family_panel.html",
                                                                 selectors.family_panel), order=20)
        job_access.downloads.register("supporting_families", tasks.may_download, key="supporting_families")
