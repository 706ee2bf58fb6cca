"""The audit review's forms: a period, and the unusual-access report's thresholds."""

import datetime

from django import forms
from django.utils import timezone

from hearth.dpo.looks import MAX_REPORT_DAYS
from hearth.web.forms import GovDateField, GovForm


class DateRangeForm(GovForm):
    date_from = GovDateField(label="From", required=False)
    date_to = GovDateField(label="To", required=False)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The 'to' date must be the same as or after the 'from' date")
        return data


class UnusualAccessForm(DateRangeForm):
    field_order = ["records", "minutes", "date_from", "date_to"]  # the page's order, for the error summary
    records = forms.IntegerField(label="More than this many records", min_value=2, max_value=1000, required=False,
                                 error_messages={"invalid": "Enter the number of records as a number, like 20",
                                                 "min_value": "Enter 2 records or more",
                                                 "max_value": "Enter 1,000 records or fewer"})
    minutes = forms.IntegerField(label="Within this many minutes", min_value=1, max_value=1440, required=False,
                                 error_messages={"invalid": "Enter the minutes as a number, like 10",
                                                 "min_value": "Enter 1 minute or more",
                                                 "max_value": "Enter 1,440 minutes (a day) or fewer"})

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and (end or timezone.localdate()) - start > datetime.timedelta(days=MAX_REPORT_DAYS):
            self.add_error("date_from", f"Choose a period of {MAX_REPORT_DAYS} days or less")
        return data
