"""The audit review pages: who accessed a family or a person and why, and what a user accessed. The unusual-access
reports are in test_unusual_access.py."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hearth.access import services as access_services
from hearth.access.models import InvolvedAs
from hearth.accounts.models import Role
from hearth.audit.models import AuditEvent
from hearth.dpo import audit_review
from tests.dpo.looks import some_families, view

pytestmark = pytest.mark.django_db


# Who accessed a family or a person, and why ---------------------------------------------------------------------


def test_the_family_page_lists_who_looked_from_where_and_why(dpo, practitioner, other_practitioner, family,
                                                             client_for):
    view(practitioner, family=family, ip="10.1.2.3")
    view(other_practitioner, family=family, ip="192.0.2.7")
    page = client_for(dpo).get(reverse("dpo:access_family", args=[family.pk])).content.decode()
    assert "Who has accessed family record" in page
    assert "Pat Practitioner" in page and "Hill School" in page and "10.1.2.3" in page
    assert "Olu Other" in page and "Health visiting" in page and "192.0.2.7" in page
    assert "Looked at the family&#39;s record" in page
    assert "Team Around the Family member (family" in page  # the practitioner created the family
    assert "No recorded reason" in page  # the other practitioner has no involvement
    assert family.name not in page  # the DPO sees the log, not the record


def test_break_glass_is_given_as_the_reason(dpo, family, make, client_for):
    screener = make("sam.screener@example.test", Role.MASH_SCREENER, agency_name="MASH")
    access_services.break_glass_open(actor=screener, family=family, reason="Police at the door at night")
    view(screener, family=family)
    page = client_for(dpo).get(reverse("dpo:access_family", args=[family.pk])).content.decode()
    assert "Break-glass access to family" in page and "not yet reviewed" in page


def test_the_log_is_filtered_by_date(dpo, practitioner, other_practitioner, family, client_for):
    view(practitioner, family=family, at=timezone.now() - datetime.timedelta(days=40), ip="10.40.40.40")
    view(other_practitioner, family=family, ip="10.0.0.9")
    today = timezone.localdate()
    page = client_for(dpo).get(reverse("dpo:access_family", args=[family.pk]), {
        "date_from-day": today.day, "date_from-month": today.month, "date_from-year": today.year}).content.decode()
    assert "10.0.0.9" in page and "10.40.40.40" not in page
    assert "2 events in this period" in page  # the family's creation today, and the look


def test_a_bad_date_filter_is_shown_in_plain_english(dpo, family, client_for):
    page = client_for(dpo).get(reverse("dpo:access_family", args=[family.pk]),
                               {"date_from-day": "31", "date_from-month": "2", "date_from-year": "2026"})
    assert page.status_code == 200 and "From must be a real date" in page.content.decode()


def test_the_person_page_includes_looks_at_the_whole_family(dpo, practitioner, other_practitioner, family, mum,
                                                            client_for):
    view(practitioner, person=mum, ip="10.9.9.9")
    view(other_practitioner, family=family, ip="10.8.8.8")
    other = some_families(family.council, 1)[0]
    view(other_practitioner, family=other, ip="10.7.7.7")
    page = client_for(dpo).get(reverse("dpo:access_person", args=[mum.pk])).content.decode()
    assert "10.9.9.9" in page and "10.8.8.8" in page and "10.7.7.7" not in page
    assert "Looked at a person&#39;s details" in page
    main = page.split("<main")[1]
    # Whole words: the page's random form tokens may hold any run of letters.
    assert not re.search(r"\bJo\b", main) and "Testfamily" not in main


def test_what_a_user_accessed_is_listed_with_links_to_the_records(dpo, practitioner, family, client_for):
    view(practitioner, family=family)
    page = client_for(dpo).get(reverse("dpo:access_user", args=[practitioner.pk])).content.decode()
    assert "What Pat Practitioner (Hill School) has accessed" in page
    assert reverse("dpo:access_family", args=[family.pk]) in page


def test_requests_and_incidents_are_described_by_their_labels_before_and_after_leaving_the_dpo_app():
    for label in ("rights.rightsrequest", "dpo.rightsrequest"):
        assert audit_review.describe_object(label) == "a request to correct, erase or restrict"
    for label in ("breaches.incident", "dpo.incident"):
        assert audit_review.describe_object(label) == "the breach log"


def test_looking_at_an_access_log_is_itself_audited(dpo, family, client_for):
    client_for(dpo).get(reverse("dpo:access_family", args=[family.pk]), REMOTE_ADDR="10.5.5.5")
    event = AuditEvent.objects.get(actor=dpo, object_type=audit_review.ACCESS_REVIEW)
    assert event.family_id == family.pk and event.ip_address == "10.5.5.5"
    assert event.detail == {"access_review": "family"}


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.MANAGER, Role.COORDINATOR, Role.SYSADMIN])
def test_only_the_dpo_sees_access_logs(make, role, family, client_for):
    client = client_for(make(f"{role}.x@example.test", role))
    for url in (reverse("dpo:access_family", args=[family.pk]), reverse("dpo:audit_verify")):
        assert client.get(url).status_code == 403


def test_a_dpo_cannot_see_the_log_of_another_councils_family(far_dpo, family, client_for):
    assert client_for(far_dpo).get(reverse("dpo:access_family", args=[family.pk])).status_code == 403


def test_the_access_page_takes_the_same_number_of_queries_however_many_people_looked(dpo, family, make, client_for):
    client = client_for(dpo)
    url = reverse("dpo:access_family", args=[family.pk])
    users = [make(f"user{i}@example.test", Role.PRACTITIONER, agency_name=f"Agency {i}") for i in range(12)]
    view(users[0], family=family)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for user in users:
        access_services.involvement_start(actor=user, family=family, user=user, relationship=InvolvedAs.TAF_MEMBER)
        for _ in range(3):
            view(user, family=family)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert "User11" in page
    assert len(many) == len(few)




def test_a_look_at_an_episode_is_named_as_the_register_names_it_with_its_article(dpo, practitioner, family,
                                                                                  client_for):
    view(practitioner, family=family, object_type="cases.episode")
    view(practitioner, family=family, object_type="plans.action")
    page = client_for(dpo).get(reverse("dpo:access_family", args=[family.pk])).content.decode()
    assert "Looked at the Early Help episode" in page
    assert "Looked at an action in the plan" in page
    assert not re.search(r"\ba [aeiou]", page.split("<main")[1], re.IGNORECASE)


def test_a_record_outside_the_register_takes_a_or_an_by_its_sound():
    assert audit_review.describe_object("accounts.agency") == "an agency"
    assert audit_review.describe_object("accounts.user") == "a user"
