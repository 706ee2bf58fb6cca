"""No input answers 500 (issue 13, item 3).

Every page of the URL scope table (hearth/access/routes.py) is opened as a user who may use it, in the shared world
of the permission matrix (tests/access/world.py) with the governance records it lacks added here. Each form found on
the page is sent back with values hypothesis draws: some fields keep a plausible value, the others get something
hostile (a huge or negative number, a year of twenty digits, 10,000 characters, a NUL byte, odd unicode, letters
where a number goes, the field sent twice). The same is done to every query parameter a GET page reads. Nothing may
answer 5xx, and no page may show Django's default error messages instead of GOV.UK ones.

Kept short on a shared 2-core machine: one world for the module, a few examples for each page.
"""

from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hearth.access import routes
from hearth.breaches import services as breaches
from hearth.people.models import Person
from hearth.plans.models import Meeting
from hearth.retention import services as retention
from hearth.rights import services as rights
from hearth.subject_access import services as subject_access
from hearth.web import once
from tests.access.world import url_patterns, world_for_module

# Examples for a page with a form of its own, and for one without (its query parameters, and a POST it may take).
EXAMPLES = 6
EXAMPLES_WITHOUT_A_FORM = 3

# Who opens each scope's pages, and the pages someone else opens.
USER_FOR_SCOPE = {
    routes.FAMILY: "lead_professional",
    routes.SIGNED_IN: "lead_professional",
    routes.ADMIN: "system_administrator",
    routes.GOVERNANCE: "data_protection_officer",
    routes.REPORTS: "analyst",
    routes.SCREENING: "mash_holding_a_referral",
    routes.BREAK_GLASS: "mash_break_glass_expired",
}
USERS = {
    "referrals:step_down": "social_worker_involved",
    "assessments:contribution": "contributor",
    "assessments:contribution_decline": "contributor",
}
# Not sent anything: signing out would end the test's session, and the metrics and health pages read nothing.
SKIPPED = {"accounts:logout_confirm", "ops:metrics", "ops:readyz", "web:healthz"}

# Query parameters the GET pages read themselves (besides their GET forms' fields).
QUERY_NAMES = ("page", "after", "before", "q", "next", "meeting", "person", "item", "timeout", "reviews_after",
               "reviews_before", "actions_after", "actions_before", "family", "user", "date_from-year")

# What Django says when a form does not give its own message: its form fields, model choices, formsets, validators
# and a model's own checks (full_clean).
DJANGO_DEFAULTS = ("This field is required.", "Ensure this value", "Ensure that there are no more than",
                   "Select a valid choice", "is not one of the available choices", "Enter a whole number",
                   "Enter a number.", "Enter a valid", "Enter a complete value", "Enter only digits",
                   "Null characters are not allowed", "is not a valid value", "Enter a list of values",
                   "This field cannot be", "No file was submitted", "The submitted file is empty",
                   "Please submit at most", "Please submit at least", "ManagementForm data")


# ---------------------------------------------------------------------------------------------------------------
# Hostile values

_unicode = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30)
HOSTILE = st.one_of(
    st.integers(min_value=10**9, max_value=10**40).map(str),  # huge numbers
    st.integers(min_value=-(10**20), max_value=-1).map(str),  # negative numbers
    st.sampled_from(["99999999999999999999", "0", "-0", "00", "1e9", "1.5", "0x10", "NaN", "١٢", "²", "１２",
                     " 12 ", "+5", "1_000", "abc", "", " ", "\t", "on", "yes", "true", "[]", "{}", "null",
                     "' OR 1=1 --", "<script>alert(1)</script>", "../../etc/passwd", "\x00", "a\x00b",
                     "\u202e\u200b", "🙂" * 50,
                     # a page's cursor (core/keyset.py: a value and a record number)
                     "2026-01-01_²", "2026-01-01T00:00:00+00:00_99999999999999999999", "9999-12-31_1", "_", "x_1"]),
    st.sampled_from(["x", "1", "é", "🙂", "word "]).map(lambda s: s * (10_001 // len(s) + 1)),  # long text
    _unicode,
    st.integers(min_value=-(10**6), max_value=10**6).map(str),
)


class _Forms(HTMLParser):
    """The forms of a page: method, action and each field's name, kind and plausible values."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self._form = {"method": a.get("method", "get").lower(), "action": a.get("action", ""), "fields": {}}
            self.forms.append(self._form)
        elif self._form is None or not a.get("name"):
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            field = self._form["fields"].setdefault(a["name"], {"kind": kind, "values": []})
            if kind in ("radio", "checkbox"):
                field["values"].append(a.get("value", "on"))
            else:
                field["values"].append(a.get("value", ""))
        elif tag == "select":
            self._select = self._form["fields"].setdefault(a["name"], {"kind": "select", "values": []})
        elif tag == "option" and self._select is not None:
            if a.get("value"):
                self._select["values"].append(a["value"])
        elif tag == "textarea":
            self._textarea = self._form["fields"].setdefault(a["name"], {"kind": "textarea", "values": [""]})
        elif tag == "button" and a.get("value"):
            self._form["fields"].setdefault(a["name"], {"kind": "button", "values": []})["values"].append(a["value"])

    def handle_data(self, data):
        if self._textarea is not None and data.strip():
            self._textarea["values"] = [data]

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _plausible(name: str, field: dict) -> list[str]:
    """Values a person might send in the field."""
    today = timezone.localdate()
    for part, value in (("-day", today.day), ("-month", today.month), ("-year", today.year)):
        if name.endswith(part):
            return [str(value)]
    values = [v for v in field["values"] if v] or ["Some words"]
    if field["kind"] in ("text", "textarea") and field["values"] == [""]:
        return ["Some words", "12"]
    return values


def _payload(data, fields: dict) -> dict:
    """Every field of the form: kept plausible, or made hostile (sometimes sent twice, as an array)."""
    payload = {}
    for name, field in sorted(fields.items()):
        if data.draw(st.booleans(), label=f"hostile {name}"):
            value = data.draw(HOSTILE, label=name)
            payload[name] = [value, data.draw(HOSTILE)] if data.draw(st.integers(0, 4)) == 0 else value
        else:
            payload[name] = data.draw(st.sampled_from(_plausible(name, field)), label=name)
    return payload


# ---------------------------------------------------------------------------------------------------------------
# The world and its pages


def _governance_records(world):
    """The records the governance pages are about, which the permission matrix's world leaves out."""
    dpo = world.users["data_protection_officer"]
    person = Person.objects.get(pk=world.ids["person_id"])
    today = timezone.localdate()
    sar = subject_access.sar_create(actor=dpo, subject=person, requester_name="Alex Matrix",
                                    requester_relationship="self", received_on=today)
    hold = retention.legal_hold_place(actor=dpo, name="Public inquiry", reason="Asked by the inquiry",
                                      family_ids=[world.family.pk])
    run = retention.disposal_prepare(actor=dpo)
    incident = breaches.incident_record(actor=dpo, data=breaches.IncidentInput(
        summary="Letter sent to the wrong address", what_happened="A letter went to a neighbour.",
        discovered_at=timezone.now() - timedelta(hours=2), people_affected="One family",
        data_kinds=["names_contact"], containment="Asked for the letter back"))
    rights_request = rights.request_record(actor=dpo, person=person, kind="rectification", asked="Wrong name",
                                           received_on=today)
    Meeting.objects.filter(pk=world.ids["meeting_id"]).update(status="held")
    return {"sar_id": sar.pk, "hold_id": hold.pk, "run_id": run.pk, "incident_id": incident.pk,
            "rights_request_id": rights_request.pk}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_for_module(django_db_blocker, _governance_records) as built:
        yield built


def _pages():
    return sorted(name for name, _ in url_patterns() if name not in SKIPPED)


def _page_url(name: str, world) -> str:
    pattern = dict(url_patterns())[name]
    extra = {"subject_access:new": f"?person={world.ids['person_id']}",
             "rights:request_new": f"?person={world.ids['person_id']}"}.get(name, "")
    if name == "referrals:public_request":
        return reverse("referrals:public_request_council", kwargs={"code": world.council.code})
    return reverse(name, kwargs={k: world.ids[k] for k in pattern.pattern.converters}) + extra


def _client(world, name: str) -> Client:
    client = Client(raise_request_exception=False)
    scope = routes.ROUTES.get(name, routes.SIGNED_IN)  # an unclassified URL fails the permission matrix
    if scope != routes.PUBLIC:
        client.force_login(world.users[USERS.get(name, USER_FOR_SCOPE[scope])])
    return client


def _own_forms(html: str, page: str, name: str) -> list[dict]:
    """The page's forms that send to the page's own view (the others are sent to from their own pages)."""
    parser = _Forms()
    parser.feed(html)
    found = []
    for form in parser.forms:
        path = urlsplit(form["action"]).path or urlsplit(page).path
        try:
            match = resolve(path)
        except Resolver404:
            continue
        if match.view_name == name or (name.startswith("referrals:public_request")
                                       and match.view_name.startswith("referrals:public_request")):
            found.append({**form, "path": path})
    return found


def _check(response, what: str) -> None:
    assert response.status_code < 500, f"{what} answered {response.status_code}"
    if response.status_code == 200 and "html" in response.get("Content-Type", ""):
        body = response.content.decode()
        shown = [d for d in DJANGO_DEFAULTS if d in body]
        assert not shown, f"{what} showed Django's own messages: {shown}"


def _settings(examples: int):
    return settings(max_examples=examples, deadline=None, database=None, derandomize=True,
                    suppress_health_check=list(HealthCheck))


@pytest.mark.django_db
@pytest.mark.parametrize("name", _pages())
def test_no_input_to_a_page_answers_5xx(world, name):
    client = _client(world, name)
    page = _page_url(name, world)
    response = client.get(page)
    _check(response, f"GET {page}")
    forms = []
    if response.status_code == 200 and "html" in response.get("Content-Type", ""):
        forms = _own_forms(response.content.decode(), page, name)
    examples = EXAMPLES if forms else EXAMPLES_WITHOUT_A_FORM
    if not forms:  # a view that takes a POST without a form of its own page (a button on another page)
        forms = [{"method": "post", "path": urlsplit(page).path,
                  "fields": {n: {"kind": "text", "values": ["1"]} for n in ("version", "action", "note", "next")}}]
    query = urlsplit(page).query
    gets = {"method": "get", "path": urlsplit(page).path,
            "fields": {n: {"kind": "text", "values": ["1"]} for n in QUERY_NAMES}}

    @_settings(examples)
    @given(data=st.data())
    def send(data):
        form = data.draw(st.sampled_from([*forms, gets]), label="form")
        payload = _payload(data, form["fields"])
        if form["method"] == "post":
            if once.FIELD in payload and not data.draw(st.booleans(), label="hostile key"):
                payload[once.FIELD] = once.new_key()  # a new key each time, so that the view runs
            url = form["path"] + (f"?{query}" if query else "")
            _check(client.post(url, payload), f"POST {url} {payload!r:.300}")
        else:
            _check(client.get(form["path"], payload), f"GET {form['path']} {payload!r:.300}")

    send()

