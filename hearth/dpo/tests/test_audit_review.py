"""The audit review pages: who accessed a family or a person and why, what a user accessed, and the unusual-access
reports (many records in a short time, colleagues' records, shared family names, break-glass use)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hearth.access.models import BreakGlass, Involvement
from hearth.access.models import Relationship as Involved
from hearth.accounts.models import Role
from hearth.dpo import audit_review
from hearth.governance.models import AuditAction, AuditEvent
from hearth.people import services as people_services
from hearth.people.models import Family, FamilyMember, Person

pytestmark = pytest.mark.django_db


def view(user, *, family=None, person=None, at=None, ip="10.0.0.1", object_type=None, action=AuditAction.VIEW):
    """An audit row as the application writes it, at a chosen time."""
    return AuditEvent.objects.create(
        actor=user, action=action, at=at or timezone.now(), ip_address=ip,
        object_type=object_type or ("people.family" if family else "people.person"),
        object_id=str((family or person).pk), family_id=family.pk if family else None,
        person_id=person.pk if person else None)


def _table(page: str, table_id: str) -> str:
    return page.split(f'id="{table_id}"')[1].split("</table>")[0]


def _families(council, n: int) -> list[Family]:
    return Family.objects.bulk_create([Family(council=council, name=f"Family {i}") for i in range(n)])


def _member(family, given, surname, **extra) -> Person:
    person = Person.objects.create(council=family.council, given_name=given, family_name=surname, **extra)
    FamilyMember.objects.create(family=family, person=person, role="parent_pr")
    people_services._refresh_current_name(person)
    return person


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
    BreakGlass.objects.create(family=family, user=screener, reason="Police at the door at night",
                              expires_at=timezone.now() + datetime.timedelta(hours=4))
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
    other = _families(family.council, 1)[0]
    view(other_practitioner, family=other, ip="10.7.7.7")
    page = client_for(dpo).get(reverse("dpo:access_person", args=[mum.pk])).content.decode()
    assert "10.9.9.9" in page and "10.8.8.8" in page and "10.7.7.7" not in page
    assert "Looked at a person&#39;s details" in page
    assert "Jo" not in page.split("<main")[1]


def test_what_a_user_accessed_is_listed_with_links_to_the_records(dpo, practitioner, family, client_for):
    view(practitioner, family=family)
    page = client_for(dpo).get(reverse("dpo:access_user", args=[practitioner.pk])).content.decode()
    assert "What Pat Practitioner (Hill School) has accessed" in page
    assert reverse("dpo:access_family", args=[family.pk]) in page


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
        Involvement.objects.create(family=family, user=user, relationship=Involved.TAF_MEMBER)
        for _ in range(3):
            view(user, family=family)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert "User11" in page
    assert len(many) == len(few)


# Unusual access ------------------------------------------------------------------------------------------------


def test_many_records_in_a_short_time_is_reported(dpo, practitioner, other_practitioner, council, client_for):
    families = _families(council, 25)
    start = timezone.now() - datetime.timedelta(hours=2)
    for i, f in enumerate(families[:21]):  # 21 families in 7 minutes
        view(practitioner, family=f, at=start + datetime.timedelta(seconds=20 * i))
    for i, f in enumerate(families[:20]):  # 20 families: not more than 20
        view(other_practitioner, family=f, at=start + datetime.timedelta(seconds=20 * i))
    bursts, truncated = audit_review.many_records(dpo, audit_review.UnusualParams())
    assert [(b.user, b.peak) for b in bursts] == [(practitioner, 21)] and not truncated
    page = client_for(dpo).get(reverse("dpo:unusual_access")).content.decode()
    assert "more than 20 in 10 minutes" in page
    many = page.split('id="many-records"')[1].split("</table>")[0]
    assert "Pat Practitioner" in many and "Olu Other" not in many and ">21<" in many


def test_the_thresholds_are_set_by_the_address(dpo, other_practitioner, council, client_for):
    families = _families(council, 6)
    start = timezone.now() - datetime.timedelta(hours=1)
    for i, f in enumerate(families):  # 6 families, one a minute
        view(other_practitioner, family=f, at=start + datetime.timedelta(minutes=i))
    client = client_for(dpo)
    page = client.get(reverse("dpo:unusual_access"), {"records": "5", "minutes": "10"}).content.decode()
    assert "more than 5 in 10 minutes" in page and "Olu Other" in _table(page, "many-records")
    page = client.get(reverse("dpo:unusual_access"), {"records": "5", "minutes": "3"}).content.decode()
    assert "Olu Other" not in _table(page, "many-records")
    page = client.get(reverse("dpo:unusual_access"), {"records": "one", "minutes": "0"}).content.decode()
    assert "Enter the number of records as a number" in page and "Enter 1 minute or more" in page


def test_repeated_looks_at_the_same_family_are_not_many_records(dpo, practitioner, family):
    start = timezone.now() - datetime.timedelta(hours=1)
    for i in range(40):
        view(practitioner, family=family, at=start + datetime.timedelta(seconds=5 * i))
    assert audit_review.many_records(dpo, audit_review.UnusualParams())[0] == []


def test_a_colleagues_record_is_reported_by_name_or_email(dpo, practitioner, other_practitioner, council):
    by_name, by_email, neither = _families(council, 3)
    _member(by_name, "Olu", "Other")  # the name of the user olu.other@example.test ("Olu Other")
    _member(by_email, "Someone", "Else", email="OLU.OTHER@example.test")
    _member(neither, "Olu", "Different")
    for f in (by_name, by_email, neither):
        view(practitioner, family=f)
    view(other_practitioner, family=by_name)  # their own record
    rows = audit_review.colleagues_records(dpo, audit_review.UnusualParams())
    found = {(r.user.email, r.family_id): r for r in rows}
    assert set(found) == {(practitioner.email, by_name.pk), (practitioner.email, by_email.pk),
                          (other_practitioner.email, by_name.pk)}
    assert found[(practitioner.email, by_name.pk)].whose == ["Olu Other"]
    assert found[(other_practitioner.email, by_name.pk)].own


def test_a_shared_family_name_is_reported_including_previous_names(dpo, practitioner, council, client_for):
    same, previously, different = _families(council, 3)
    _member(same, "Ann", "Practitioner")  # the user is Pat Practitioner
    person = _member(previously, "Bea", "Newname")
    person.names.create(kind="previous", given_name="Bea", family_name="PRACTITIONER")
    _member(different, "Cat", "Smith")
    for f in (same, previously, different):
        view(practitioner, family=f)
    rows = audit_review.shared_surname_records(dpo, audit_review.UnusualParams())
    assert {r.family_id for r in rows} == {same.pk, previously.pk}
    page = client_for(dpo).get(reverse("dpo:unusual_access")).content.decode()
    surnames = page.split('id="surnames"')[1].split("</table>")[0]
    assert reverse("dpo:access_family", args=[same.pk]) in surnames and "Practitioner" in surnames


def test_break_glass_use_is_listed_with_a_link_to_its_review(dpo, family, make, client_for):
    screener = make("sam.screener@example.test", Role.MASH_SCREENER, agency_name="MASH")
    use = BreakGlass.objects.create(family=family, user=screener, reason="Police at the door at night",
                                    expires_at=timezone.now() + datetime.timedelta(hours=4))
    page = client_for(dpo).get(reverse("dpo:unusual_access")).content.decode()
    table = page.split('id="break-glass"')[1].split("</table>")[0]
    assert "Sam Screener" in table and "Not reviewed" in table
    assert reverse("access:break_glass_review", args=[use.pk]) in table


def test_old_activity_outside_the_period_is_left_out(dpo, practitioner, council):
    families = _families(council, 22)
    start = timezone.now() - datetime.timedelta(days=30)
    for i, f in enumerate(families):
        view(practitioner, family=f, at=start + datetime.timedelta(seconds=10 * i))
    assert audit_review.many_records(dpo, audit_review.UnusualParams())[0] == []
    period = audit_review.UnusualParams(date_from=timezone.localdate(start), date_to=timezone.localdate())
    assert len(audit_review.many_records(dpo, period)[0]) == 1


def test_a_manager_sees_the_report_for_their_own_team_only(make, team, council, client_for):
    manager = make("mia.manager@example.test", Role.MANAGER)
    team.manager = manager
    team.save()
    mine = make("tam.team@example.test", Role.PRACTITIONER, team=team)
    other = make("zed.elsewhere@example.test", Role.PRACTITIONER)
    families = _families(council, 22)
    start = timezone.now() - datetime.timedelta(hours=1)
    for user in (mine, other):
        for i, f in enumerate(families):
            view(user, family=f, at=start + datetime.timedelta(seconds=10 * i))
    response = client_for(manager).get(reverse("dpo:unusual_access"))
    page = response.content.decode()
    assert response.status_code == 200 and "members of the teams you manage" in page
    assert "Tam Team" in page and "Zed Elsewhere" not in page
    assert reverse("dpo:access_family", args=[families[0].pk]) not in page  # managers do not get the logs


def test_a_practitioner_cannot_see_the_report(practitioner, client_for):
    assert client_for(practitioner).get(reverse("dpo:unusual_access")).status_code == 403


def test_looking_at_the_report_is_audited_and_the_dpos_own_reviews_do_not_count(dpo, council, client_for):
    families = _families(council, 25)
    client = client_for(dpo)
    for f in families:
        client.get(reverse("dpo:access_family", args=[f.pk]))
    page = client.get(reverse("dpo:unusual_access")).content.decode()
    assert "Dee Dpo" not in page.split('id="many-records"')[1].split("</table>")[0]
    assert AuditEvent.objects.filter(actor=dpo, object_type="dpo.unusual_access").count() == 1


def test_the_report_takes_the_same_number_of_queries_however_much_activity(dpo, make, practitioner, council,
                                                                          client_for):
    client = client_for(dpo)
    url = reverse("dpo:unusual_access")
    families = _families(council, 30)
    for f in families:
        _member(f, "Pat", "Practitioner")  # a colleague's name, and the viewers' family name
    users = [make(f"pat{i}.practitioner@example.test", Role.PRACTITIONER, agency_name=f"A{i}") for i in range(2)]
    start = timezone.now() - datetime.timedelta(hours=1)
    for i, f in enumerate(families):  # one burst, one colleague's record, one shared name, to begin with
        view(users[0], family=f, at=start - datetime.timedelta(seconds=i))
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    more = [make(f"pat{i}.practitioner@example.test", Role.PRACTITIONER, agency_name=f"A{i}") for i in range(2, 8)]
    for user in users + more:
        for i, f in enumerate(families):
            view(user, family=f, at=start + datetime.timedelta(seconds=i))
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert "Pat7 Practitioner" in page
    assert len(many) == len(few)
