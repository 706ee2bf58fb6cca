"""Every page of the data protection officer's tools (the workbench and audit review, the breach log, requests to
correct, erase or restrict) answers the DPO, and only the DPO (the unusual-access report also answers managers); and
the policy functions they rest on."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from hearth.access import governance
from hearth.accounts.models import Role, User
from hearth.breaches import services
from hearth.breaches.models import DataKind, IcoDecision
from hearth.rights import services as rights
from hearth.rights.models import RequestDecision, RequestKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(dpo, mum, family):
    incident = services.incident_record(actor=dpo, data=services.IncidentInput(
        summary="Email to the wrong school", what_happened="Sent to Far School",
        discovered_at=timezone.now() - datetime.timedelta(hours=1), data_kinds=[DataKind.CHILDREN],
        family_ids=[family.pk]))
    services.incident_decide(actor=dpo, incident=incident, version=incident.version, decision=IcoDecision.REPORT,
                             reason="Risk to a child")
    rq = rights.request_record(actor=dpo, person=mum, kind=RequestKind.RECTIFICATION, asked="Wrong phone",
                               received_on=timezone.localdate())
    rights.request_decide(actor=dpo, rights_request=rq, version=rq.version, decision=RequestDecision.ACCEPTED,
                          reason="")
    return {"incident_id": incident.pk, "rights_request_id": rq.pk, "family_id": family.pk, "person_id": mum.pk}


PAGES = [
    ("dpo:home", ()), ("breaches:incidents", ()), ("breaches:incident_new", ()),
    ("breaches:incident", ("incident_id",)), ("breaches:incident_edit", ("incident_id",)),
    ("breaches:incident_decide", ("incident_id",)),
    ("breaches:incident_report", ("incident_id",)), ("breaches:incident_notice_new", ("incident_id",)),
    ("breaches:incident_close", ("incident_id",)), ("rights:requests", ()), ("rights:request_find", ()),
    ("rights:request", ("rights_request_id",)), ("rights:request_decide", ("rights_request_id",)),
    ("rights:request_apply", ("rights_request_id",)), ("rights:request_erase", ("rights_request_id",)),
    ("rights:request_restrict", ("rights_request_id",)), ("rights:restriction_lift", ("rights_request_id",)),
    ("rights:request_recipients", ("rights_request_id",)), ("dpo:access_family", ("family_id",)),
    ("dpo:access_person", ("person_id",)), ("dpo:unusual_access", ()), ("dpo:audit_verify", ()),
]


def _url(name, keys, records):
    return reverse(name, kwargs={k: records[k] for k in keys})


def test_every_page_answers_the_dpo(dpo, records, client_for):
    client = client_for(dpo)
    for name, keys in PAGES:
        response = client.get(_url(name, keys, records))
        if name == "rights:restriction_lift":  # no restriction is in force: back to the request, which says so
            assert response.status_code == 302 and response.url == _url("rights:request", keys, records)
            continue
        assert response.status_code == 200, name
        assert "<h1" in response.content.decode(), name
    assert client.get(f"{reverse('rights:request_new')}?person={records['person_id']}").status_code == 200
    assert client.get(reverse("dpo:access_user", args=[dpo.pk])).status_code == 200


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.COORDINATOR, Role.MANAGER, Role.MASH_SCREENER,
                                  Role.SOCIAL_WORKER, Role.ANALYST, Role.SYSADMIN])
def test_no_other_role_reaches_a_page(make, role, records, client_for):
    client = client_for(make(f"{role}.y@example.test", role))
    for name, keys in PAGES:
        expected = 200 if (name == "dpo:unusual_access" and role == Role.MANAGER) else 403
        assert client.get(_url(name, keys, records)).status_code == expected, name
        assert client.post(_url(name, keys, records), {}).status_code in ({200} if expected == 200 else {403}), name


def test_the_dpo_of_a_council_does_governance_for_that_council_only(dpo, far_dpo, practitioner, council, mum):
    assert governance.can_do_governance(dpo) and governance.can_do_governance(dpo, council)
    assert not governance.can_do_governance(far_dpo, council) and not governance.can_do_governance(practitioner)
    assert list(governance.governance_people(dpo)) == [mum]
    assert not governance.governance_people(far_dpo).exists()
    assert not governance.governance_people(practitioner).exists()
    assert governance.can_rectify_person(dpo, mum) and not governance.can_rectify_person(far_dpo, mum)


def test_whose_access_is_reviewed(dpo, make, team, practitioner):
    manager = make("mia.manager@example.test", Role.MANAGER)
    team.manager = manager
    team.save()
    member = make("tam.team@example.test", Role.PRACTITIONER, team=team)
    assert set(User.objects.filter(governance.access_reviewed_users(manager))) == {member}
    assert {member, practitioner, manager, dpo} <= set(User.objects.filter(governance.access_reviewed_users(dpo)))
    assert not User.objects.filter(governance.access_reviewed_users(practitioner)).exists()
