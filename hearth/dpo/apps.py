from django.apps import AppConfig


class DpoConfig(AppConfig):
    """The data protection officer's workbench: the start page, the audit review and the unusual-access reports.
    Its models moved to `breaches` and `rights` (migration 0003; decision record 0010)."""

    name = "hearth.dpo"
    label = "dpo"
