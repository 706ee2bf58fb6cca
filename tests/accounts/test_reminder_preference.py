"""The user's choice of how reminders reach them, on their account page: GOV.UK radios and the error summary."""

import pytest

from hearth.accounts.models import ReminderDelivery
from hearth.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_the_account_page_shows_the_choice_with_the_digest_chosen_by_default(client_for, practitioner):
    body = client_for(practitioner).get("/account").content.decode()
    assert "How do you want to get reminders?" in body
    assert 'name="delivery" type="radio" value="digest" checked' in body
    assert 'value="immediate"' in body and "never a family member" in body


def test_choosing_immediate_saves_it_and_is_audited(client_for, practitioner):
    client = client_for(practitioner)
    response = client.post("/account", {"action": "reminders", "delivery": "immediate"})
    assert response.status_code == 302 and response["Location"] == "/account"
    practitioner.refresh_from_db()
    assert practitioner.reminder_delivery == ReminderDelivery.IMMEDIATE
    assert AuditEvent.objects.filter(actor=practitioner, detail__reminder_delivery="immediate").exists()
    assert "Your choice of reminders has been saved" in client.get("/account").content.decode()


@pytest.mark.parametrize("posted", [{}, {"delivery": "hourly"}])
def test_no_choice_or_a_made_up_one_is_shown_in_the_error_summary(client_for, practitioner, posted):
    response = client_for(practitioner).post("/account", {"action": "reminders", **posted})
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and 'href="#id_delivery"' in body
    assert body.count("Choose how you want to get reminders") == 2  # the summary and the field
    practitioner.refresh_from_db()
    assert practitioner.reminder_delivery == ReminderDelivery.DIGEST
