"""Logs carry no personal data. A family whose every personal field holds a marker is searched for, looked at,
exported, and made to fail (an exception quoting it, a database IntegrityError whose DETAIL quotes it, a queued job
failing with it); every line the real logging configuration writes, and the access and error logs of a real
`hearth serve`, must hold none of the markers. Also: one JSON object a line with time, level, logger, message,
request_id and user_id; a caller's X-Request-ID kept only when safe; a log file that cannot be written never breaks
a request."""

import copy
import datetime
import io
import json
import logging
import logging.config
import re
import urllib.parse

import pytest
from django.db import IntegrityError, connection
from django.test import Client
from django.urls import reverse

from hearth.cases import notes as case_notes
from hearth.cases.models import NoteType
from hearth.core import identifiers, logs
from hearth.jobs import queue
from hearth.people.models import Person
from tests import factories
from tests.ops._server import Server
from tests.queue import run_jobs

GIVEN, FAMILY, OTHER_GIVEN = "Zorblaxia", "Quenthorpe", "Vexmundo"
DOB = datetime.date(1977, 3, 19)
NHS = "9642085313"
UPN_TAIL = "975318642013"
UPN = identifiers.upn_check_letter(UPN_TAIL) + UPN_TAIL
NINO = "JX975318C"
PHONE = "07700 913579"
EMAIL = "zorblaxia.q@quenthorpe-mail.test"
LINE_1, LINE_2, TOWN, POSTCODE = "41 Vexbury Close", "Marrowgate Yard", "Plimsbury", "OX33 9ZW"
NOTE = "Drinkwobble concerns at home"
REASONS = "Glimmerfold needs across the family"
FREE_TEXT = {"gender_identity": "Frobnicant", "first_language": "Quibbleish",
             "disability_details": "Snarkleberry condition"}

# Every marker, and the other ways a log line might spell the same values.
MARKERS = [GIVEN, FAMILY, OTHER_GIVEN, NHS, "964 208 5313", UPN, NINO, PHONE, PHONE.replace(" ", ""), EMAIL,
           "quenthorpe-mail", LINE_1, "Vexbury", LINE_2, "Marrowgate", TOWN, POSTCODE, POSTCODE.replace(" ", ""),
           "1977-03-19", "19/03/1977", "19 March 1977", "Drinkwobble", "Glimmerfold", *FREE_TEXT.values()]


def leaks(text: str) -> list[str]:
    lowered = text.lower()
    return [marker for marker in MARKERS if marker.lower() in lowered]


@pytest.fixture
def captured_logs(tmp_path, settings):
    """The real LOGGING configuration, its stderr handler writing to a buffer and HEARTH_LOG_FILE's handler to a
    file, both read back; every level from DEBUG. Put back afterwards."""
    path = tmp_path / "hearth.log"
    stream = io.StringIO()
    config = copy.deepcopy(settings.LOGGING)
    config["handlers"]["stderr"]["stream"] = stream
    config["handlers"]["file"] = {"class": "hearth.core.logs.SafeFileHandler", "formatter": "json",
                                  "filename": str(path)}
    config["root"] = {**config["root"], "handlers": ["stderr", "file"], "level": "DEBUG"}
    logging.config.dictConfig(config)

    def read() -> tuple[str, str]:
        for handler in logging.getLogger().handlers:
            handler.flush()
        return stream.getvalue(), path.read_text() if path.exists() else ""

    yield read
    logging.config.dictConfig(settings.LOGGING)


def _lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture
def marked(practitioner):
    """A family whose every personal field holds a marker: two people, an address, an open episode and a note."""
    family = factories.FamilyFactory(actor=practitioner, name=f"The {FAMILY} family")
    address = factories.address_in_banbury(line_1=LINE_1, line_2=LINE_2, town=TOWN, postcode=POSTCODE)
    parent = factories.ParentFactory(family=family, given_name=GIVEN, family_name=FAMILY, date_of_birth=DOB,
                                     nhs_number=NHS, ni_number=NINO, phone=PHONE, email=EMAIL, address=address,
                                     **FREE_TEXT)
    child = factories.ChildFactory(family=family, given_name=OTHER_GIVEN, family_name=FAMILY, upn=UPN,
                                   date_of_birth=datetime.date(2016, 5, 1))
    episode = factories.EpisodeFactory(family=family, level_reasons=REASONS)
    case_notes.note_add(actor=practitioner, family=family, note_type=NoteType.values[0],
                        occurred_on=datetime.date.today(), summary=NOTE, body=f"{NOTE}: {GIVEN} {FAMILY}",
                        significant=True)
    return {"family": family, "parent": parent, "child": child, "episode": episode}


@queue.job("Fail quoting a person", retries=0)
def fail_quoting_a_person(person_id: int):
    person = Person.objects.get(pk=person_id)
    logging.getLogger("hearth.tests.job").info("Working on person %s", person.pk)
    raise RuntimeError(f"Could not send to {person.email} ({person.given_name} {person.family_name}, {NHS})")


def _search_urls() -> list[str]:
    queries = [{"given_name": GIVEN, "family_name": FAMILY},
               {"date_of_birth-day": "19", "date_of_birth-month": "3", "date_of_birth-year": "1977"},
               {"nhs_number": NHS}, {"postcode": POSTCODE}, {"given_name": OTHER_GIVEN, "family_name": FAMILY}]
    return [f"{base}?{urllib.parse.urlencode(q)}" for q in queries
            for base in (reverse("families:search"), reverse("families:family_start"))]


def test_no_marker_reaches_any_log_line(marked, practitioner, client_for, captured_logs, monkeypatch):
    client = client_for(practitioner)
    client.raise_request_exception = False
    family, parent, child, episode = marked["family"], marked["parent"], marked["child"], marked["episode"]

    # Searches, with the markers in the query string.
    for url in _search_urls():
        response = client.get(url)
        assert response.status_code == 200, url
    assert GIVEN in client.get(_search_urls()[0]).content.decode()  # the search found the family

    # Pages, and copies and downloads.
    pages = [reverse("families:family", args=[family.pk]), reverse("families:person", args=[parent.pk]),
             reverse("families:person", args=[child.pk]), reverse("cases:episode", args=[episode.pk]),
             reverse("cases:chronology", args=[family.pk]), reverse("cases:notes", args=[family.pk]),
             reverse("documents:chronology_pdf", args=[family.pk]), reverse("sharing:family_csv", args=[family.pk]),
             reverse("sharing:person_csv", args=[parent.pk]), reverse("sharing:for_family_pdf", args=[family.pk])]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        b"".join(response.streaming_content) if response.streaming else response.content  # noqa: B018

    # A form sent with the markers in its values and its query string, refused by CSRF (logged by Django).
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(practitioner)
    refused = strict.post(f"{reverse('families:person_edit', args=[parent.pk])}?given_name={GIVEN}",
                          {"given_name": GIVEN, "family_name": FAMILY, "email": EMAIL})
    assert refused.status_code == 403
    # Signing in with a marker as the email address, and with the page's query string full of them.
    anonymous = Client(raise_request_exception=False)
    anonymous.post(reverse("accounts:login"), {"email": EMAIL, "password": f"{GIVEN}{FAMILY}"})
    anonymous.get(f"{reverse('accounts:login')}?next=/people/search%3Fgiven_name%3D{GIVEN}")
    anonymous.get(f"/no-such-page/?name={GIVEN}+{FAMILY}")

    # A view failing with an exception whose message quotes the person.
    def failing(*args, **kwargs):
        raise RuntimeError(f"Could not load {GIVEN} {FAMILY}, born {DOB:%d/%m/%Y}, NHS {NHS}, {LINE_1} {POSTCODE}")

    monkeypatch.setattr("hearth.families.views.selectors.family_detail", failing)
    failed = client.get(f"{reverse('families:family', args=[family.pk])}?q={GIVEN}")
    assert failed.status_code == 500

    # A database IntegrityError: a second person with the same NHS number (PostgreSQL's DETAIL quotes the value)...
    def duplicate(*args, **kwargs):
        Person.objects.create(council=family.council, given_name=GIVEN, family_name=FAMILY, nhs_number=NHS)

    monkeypatch.setattr("hearth.families.views.selectors.family_detail", duplicate)
    assert client.get(reverse("families:family", args=[family.pk])).status_code == 500

    # ... and one whose message quotes the row as PostgreSQL's does, on every database.
    def integrity(*args, **kwargs):
        raise IntegrityError('duplicate key value violates unique constraint "people_person_nhs_number_key"\n'
                             f"DETAIL:  Key (nhs_number, email)=({NHS}, {EMAIL}) already exists.")

    monkeypatch.setattr("hearth.families.views.selectors.family_detail", integrity)
    assert client.get(reverse("families:family", args=[family.pk])).status_code == 500

    # A queued job failing with the person in its exception's message.
    queue.enqueue(fail_quoting_a_person, parent.pk)
    assert run_jobs() == 1

    stream, file = captured_logs()
    assert stream == file  # every handler writes the same lines
    assert leaks(stream) == [], stream
    lines = _lines(stream)
    for line in lines:
        assert {"time", "level", "logger", "message", "request_id", "user_id"} <= line.keys(), line

    errors = [line for line in lines if line["logger"] == "django.request" and line["level"] == "ERROR"]
    assert {line["exc_type"] for line in errors} >= {"RuntimeError", "django.db.utils.IntegrityError"}
    for line in errors:
        assert "(message withheld)" in line["exc_info"]
        assert 'File "' in line["exc_info"]  # the stack is kept
        assert line["user_id"] == practitioner.pk
        assert re.fullmatch(r"[0-9a-f]{32}", line["request_id"])
    assert failed["X-Request-ID"] in {line["request_id"] for line in errors}
    assert any(line["logger"] == "django.security.csrf" for line in lines)
    task_failures = [line for line in lines if line["logger"] == "django_tasks" and line["level"] == "ERROR"]
    assert task_failures and task_failures[0]["exc_type"] == "RuntimeError"
    assert task_failures[0]["exc_info"].endswith("RuntimeError (message withheld)")


def test_a_served_site_logs_no_marker_in_its_access_or_error_log(tmp_path):
    """A real `hearth serve` (gunicorn, two workers), asked for searches with markers in the query string, a Referer
    and cookies holding them, and a sign-in with them as form values."""
    server = Server(tmp_path / "site")
    try:
        urls = [*_search_urls(), f"/sign-in?next=/people/search%3Fgiven_name%3D{GIVEN}",
                f"/healthz?name={GIVEN}", f"/no-such-page?postcode={POSTCODE.replace(' ', '+')}",
                f"/metrics?{urllib.parse.urlencode({'email': EMAIL})}"]
        sneaky = {"Referer": f"http://127.0.0.1/people/search?given_name={GIVEN}&family_name={FAMILY}",
                  "Cookie": f"sessionid={GIVEN}; csrftoken={FAMILY}", "User-Agent": f"{GIVEN}-browser"}
        for url in urls:
            status, _, _ = server.get(url, headers=sneaky)
            assert status < 500, (url, status)
        form = urllib.parse.urlencode({"email": EMAIL, "password": NHS}).encode()
        status, _, _ = server.get(f"/sign-in?email={urllib.parse.quote(EMAIL)}", headers=sneaky, data=form)
        assert status == 403  # no CSRF token: refused, and logged by Django
        status, headers, _ = server.get(f"/people/search?given_name={GIVEN}",
                                        headers={"X-Request-ID": "lb-0123456789abcdef"})
        assert headers["X-Request-ID"] == "lb-0123456789abcdef"
        _, headers, _ = server.get("/healthz", headers={"X-Request-ID": f"<script>{GIVEN}</script>"})
        assert re.fullmatch(r"[0-9a-f]{32}", headers["X-Request-ID"])
    finally:
        server.stop()
    written = server.logs()
    assert leaks(written) == [], written
    access = [line for line in _lines(server.stdout.read_text()) if line["logger"] == "gunicorn.access"]
    assert "?" not in "".join(line["path"] for line in access)
    assert len(access) >= len(urls)
    for line in access:
        assert {"method", "path", "status", "duration_ms", "size", "request_id"} <= line.keys(), line
    assert {"method": "GET", "path": "/people/search", "status": 302, "request_id": "lb-0123456789abcdef"}.items() \
        <= next(line for line in access if line["request_id"] == "lb-0123456789abcdef").items()
    app = _lines(server.log_file.read_text())
    assert any(line["logger"] == "django.security.csrf" for line in app)
    for text in (server.stderr.read_text(), server.log_file.read_text()):
        _lines(text)  # every line is JSON


def test_every_line_is_one_json_object_with_the_request_and_user_ids(practitioner, client_for, captured_logs,
                                                                    monkeypatch):
    def view_that_logs(*args, **kwargs):
        logging.getLogger("hearth.families").warning("Something odd about family %s", 7)
        raise ValueError("".join(["bo", "om"]))  # the message is nowhere in the source either

    monkeypatch.setattr("hearth.families.views.selectors.family_detail", view_that_logs)
    client = client_for(practitioner)
    client.raise_request_exception = False
    response = client.get("/families/7", HTTP_X_REQUEST_ID="req-abcdef-12345")
    assert response["X-Request-ID"] == "req-abcdef-12345"
    stream, _ = captured_logs()
    warning = next(line for line in _lines(stream) if line["logger"] == "hearth.families")
    assert warning == {"time": warning["time"], "level": "WARNING", "logger": "hearth.families",
                       "message": "Something odd about family 7", "request_id": "req-abcdef-12345",
                       "user_id": practitioner.pk}
    assert datetime.datetime.fromisoformat(warning["time"]).tzinfo is not None
    assert "boom" not in stream


@pytest.mark.parametrize("given", ["", "short", "has spaces in it", "a" * 65, "semi;colon;12345", "ünïcode-12345"])
def test_an_unsafe_request_id_is_replaced(db, given):
    response = Client().get("/healthz", HTTP_X_REQUEST_ID=given)
    assert response["X-Request-ID"] != given
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_outside_a_request_lines_have_no_ids(captured_logs):
    logging.getLogger("hearth.tests").info("Sealed %d rows", 3)
    (line,) = _lines(captured_logs()[0])
    assert (line["request_id"], line["user_id"], line["message"]) == (None, None, "Sealed 3 rows")


def test_query_strings_and_email_addresses_are_cut_from_messages():
    assert logs.scrub('"GET /people/search?given_name=Jo&x=1 HTTP/1.1" 200') == '"GET /people/search HTTP/1.1" 200'
    assert logs.scrub("Sent to jo.bloggs@example.com today") == "Sent to [email] today"
    assert logs.scrub("Are you sure? Yes") == "Are you sure? Yes"


def test_an_exception_keeps_its_class_and_frames_not_its_message():
    try:
        try:
            raise KeyError(GIVEN)
        except KeyError as inner:
            raise IntegrityError(f"DETAIL: Key (nhs_number)=({NHS})") from inner
    except IntegrityError as exc:
        text = logs.format_exception(exc)
    assert leaks(text) == []
    assert text.index("KeyError (message withheld)") < text.index("django.db.utils.IntegrityError (message withheld)")
    assert "direct cause" in text
    assert "test_an_exception_keeps_its_class_and_frames_not_its_message" in text


@pytest.mark.parametrize("target", ["/dev/full", "missing-directory/hearth.log"])
def test_a_log_file_that_cannot_be_written_never_breaks_a_request(tmp_path, settings, practitioner, client_for,
                                                                  target):
    """HEARTH_LOG_FILE on a full disk (/dev/full) or in a directory that is not there: lines are dropped, quietly,
    and requests carry on; the other handlers still write."""
    filename = target if target.startswith("/") else str(tmp_path / target)
    stream = io.StringIO()
    config = copy.deepcopy(settings.LOGGING)
    config["handlers"]["stderr"]["stream"] = stream
    config["handlers"]["file"] = {"class": "hearth.core.logs.SafeFileHandler", "formatter": "json",
                                  "filename": filename}
    config["root"] = {**config["root"], "handlers": ["file", "stderr"], "level": "INFO"}
    logging.config.dictConfig(config)
    try:
        dropped = logs.SafeFileHandler.dropped
        client = client_for(practitioner)
        client.raise_request_exception = False
        for _ in range(3):
            logging.getLogger("hearth.tests").error("A line that cannot be written to the file")
            assert client.get(reverse("home:dashboard")).status_code == 200
        assert client.get("/families/999999?x=1").status_code in (403, 404)
        assert logs.SafeFileHandler.dropped >= dropped + 3
        assert stream.getvalue().count("A line that cannot be written") == 3
    finally:
        logging.config.dictConfig(settings.LOGGING)


def test_sql_with_its_parameters_is_never_logged(settings, captured_logs, db):
    settings.DEBUG = True  # Django logs every statement with its parameters at DEBUG when DEBUG is on
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s", [GIVEN])
    assert GIVEN not in captured_logs()[0]
