"""Compiling everything held about the subject: what is in each section, what belongs to someone else and is left
out, the access history in plain English, and a fixed number of queries whatever the length of the history."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hearth.accounts.models import Role
from hearth.audit.models import AuditAction, AuditEvent
from hearth.demo.history import build_long_history
from hearth.families import services as people_services
from hearth.people.models import Sex
from hearth.sharing.services import disclosure_record
from hearth.subject_access import services
from hearth.subject_access.compile import bundle_json, bundle_pdf, compile_bundle
from tests.documents.helpers import assert_accessible, heading_levels, read_pdf

pytestmark = pytest.mark.django_db


def _text(bundle) -> str:
    return " ".join(f"{i.title} " + " ".join(f"{f.label} {f.value}" for f in i.fields)
                    for s in bundle.sections for i in s.items)


def _section(bundle, key):
    return next(s for s in bundle.sections if s.key == key)


def test_the_bundle_has_every_part_of_the_record_about_the_subject(sar, history):
    bundle = compile_bundle(sar)
    text = _text(bundle)
    assert [s.key for s in bundle.sections] == ["person", "families", "episodes", "assessments", "plans", "outcomes",
                                                 "notes", "consent", "supporting_families", "referrals", "sharing",
                                                 "access"]
    for phrase in ("1 Elm Row, Banbury, OX16 1AA", "The Testfamily family", "Max Testfamily: child or young person",
                   "Starting level reasons", "Background facts Bq1", "Health views Hv2", "Meeting minutes Mm1",
                   "Action to take Ac1", "Review summary Rv1", "4 out of 10 (the family's own score: 6)",
                   "Note details Nt2", "Consent limits Cs1", "Referral concerns Rf1", "Notes sent Ds1"):
        assert phrase in text, phrase
    assert _section(bundle, "episodes").items[0].fields[4].value == "Vulnerable"  # the council's own level name


def test_another_childs_view_is_not_in_the_mothers_bundle_but_is_in_the_childs_own(dpo, sar, history, child):
    assert "Mx1" not in _text(compile_bundle(sar))
    childs = services.sar_create(actor=dpo, subject=child, requester_name="Jo Testfamily",
                                 requester_relationship="parent", on_behalf_of="Her son Max",
                                 received_on=timezone.localdate())
    bundle = compile_bundle(childs)
    views = [i for i in _section(bundle, "assessments").items if i.key.startswith("childview:")]
    assert len(views) == 1 and views[0].title == "Max's view as a child"
    assert "Max's own words Mx1" in _text(bundle)


def test_register_entries_about_another_family_member_are_left_out(practitioner, sar, history, family, child):
    disclosure_record(actor=practitioner, family=family, kind="other", what="About Max only Zz9", person=child,
                      recipient="school", purpose="p", basis="b")
    disclosure_record(actor=practitioner, family=family, kind="other", what="About the family Zz8",
                      recipient="school", purpose="p", basis="b")
    text = _text(compile_bundle(sar))
    assert "About the family Zz8" in text and "About Max only Zz9" not in text


def test_records_of_a_family_the_subject_does_not_belong_to_are_left_out(practitioner, sar, history):
    other = people_services.family_create(actor=practitioner, name="The Otherfamily family")
    AuditEvent.objects.create(actor=practitioner, action=AuditAction.VIEW, object_type="people.family",
                              object_id=str(other.pk), family_id=other.pk)
    people_services.person_create(actor=practitioner, family=other, role="parent_pr",
                                  data={"given_name": "Ann", "family_name": "Otherfamily", "sex": Sex.FEMALE})
    bundle = compile_bundle(sar)
    assert "Otherfamily" not in _text(bundle)
    assert [i.key for i in _section(bundle, "families").items] == [f"family:{sar.subject.memberships.get().family_id}"]


def test_the_access_history_says_who_did_what_and_when_in_plain_english(sar, practitioner, other_practitioner,
                                                                       family):
    day = timezone.make_aware(datetime.datetime(2026, 3, 3, 10, 0))
    for minutes, actor, action, object_type in [
        (0, practitioner, AuditAction.VIEW, "people.family"),
        (5, practitioner, AuditAction.VIEW, "cases.casenote"),
        (6, practitioner, AuditAction.VIEW, "cases.casenote"),
        (9, practitioner, AuditAction.UPDATE, "plans.review"),
        (1440, other_practitioner, AuditAction.EXPORT, "assessments.assessment"),
    ]:
        AuditEvent.objects.create(at=day + datetime.timedelta(minutes=minutes), actor=actor, action=action,
                                  object_type=object_type, object_id="1", family_id=family.pk)
    lines = [i.title for i in _section(compile_bundle(sar), "access").items]
    assert ("Pat Practitioner of Hill School viewed the family record and a case note twice, and changed a review "
            "on 3 March 2026") in lines
    assert "Olu Other of Health visiting downloaded a copy of the assessment on 4 March 2026" in lines
    assert lines.index("Olu Other of Health visiting downloaded a copy of the assessment on 4 March 2026") > \
        lines.index("Pat Practitioner of Hill School viewed the family record and a case note twice, and changed a "
                    "review on 3 March 2026")  # oldest first


def test_the_brief_example_sentence(sar, practitioner, family):
    AuditEvent.objects.create(at=timezone.make_aware(datetime.datetime(2026, 3, 3, 9, 0)), actor=practitioner,
                              action=AuditAction.VIEW, object_type="people.family", object_id=str(family.pk),
                              family_id=family.pk)
    lines = [i.title for i in _section(compile_bundle(sar), "access").items]
    assert "Pat Practitioner of Hill School viewed the family record on 3 March 2026" in lines


def test_views_of_the_subjects_own_details_are_in_the_access_history(sar, make, mum):
    nosy = make("nat.nosy@example.test", Role.MASH_SCREENER, agency_name="MASH")
    AuditEvent.objects.create(at=timezone.make_aware(datetime.datetime(2026, 1, 5, 9, 0)), actor=nosy,
                              action=AuditAction.DENIED, object_type="people.person", object_id=str(mum.pk),
                              person_id=mum.pk)
    lines = [i.title for i in _section(compile_bundle(sar), "access").items]
    assert "Nat Nosy of MASH was refused access to Jo Testfamily's personal details on 5 January 2026" in lines


def _queries(sar) -> int:
    with CaptureQueriesContext(connection) as ctx:
        bundle = compile_bundle(sar)
        bundle.for_release()
    return len(ctx.captured_queries)


def test_compiling_takes_the_same_number_of_queries_for_a_short_and_a_long_history(council, dpo, practitioner):
    counts = []
    for size in ({"years": 1, "reviews": 2, "notes": 5, "members": 3},
                 {"years": 3, "reviews": 12, "notes": 60, "members": 6}):
        episode = build_long_history(council=council, lead=practitioner, **size)
        subject = episode.family.members.order_by("pk").first().person
        AuditEvent.objects.bulk_create([
            AuditEvent(actor=practitioner, action=AuditAction.VIEW, object_type="people.family",
                       object_id=str(episode.family_id), family_id=episode.family_id,
                       at=timezone.now() - datetime.timedelta(days=i)) for i in range(size["notes"] * 5)])
        sar = services.sar_create(actor=dpo, subject=subject, requester_name="Member0",
                                  requester_relationship="self", received_on=timezone.localdate())
        counts.append(_queries(sar))
    assert counts[0] == counts[1]
    assert counts[0] <= 43  # 40, and the Supporting Families section's needs, judgements and claims


def test_the_pdf_is_tagged_titled_and_in_plain_english_and_the_json_has_the_same_sections(sar, history, dpo):
    bundle = compile_bundle(sar).for_release()
    pdf = read_pdf(bundle_pdf(bundle, printed_by=dpo))
    assert_accessible(pdf, "Information held about Jo Testfamily")
    assert heading_levels(pdf)[0] == 1 and max(heading_levels(pdf)) <= 4
    assert "Who has looked at or changed the record" in pdf.text
    assert "Pat Practitioner of Hill School added the family record" in pdf.text
    assert "ico.org.uk" in pdf.text
    data = json.loads(bundle_json(bundle))
    assert [s["title"] for s in data["sections"]] == [s.title for s in bundle.sections]
    assert data["subject"] == "Jo Testfamily" and data["format"] == "hearth-subject-access/1"
    assert data["sections"][-1]["items"][0]["title"].startswith("Pat Practitioner of Hill School added")


def test_an_unreleased_bundle_is_never_printed_or_exported(sar, history):
    bundle = compile_bundle(sar)
    with pytest.raises(ValueError):
        bundle_pdf(bundle)
    with pytest.raises(ValueError):
        bundle_json(bundle)
