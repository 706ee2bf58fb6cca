"""The demo's families show when their work last happened, not the day the demo was loaded."""

import re
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from hearth.accounts.models import User


@pytest.mark.django_db
def test_the_demo_dashboard_shows_varied_plausible_last_activity(client):
    call_command("load_demo")
    client.force_login(User.objects.get(email="practitioner@demo.hearth.test"))
    page = client.get("/").content.decode()
    table = page.split('id="families"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", table.split("<tbody", 1)[1], re.S)
    days = [datetime.strptime(re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[-1].strip(), "%d %b %Y").date()
            for row in rows]
    today = timezone.localdate()
    assert len(days) >= 10
    assert len(set(days)) >= 5  # not everyone on the load date
    assert all(today - timedelta(days=130) <= day <= today for day in days)
    assert days.count(today) < len(days) // 2
    # The families the staged journeys brought to a stage keep their own last activity (their latest work).
    assert "Assessment in progress" in page and "Overdue" in page
