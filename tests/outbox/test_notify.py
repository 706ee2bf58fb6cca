"""GOV.UK Notify through its official client, against a Notify-shaped HTTP endpoint on loopback: the request the
client really makes (signed with the key's secret), the answers Notify gives, and what Hearth does with each."""

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from hearth.outbox import services as outbox
from hearth.outbox.models import Status
from tests.queue import run_jobs

pytestmark = pytest.mark.django_db

SERVICE_ID, SECRET, TEMPLATE = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
API_KEY = f"hearth_test-{SERVICE_ID}-{SECRET}"


class FakeNotify(BaseHTTPRequestHandler):
    answers: list[int] = []
    received: list[dict] = []

    def do_POST(self):  # noqa: N802 - the standard library's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        token = self.headers["Authorization"].removeprefix("Bearer ")
        claims = jwt.decode(token, SECRET, algorithms=["HS256"])  # the client signed it with the key's secret
        assert claims["iss"] == SERVICE_ID and self.path == "/v2/notifications/email"
        self.received.append(body)
        status = self.answers.pop(0) if self.answers else 201
        if status == 201:
            answer = {"id": str(uuid.uuid4()), "reference": body.get("reference"), "uri": "",
                      "template": {"id": body["template_id"], "version": 1, "uri": ""},
                      "content": {"subject": body["personalisation"]["subject"], "body": "", "from_email": ""}}
        else:
            errors = {400: "BadRequestError", 403: "AuthError", 429: "RateLimitError", 500: "Exception"}
            answer = {"status_code": status, "errors": [{"error": errors[status], "message": "refused"}]}
        payload = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def notify(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeNotify)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeNotify.answers, FakeNotify.received = [], []
    settings.HEARTH_NOTIFY_API_KEY = API_KEY
    settings.HEARTH_NOTIFY_TEMPLATE_ID = TEMPLATE
    settings.HEARTH_NOTIFY_TEMPLATES = {}
    settings.HEARTH_NOTIFY_BASE_URL = f"http://127.0.0.1:{server.server_address[1]}"
    yield FakeNotify
    server.shutdown()
    server.server_close()


def _send():
    [message] = outbox.send(to="lead@example.test", subject="Review due", body="Sign in to see it", kind="test.note")
    return message


def test_a_message_goes_through_notify_with_the_template_and_is_recorded_sent(notify):
    message = _send()
    run_jobs()
    [request] = notify.received
    assert request["email_address"] == "lead@example.test" and request["template_id"] == TEMPLATE
    assert request["personalisation"] == {"subject": "Review due", "body": "Sign in to see it"}
    assert request["reference"] == f"hearth-{message.pk}"
    message.refresh_from_db()
    assert (message.status, message.channel, message.attempts) == (Status.SENT, "notify", 1)
    assert message.provider_reference


def test_a_template_of_its_own_for_a_kind_of_email(notify, settings):
    own = str(uuid.uuid4())
    settings.HEARTH_NOTIFY_TEMPLATES = {"test.note": own}
    _send()
    run_jobs()
    assert notify.received[0]["template_id"] == own


@pytest.mark.parametrize("status", [429, 500])
def test_notify_busy_or_down_is_retried_and_then_sent(notify, status):
    notify.answers = [status]
    message = _send()
    run_jobs()
    message.refresh_from_db()
    assert (message.status, message.last_error) == (Status.WAITING, "HTTPError")
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=message.created_at)
    run_jobs()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.SENT, 2)


@pytest.mark.parametrize("status", [400, 403])
def test_an_answer_that_waiting_will_not_change_fails_at_once_for_the_administrator(notify, status, client_for,
                                                                                  make):
    from hearth.accounts.models import Role

    notify.answers = [status]
    message = _send()
    run_jobs()
    message.refresh_from_db()
    assert message.status == Status.FAILED and message.attempts == 1
    assert message.last_error == f"GOV.UK Notify refused the message ({status})"
    assert DBTaskResult.objects.get().status == TaskResultStatus.FAILED

    page = client_for(make("ada.admin@example.test", Role.SYSADMIN)).get("/admin/jobs").content.decode()
    assert "Send an email" in page and f"GOV.UK Notify refused the message ({status})" in page
    assert "lead@example.test" not in page


def test_notify_unreachable_is_retried(settings):
    settings.HEARTH_NOTIFY_API_KEY, settings.HEARTH_NOTIFY_TEMPLATE_ID = API_KEY, TEMPLATE
    settings.HEARTH_NOTIFY_BASE_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
    message = _send()
    run_jobs()
    message.refresh_from_db()
    assert message.status == Status.WAITING and message.attempts == 1
    assert DBTaskResult.objects.get().status == TaskResultStatus.READY
