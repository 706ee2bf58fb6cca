"""The data protection officer's decision that two records are not the same person."""

from hearth.web.forms import LONG_TEXT, GovForm, text_area


class RejectForm(GovForm):
    reason = text_area("Why they are not the same person", max_length=LONG_TEXT,
                       message="Enter why they are not the same person",
                       help_text="For example, twins, or a parent and child with the same name")
