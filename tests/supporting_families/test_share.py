"""The National Impact Study share: made by the data protection officer in the worker, holding the identifying
details of the people in the families on the programme, leaving out and counting who opted out of research linking,
was erased or is restricted, and recorded in each family's information-sharing register."""

import csv
import io
import json
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from hearth.accounts.models import Role
from hearth.audit.models import AuditAction, AuditEvent
from hearth.consent import services as consent_services
from hearth.jobs.models import ResultFile
from hearth.people.models import Person
from hearth.sharing.models import Disclosure
from tests.factories import ChildFactory
from tests.queue import run_jobs
from tests.supporting_families.conftest import days_ago
from tests.supporting_families.test_family import record_need

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_the_programme(client_for, practitioner, family, mum, child, episode, taking_part):
    client = client_for(practitioner)
    for need, descriptor in (("education", "persistent_absence"), ("health", "mental_health"),
                             ("domestic_abuse", "domestic_abuse")):
        record_need(client, family, need, descriptor, on=days_ago(60))
    return family


def _make(client, dpo) -> zipfile.ZipFile:
    response = client.post(reverse("supporting_families:share_start"))
    assert response.status_code == 302 and response["Location"].startswith("/jobs/")
    run_jobs()
    result = ResultFile.objects.get(owner=dpo)
    assert result.filename.startswith("national-impact-study-oxfordshire-")
    download = client.get(reverse("jobs:download", kwargs={"task_id": result.task_id}))
    assert download.status_code == 200
    data = b"".join(download.streaming_content) if download.streaming else download.content
    return zipfile.ZipFile(io.BytesIO(data))


def test_the_dpo_makes_the_share_and_each_family_sent_is_in_its_register(client_for, dpo, practitioner,
                                                                         on_the_programme, mum, child):
    sibling = ChildFactory(family=on_the_programme, given_name="Ria")
    consent_services.research_opt_out_record(
        actor=practitioner, family=on_the_programme, person=sibling, given_by=mum, giver_kind="parent_pr",
        given_on=timezone.localdate(), method="written", form_reference="EHA consent page")
    Person.objects.filter(pk=mum.pk).update(address_withheld=True)
    client = client_for(dpo)
    page = client.get("/supporting-families").content.decode()
    assert "It leaves out 1 person who opted out of research linking, 0 whose information was erased" in page
    archive = _make(client, dpo)
    rows = list(csv.DictReader(io.TextIOWrapper(archive.open("national_impact_study.csv"), encoding="utf-8")))
    assert sorted(r["given_name"] for r in rows) == ["Jo", "Max"]  # Ria opted out
    jo = next(r for r in rows if r["given_name"] == "Jo")
    assert jo["postcode"] == "" and jo["date_of_birth"] == "1988-02-14"  # her address must not be disclosed
    assert jo["need_education"] == "1" and jo["need_housing"] == "0"
    assert jo["joined_programme_on"] == days_ago(60).isoformat()
    about = json.loads(archive.read("about.json"))
    assert about["left_out"] == {"opted_out_of_research": 1, "erased": 0, "restricted": 0, "postcode_withheld": 1}
    assert about["recipient"] == "Office for National Statistics"
    entry = Disclosure.objects.get(family=on_the_programme, kind="research_share")
    assert entry.recipient == "Office for National Statistics" and "Article 9(2)(j)" in entry.basis
    assert entry.what.startswith("Identifying details of 2 people in the family")
    register = client_for(practitioner).get(f"/families/{on_the_programme.pk}/sharing").content.decode()
    assert "Office for National Statistics" in register
    made = AuditEvent.objects.get(actor=dpo, action=AuditAction.EXPORT, detail__downloaded__isnull=True)
    assert made.detail["families"] == 1 and made.detail["rows"] == {"national_impact_study": 2}
    assert AuditEvent.objects.filter(action=AuditAction.DISCLOSE, family_id=on_the_programme.pk,
                                     object_type="sharing.disclosure").count() == 1


def test_a_family_with_fewer_than_three_needs_is_not_sent(client_for, dpo, practitioner, family, mum, episode,
                                                          taking_part):
    record_need(client_for(practitioner), family, "education", "persistent_absence")
    archive = _make(client_for(dpo), dpo)
    assert archive.read("national_impact_study.csv").decode().strip().count("\n") == 0  # the heading only
    assert not Disclosure.objects.filter(kind="research_share").exists()


def test_only_the_data_protection_officer_may_make_it(client_for, make, on_the_programme):
    for role in (Role.ANALYST, Role.COORDINATOR, Role.MANAGER):
        user = make(f"{role}@example.test", role)
        client = client_for(user)
        page = client.get("/supporting-families").content.decode()
        assert "Only the council's data protection officer can make the share" in page
        assert client.post(reverse("supporting_families:share_start")).status_code == 403
    assert not ResultFile.objects.exists() and not Disclosure.objects.filter(kind="research_share").exists()
