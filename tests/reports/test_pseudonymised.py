"""The pseudonymised analysis extract (hearth.reports.pseudonymised): every column on an allow-list of fields that
identify no one directly, canary values (names, NHS number, pupil number, postcode, address, email, phone, date of
birth, free text) absent from every file, pseudonyms stable from one extract to the next and different under
another council's key, made by the analyst or the DPO and by no one else."""

import csv
import datetime
import io
import zipfile

import pyarrow.parquet as pq
import pytest
from django.urls import reverse

from hearth.accounts.models import Role
from hearth.audit.models import AuditAction, AuditEvent
from hearth.jobs.models import ResultFile
from hearth.reports import pseudonymised
from hearth.reports.pseudonymised import age_band, council_key, pseudonym
from tests.factories import ChildFactory, EpisodeFactory, ParentFactory, address_in_banbury
from tests.queue import run_jobs

pytestmark = pytest.mark.django_db

# Fields that identify no one directly: pseudonyms, codes, bands, dates of events, counts and scores.
ALLOWED = {
    "people": {"person", "sex", "ethnicity", "birth_year_month", "age_band", "disability"},
    "family_members": {"family", "person", "role"},
    "families": {"family", "locality"},
    "episodes": {"episode", "family", "started_on", "closed_on", "status", "origin", "reason", "level",
                 "end_reason", "lead_agency_kind"},
    "outcome_scores": {"episode", "taken_on", "context", "area", "worker_score", "family_score"},
    "referrals": {"referral", "family", "kind", "requested_by", "received_on", "screened_on", "decision", "level",
                  "urgency"},
}
CANARIES = ("Zebedee", "Quarrington", "9434765919", "A123456789012", "OX16 1AA", "Elm Row", "canary@example.test",
            "07700 900999", "1987-06-05", "05/06/1987", "Worried about Zebedee")




@pytest.fixture
def canary_family(family, practitioner):
    mum = ParentFactory(family=family, given_name="Zebedee", family_name="Quarrington", nhs_number="9434765919",
                        email="canary@example.test", phone="07700 900999", date_of_birth=datetime.date(1987, 6, 5),
                        address=address_in_banbury())
    child = ChildFactory(family=family, given_name="Zebedee", family_name="Quarrington", upn="A123456789012")
    episode = EpisodeFactory(family=family, actor=practitioner, level_reasons="Worried about Zebedee at home")
    return {"mum": mum, "child": child, "episode": episode}


def _make(client, user) -> zipfile.ZipFile:
    response = client.post(reverse("reports:extract_start", args=["pseudonymised"]))
    assert response.status_code == 302
    run_jobs()
    result = ResultFile.objects.filter(owner=user).latest("created_at")
    download = client.get(reverse("jobs:download", kwargs={"task_id": result.task_id}))
    assert download.status_code == 200
    return zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content) if download.streaming
                                      else download.content))


def _every_value(archive) -> list[str]:
    values = [archive.read(name).decode() for name in archive.namelist() if not name.endswith(".parquet")]
    for name in archive.namelist():
        if name.endswith(".parquet"):
            table = pq.read_table(archive.open(name))
            values += [str(v) for column in table.columns for v in column.to_pylist()]
    return values


def test_the_extract_holds_only_allowed_fields_and_no_canary(client_for, analyst, canary_family):
    archive = _make(client_for(analyst), analyst)
    for name, allowed in ALLOWED.items():
        header = next(csv.reader(io.TextIOWrapper(archive.open(f"{name}.csv"), encoding="utf-8")))
        assert set(header) <= allowed, name
        assert set(pq.read_schema(archive.open(f"{name}.parquet")).names) <= allowed, name
    assert set(pseudonymised.OBJECTS) == set(ALLOWED)
    everything = "\n".join(_every_value(archive))
    for canary in CANARIES:
        assert canary not in everything, canary
    people = list(csv.DictReader(io.TextIOWrapper(archive.open("people.csv"), encoding="utf-8")))
    mum = next(p for p in people if p["birth_year_month"] == "1987-06")
    assert (mum["sex"], mum["age_band"]) == ("F", "25 and over")
    key = council_key(canary_family["episode"].family.council)
    assert mum["person"] == pseudonym(key, "person", canary_family["mum"].pk)
    assert str(canary_family["mum"].pk) != mum["person"]
    event = AuditEvent.objects.get(actor=analyst, action=AuditAction.EXPORT, detail__extract="pseudonymised",
                                   detail__downloaded__isnull=True)
    assert event.detail["rows"]["people"] == len(people)


def test_pseudonyms_are_stable_between_extracts_and_differ_by_council(client_for, analyst, canary_family, council,
                                                                     other_council):
    client = client_for(analyst)
    first = _make(client, analyst).read("people.csv")
    second = _make(client, analyst).read("people.csv")
    assert first == second
    person = canary_family["mum"].pk
    assert pseudonym(council_key(council), "person", person) != pseudonym(council_key(other_council), "person",
                                                                          person)
    assert pseudonym(council_key(council), "person", person) != pseudonym(council_key(council), "family", person)


def test_only_analysts_and_the_dpo_may_make_it(client_for, make, dpo, canary_family):
    assert client_for(dpo).post(reverse("reports:extract_start", args=["pseudonymised"])).status_code == 302
    manager = make("mo.manager@example.test", Role.MANAGER)
    page = client_for(manager).get(reverse("reports:extracts")).content.decode()
    assert "Only analysts and the data protection officer can make the pseudonymised extract." in page
    assert client_for(manager).post(reverse("reports:extract_start", args=["pseudonymised"])).status_code == 403
    assert client_for(manager).post(reverse("reports:extract_start", args=["nothing"])).status_code == 404


@pytest.mark.parametrize(("born", "on", "band"), [
    (datetime.date(2020, 6, 1), datetime.date(2025, 5, 31), "0-4"),
    (datetime.date(2020, 6, 1), datetime.date(2025, 6, 1), "5-10"),
    (datetime.date(2010, 1, 1), datetime.date(2026, 12, 6), "16-17"),
    (None, datetime.date(2026, 12, 6), ""),
])
def test_age_bands_on_the_day_of_the_extract(born, on, band):
    assert age_band(born, on) == band
