"""The outbox: an action commits whatever the mail server does; the email goes afterwards, through the queue."""

import pytest
from django.core import mail
from django.test import override_settings
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from hearth.outbox import services as outbox
from hearth.outbox.models import Message, Status
from tests.queue import queued, run_jobs

pytestmark = pytest.mark.django_db


def test_an_email_waits_in_the_outbox_until_the_worker_sends_it():
    outbox.send(to=["a@example.test", "", "a@example.test", "b@example.test"], subject="Hello", body="Words",
                kind="test.note")
    assert mail.outbox == []
    assert Message.objects.filter(status=Status.WAITING).count() == 2
    assert len(queued("deliver")) == 2

    assert run_jobs() == 2

    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.test", "b@example.test"]
    assert set(Message.objects.values_list("status", flat=True)) == {Status.SENT}
    assert all(m.sent_at is not None for m in Message.objects.all())


def test_a_message_already_sent_is_not_sent_again_when_its_job_runs_again():
    [message] = outbox.send(to="a@example.test", subject="Hello", body="Words", kind="test.note")
    run_jobs()
    DBTaskResult.objects.update(status=TaskResultStatus.READY)  # the job runs again, as after a worker is killed
    run_jobs()
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert message.attempts == 1


REFUSAL = "mail server down for jo.marker@example.test"


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError(REFUSAL)


@override_settings(EMAIL_BACKEND="tests.outbox.test_outbox.BrokenBackend")
def test_with_the_mail_server_down_the_send_is_retried_with_back_off_and_then_shown_as_failed():
    [message] = outbox.send(to="a@example.test", subject="Hello", body="Words", kind="test.note")
    run_jobs()
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (Status.WAITING, 1, "ConnectionRefusedError")
    row = DBTaskResult.objects.get()
    assert row.status == TaskResultStatus.READY and row.run_after > row.enqueued_at  # waiting for its back-off
    assert REFUSAL not in row.traceback and "deliver" in row.traceback

    for _ in range(8):  # eight retries after the first try
        DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=row.enqueued_at)
        run_jobs()
    message.refresh_from_db()
    row.refresh_from_db()
    assert (message.status, message.attempts) == (Status.FAILED, 9)
    assert row.status == TaskResultStatus.FAILED
    assert mail.outbox == []


@override_settings(EMAIL_BACKEND="tests.outbox.test_outbox.BrokenBackend")
def test_break_glass_commits_while_the_mail_server_is_down(client_for, make, family):
    from hearth.access.models import BreakGlass
    from hearth.accounts.models import Role

    make("dee.dpo@example.test", Role.DPO)
    screener = make("sam.screener@example.test", Role.MASH_SCREENER, kind="social_care", agency_name="MASH")
    response = client_for(screener).post(f"/families/{family.pk}/break-glass",
                                         {"reason": "Police called about the children tonight"})
    assert response.status_code == 302 and response["Location"] == f"/families/{family.pk}"
    assert BreakGlass.objects.filter(user=screener, family=family).exists()
    run_jobs()
    message = Message.objects.get(kind="break_glass.alert")
    assert (message.status, message.attempts, message.to) == (Status.WAITING, 1, "dee.dpo@example.test")


def test_the_register_entry_of_an_emailed_disclosure_shows_the_real_send(client_for, practitioner, family):
    from hearth.sharing.models import Delivery, Disclosure
    from hearth.sharing.services import disclosure_record

    entry = disclosure_record(actor=practitioner, family=family, kind="closure_notice", what="That it closed",
                              recipient="team@example.test", purpose="Oversight", basis="Public task",
                              by_email=True)
    outbox.send(to=["team@example.test", "locality@example.test"], subject="Closed", body="Closed",
                kind="episode.closed", about=entry)
    page = client_for(practitioner).get(f"/families/{family.pk}/sharing").content.decode()
    assert "Email waiting to be sent" in page
    run_jobs()
    entry.refresh_from_db()
    assert entry.delivery == Delivery.SENT and entry.delivered_at is not None
    page = client_for(practitioner).get(f"/families/{family.pk}/sharing").content.decode()
    assert "Emailed " in page and "Email waiting to be sent" not in page
    assert Disclosure.objects.count() == 1
