from django import forms

from hearth.access.services import NOTE_REQUIRED, REASON_TOO_SHORT
from hearth.web.forms import GovForm, text_area


class BreakGlassForm(GovForm):
    reason = text_area(
        "Why do you need to open this record now?", rows=5, max_length=4000, what="The reason",
        error_messages={"required": REASON_TOO_SHORT},
        help_text="Say what the emergency is and why you cannot wait for the lead professional or your Early Help "
                  "coordinator to give you access. The data protection officer and your manager will read this")


class BreakGlassReviewForm(GovForm):
    note = forms.CharField(
        label="Your review", widget=forms.Textarea(attrs={"rows": 5}), max_length=4000,
        error_messages={"required": NOTE_REQUIRED},
        help_text="Was the access justified? Say what you checked, and anything you have followed up")
