"""Data protection requests and disposal: a request still to answer holds its person's families back; answered
requests have their own rule, and a person kept only for them goes with the last of them."""

from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from hearth.core.dates import add_years
from hearth.people import holds
from hearth.people.models import Family, Person
from hearth.retention import rules, services
from hearth.rights.models import RectificationChange, RequestDecision, RequestKind, Restriction, RightsRequest
from hearth.subject_access.models import ReleasedBundle, SarStatus, SubjectAccessRequest, due_date
from tests.retention.helpers import person, rich_family

pytestmark = pytest.mark.django_db


def _at(day):
    return timezone.make_aware(datetime.combine(day, time(10)))


def _sar(council, dpo, subject, *, status=SarStatus.OPEN, answered_on=None, reference="SAR-1"):
    received = (answered_on or timezone.localdate()) - timedelta(days=20)
    sar = SubjectAccessRequest.objects.create(
        council=council, reference=reference, subject=subject, requester_name="A requester",
        requester_relationship="self", received_on=received, due_on=due_date(received, 0), status=status,
        created_by=dpo,
        released_at=_at(answered_on) if status == SarStatus.RELEASED else None,
        released_by=dpo if status == SarStatus.RELEASED else None)
    if status == SarStatus.RELEASED:
        ReleasedBundle.objects.create(sar=sar, pdf=b"%PDF-", json="{}", pdf_sha256="0" * 64, json_sha256="0" * 64)
    return sar


def _rights(council, dpo, subject, *, kind=RequestKind.RECTIFICATION, applied_on=None):
    rq = RightsRequest.objects.create(council=council, person=subject, kind=kind, asked="Correct it",
                                      received_on=timezone.localdate() - timedelta(days=5), created_by=dpo,
                                      decision=RequestDecision.ACCEPTED, decided_at=timezone.now(), decided_by=dpo,
                                      applied_at=_at(applied_on) if applied_on else None,
                                      applied_by=dpo if applied_on else None)
    if applied_on and kind == RequestKind.RECTIFICATION:
        RectificationChange.objects.create(request=rq, person=subject, field="phone", label="Phone number",
                                           before="1", after="2", changed_by=dpo)
    return rq


def _run(dpo, second_dpo, as_of):
    run = services.disposal_prepare(actor=dpo, as_of=as_of)
    run = services.disposal_approve(actor=second_dpo, run=run)
    return run, services.disposal_run(actor=second_dpo, run=run)


def test_an_open_subject_access_request_holds_the_family_until_it_is_answered(council, lead, dpo, second_dpo):
    today = timezone.localdate()
    family = rich_family(council, lead, surname="Asking", closed_on=add_years(today, -7))
    member = Person.objects.filter(memberships__family=family).first()
    sar = _sar(council, dpo, member)
    assert holds.held_families(holds.Use.DISPOSE, council.pk, [family.pk]) == {family.pk}
    _, certificate = _run(dpo, second_dpo, today)
    assert certificate.totals["families_held"] == 1 and Family.objects.filter(pk=family.pk).exists()
    SubjectAccessRequest.objects.filter(pk=sar.pk).update(status=SarStatus.CLOSED, closed_at=timezone.now(),
                                                          closed_by=dpo)
    assert holds.held_families(holds.Use.DISPOSE, council.pk, [family.pk]) == set()
    rq = _rights(council, dpo, member, kind=RequestKind.RESTRICTION, applied_on=today)
    Restriction.objects.create(request=rq, person=member, what="Checking", started_by=dpo)
    assert holds.held_families(holds.Use.DISPOSE, council.pk, [family.pk]) == {family.pk}


def test_answered_requests_go_under_their_own_rule_with_the_people_kept_only_for_them(council, lead, dpo,
                                                                                       second_dpo):
    today = timezone.localdate()
    rule = rules.rule_for(rules.council_rules(council), rules.DATA_PROTECTION)
    assert rule is not None and rule.base == "answered"
    due_on = add_years(today, -rule.years)
    # Former members of disposed families, kept only for their requests.
    alone = person(council, "Ada", "Alone", None)
    recent = person(council, "Rae", "Recent", None)
    old_sar = _sar(council, dpo, alone, status=SarStatus.RELEASED, answered_on=due_on - timedelta(days=1),
                   reference="SAR-OLD")
    old_fix = _rights(council, dpo, alone, applied_on=due_on - timedelta(days=3))
    new_sar = _sar(council, dpo, recent, status=SarStatus.RELEASED, answered_on=due_on + timedelta(days=1),
                   reference="SAR-NEW")
    # A member of a family that is kept: their answered request goes, they stay.
    kept_family = rich_family(council, lead, surname="Kept", closed_on=None, open_episode=True)
    member = Person.objects.filter(memberships__family=kept_family).first()
    member_fix = _rights(council, dpo, member, applied_on=due_on - timedelta(days=10))
    # A restriction still in force is never disposed of.
    restricted = _rights(council, dpo, recent, kind=RequestKind.RESTRICTION, applied_on=due_on - timedelta(days=9))
    Restriction.objects.create(request=restricted, person=recent, what="Checking", started_by=dpo)

    run = services.disposal_prepare(actor=dpo, as_of=today)
    assert run.counts["by_record_type"][rules.DATA_PROTECTION] == 6  # 1 SAR, 1 bundle, 2 requests, 2 changes
    run = services.disposal_approve(actor=second_dpo, run=run)
    certificate = services.disposal_run(actor=second_dpo, run=run)

    assert not SubjectAccessRequest.objects.filter(pk=old_sar.pk).exists()
    assert not RightsRequest.objects.filter(pk__in=[old_fix.pk, member_fix.pk]).exists()
    assert not RectificationChange.objects.filter(request_id__in=[old_fix.pk, member_fix.pk]).exists()
    assert SubjectAccessRequest.objects.filter(pk=new_sar.pk).exists()
    assert RightsRequest.objects.filter(pk=restricted.pk).exists()
    assert not Person.objects.filter(pk=alone.pk).exists()
    assert Person.objects.filter(pk__in=[recent.pk, member.pk]).count() == 2
    line = next(li for li in certificate.lines if li["record_type"] == rules.DATA_PROTECTION)
    assert line["count"] == 6 and line["rule"] == "2 years from when the request was answered"
    assert certificate.totals["people"] == 1
    assert "Ada" not in str(certificate.lines) and "Alone" not in str(certificate.lines)
    connection.check_constraints()
