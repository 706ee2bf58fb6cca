"""The Standard Safeguarding Dataset extract (hearth.reports.ssd, tasks): its field names, order and item references
checked against the list Data to Insight publishes, written as CSV and Parquet, made in the worker for the data
protection officer alone, leaving out (and counting) erased and restricted people, audited when made and when
downloaded."""

import csv
import datetime
import io
import json
import zipfile

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.urls import reverse
from django.utils import timezone

from hearth.accounts.models import Role
from hearth.audit.models import AuditAction, AuditEvent
from hearth.jobs.models import ResultFile
from hearth.people.models import Person
from hearth.reports import ssd
from hearth.rights.models import RequestDecision, RequestKind, Restriction, RightsRequest
from tests.factories import ChildFactory, EpisodeFactory, ParentFactory
from tests.queue import run_jobs

pytestmark = pytest.mark.django_db

# The Early Help objects as Data to Insight publishes them: data-to-insight/ssd-data-model,
# deployment_extracts/systemc/live/ssd_deployment_individual_files/systemc_sqlserver_v1.4.9_1_20260914.sql (commit
# 2d4bd6939aa86e1b4abf53933c7f190657cba9e2): each table's columns in order, with the item reference of each.
PUBLISHED = {
    "ssd_person": [
        ("pers_legacy_id", "PERS014A"), ("pers_person_id", "PERS001A"), ("pers_upn", "PERS006A"),
        ("pers_forename", "PERS015A"), ("pers_surname", "PERS016A"), ("pers_sex", "PERS002A"),
        ("pers_gender", "PERS003A"), ("pers_ethnicity", "PERS004A"), ("pers_dob", "PERS005A"),
        ("pers_single_unique_id", "PERS013A"), ("pers_upn_unknown", "PERS007A"), ("pers_send_flag", "PERS008A"),
        ("pers_expected_dob", "PERS009A"), ("pers_death_date", "PERS010A"), ("pers_is_mother", "PERS011A"),
        ("pers_nationality", "PERS012A")],
    "ssd_family": [("fami_table_id", "FAMI003A"), ("fami_family_id", "FAMI001A"), ("fami_person_id", "FAMI002A")],
    "ssd_early_help_episodes": [
        ("earl_episode_id", "EARL001A"), ("earl_person_id", "EARL002A"), ("earl_episode_start_date", "EARL003A"),
        ("earl_episode_end_date", "EARL004A"), ("earl_episode_reason", "EARL005A"),
        ("earl_episode_end_reason", "EARL006A"), ("earl_episode_organisation", "EARL007A"),
        ("earl_episode_worker_id", "EARL008A")],
    "ssd_involvements": [
        ("invo_involvements_id", "INVO005A"), ("invo_professional_id", "INVO006A"),
        ("invo_professional_role_id", "INVO007A"), ("invo_professional_team", "INVO009A"),
        ("invo_person_id", "INVO011A"), ("invo_involvement_start_date", "INVO002A"),
        ("invo_involvement_end_date", "INVO003A"), ("invo_worker_change_reason", "INVO004A"),
        ("invo_referral_id", "INVO010A")],
    "ssd_professionals": [
        ("prof_professional_id", "PROF001A"), ("prof_staff_id", "PROF010A"), ("prof_professional_name", "PROF013A"),
        ("prof_social_worker_registration_no", "PROF002A"), ("prof_agency_worker_flag", "PROF014A"),
        ("prof_professional_job_title", "PROF007A"), ("prof_professional_caseload", "PROF008A"),
        ("prof_professional_department", "PROF012A"), ("prof_full_time_equivalency", "PROF011A")],
}


def test_the_objects_are_the_published_ones_field_for_field():
    assert {name: [(f.name, f.item_ref) for f in fields] for name, fields in ssd.OBJECTS.items()} == PUBLISHED


@pytest.fixture
def family_in_early_help(family, practitioner):
    mum = ParentFactory(family=family, nhs_number="9434765919")
    max_ = ChildFactory(family=family, upn="A123456789012")
    sam = ChildFactory(family=family, given_name="Sam", date_of_birth=datetime.date(2019, 2, 3))
    episode = EpisodeFactory(family=family, actor=practitioner)
    return {"mum": mum, "max": max_, "sam": sam, "episode": episode}


def _restrict(council, dpo, person):
    request = RightsRequest.objects.create(
        council=council, person=person, kind=RequestKind.RESTRICTION, asked="Stop using it",
        received_on=timezone.localdate(), created_by=dpo, decision=RequestDecision.ACCEPTED,
        decided_at=timezone.now(), decided_by=dpo)
    Restriction.objects.create(request=request, person=person, what="While the accuracy is checked", started_by=dpo)


def _make(client, dpo) -> zipfile.ZipFile:
    response = client.post(reverse("reports:extract_start", args=["ssd"]))
    assert response.status_code == 302 and response["Location"].startswith("/jobs/")
    run_jobs()
    result = ResultFile.objects.get(owner=dpo)
    assert result.filename.startswith("ssd-early-help-oxfordshire-") and result.filename.endswith(".zip")
    download = client.get(reverse("jobs:download", kwargs={"task_id": result.task_id}))
    assert download.status_code == 200
    data = b"".join(download.streaming_content) if download.streaming else download.content
    return zipfile.ZipFile(io.BytesIO(data))


def _csv(archive, name) -> list[dict]:
    return list(csv.DictReader(io.TextIOWrapper(archive.open(f"{name}.csv"), encoding="utf-8")))


def test_the_dpo_makes_the_extract_in_the_worker_as_csv_and_parquet(client_for, dpo, council, family_in_early_help,
                                                                   practitioner):
    people = family_in_early_help
    _restrict(council, dpo, people["sam"])
    client = client_for(dpo)
    page = client.get(reverse("reports:extracts")).content.decode()
    assert "Make the Standard Safeguarding Dataset extract" in page
    assert "and 1 whose information's use is restricted" in page
    archive = _make(client, dpo)

    names = set(archive.namelist())
    assert names == {f"{n}.{ext}" for n in PUBLISHED for ext in ("csv", "parquet")} | {"about.json"}
    for name, fields in PUBLISHED.items():
        header = next(csv.reader(io.TextIOWrapper(archive.open(f"{name}.csv"), encoding="utf-8")))
        assert header == [f for f, _ in fields], name
        assert pq.read_schema(archive.open(f"{name}.parquet")).names == [f for f, _ in fields], name

    persons = {row["pers_person_id"]: row for row in _csv(archive, "ssd_person")}
    assert str(people["sam"].pk) not in persons  # restricted at their request: left out
    mum, max_ = persons[str(people["mum"].pk)], persons[str(people["max"].pk)]
    assert (mum["pers_forename"], mum["pers_sex"], mum["pers_is_mother"], mum["pers_single_unique_id"]) == (
        "Jo", "F", "Y", "9434765919")
    assert (max_["pers_upn"], max_["pers_dob"], max_["pers_sex"], max_["pers_is_mother"]) == (
        "A123456789012", "2016-05-01", "M", "N")
    episodes = _csv(archive, "ssd_early_help_episodes")
    episode = people["episode"]
    assert [(e["earl_episode_id"], e["earl_person_id"]) for e in episodes] == [
        (f"{episode.pk}-{people['max'].pk}", str(people["max"].pk))]  # one row for each child, Sam left out
    assert episodes[0]["earl_episode_reason"] == "Family in acute stress"
    assert episodes[0]["earl_episode_start_date"] == episode.started_on.isoformat()
    professionals = {p["prof_professional_id"]: p for p in _csv(archive, "ssd_professionals")}
    assert professionals[str(practitioner.pk)]["prof_professional_caseload"] == "1"
    involvements = _csv(archive, "ssd_involvements")
    assert {(i["invo_professional_id"], i["invo_person_id"]) for i in involvements} == {
        (str(practitioner.pk), str(people["max"].pk))}
    table = pq.read_table(archive.open("ssd_early_help_episodes.parquet"))
    assert table.schema.field("earl_episode_start_date").type == pa.date32()
    assert table.column("earl_episode_start_date").to_pylist() == [episode.started_on]

    about = json.loads(archive.read("about.json"))
    assert about["left_out"] == {"erased": 0, "restricted": 1}
    assert about["item_refs"]["ssd_person"]["pers_single_unique_id"] == "PERS013A"
    made = AuditEvent.objects.get(actor=dpo, action=AuditAction.EXPORT, detail__extract="ssd",
                                  detail__downloaded__isnull=True)
    assert made.detail["rows"]["ssd_person"] == len(persons) and made.detail["left_out"]["restricted"] == 1
    assert AuditEvent.objects.filter(actor=dpo, action=AuditAction.EXPORT, detail__downloaded=True).count() == 1


def test_an_erased_person_is_left_out_and_counted(client_for, dpo, family_in_early_help):
    Person.objects.filter(pk=family_in_early_help["mum"].pk).update(erased_at=timezone.now())
    archive = _make(client_for(dpo), dpo)
    ids = {row["pers_person_id"] for row in _csv(archive, "ssd_person")}
    assert str(family_in_early_help["mum"].pk) not in ids
    assert json.loads(archive.read("about.json"))["left_out"] == {"erased": 1, "restricted": 0}


def test_only_the_data_protection_officer_may_make_it(client_for, make, family_in_early_help):
    analyst = make("ali.analyst@example.test", Role.ANALYST)
    client = client_for(analyst)
    page = client.get(reverse("reports:extracts")).content.decode()
    assert "Only the council&#39;s data protection officer can make an extract that names people." in page
    assert "Make the Standard Safeguarding Dataset extract" not in page
    assert client.post(reverse("reports:extract_start", args=["ssd"])).status_code == 403
    assert not ResultFile.objects.exists()
