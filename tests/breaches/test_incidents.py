"""The breach log: the 72-hour clock (across changes of the clocks), validation, late decisions and reports, who was
told, closing, and who may use it."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from hearth.accounts.models import Role
from hearth.audit.models import AuditAction, AuditEvent
from hearth.breaches import services
from hearth.breaches.models import DataKind, IcoDecision, Incident, IncidentStatus, NoticeAudience, deadline_for
from hearth.core.errors import Conflict, NotPermitted, ValidationFailed

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
UTC = datetime.UTC


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=LONDON)


def _input(**overrides) -> services.IncidentInput:
    values = dict(summary="Assessment emailed to the wrong school", what_happened="Sent to Far School by mistake",
                  discovered_at=timezone.now() - datetime.timedelta(hours=2), data_kinds=[DataKind.CHILDREN,
                                                                                          DataKind.HEALTH],
                  people_count=4)
    values.update(overrides)
    return services.IncidentInput(**values)


def _incident(dpo, **overrides) -> Incident:
    return services.incident_record(actor=dpo, data=_input(**overrides))


# The 72-hour clock --------------------------------------------------------------------------------------------


def test_the_deadline_is_72_hours_after_discovery():
    assert deadline_for(at(2026, 6, 10, 9, 30)) == at(2026, 6, 13, 9, 30)


def test_the_deadline_is_72_real_hours_when_the_clocks_go_forward():
    # Discovered on Friday 27 March 2026 at noon (GMT); the clocks go forward at 1am on Sunday 29 March.
    discovered = at(2026, 3, 27, 12, 0)
    deadline = deadline_for(discovered)
    assert deadline - discovered.astimezone(UTC) == datetime.timedelta(hours=72)
    assert deadline.astimezone(LONDON) == at(2026, 3, 30, 13, 0)  # 1pm British Summer Time, not noon


def test_the_deadline_is_72_real_hours_when_the_clocks_go_back():
    # Discovered on Friday 23 October 2026 at noon (BST); the clocks go back at 2am on Sunday 25 October.
    discovered = at(2026, 10, 23, 12, 0)
    deadline = deadline_for(discovered)
    assert deadline.astimezone(LONDON) == at(2026, 10, 26, 11, 0)  # 11am GMT
    assert (deadline.astimezone(UTC) - discovered.astimezone(UTC)).total_seconds() == 72 * 3600


def test_a_stored_incident_keeps_72_real_hours_across_the_change(dpo):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(timezone, "now", lambda: at(2026, 3, 28, 9, 0).astimezone(UTC))
        incident = _incident(dpo, discovered_at=at(2026, 3, 27, 12, 0))
    incident.refresh_from_db()
    assert incident.deadline.astimezone(LONDON) == at(2026, 3, 30, 13, 0)
    clock = incident.clock(now=at(2026, 3, 30, 12, 30))
    assert clock.running and not clock.overdue and clock.text == "30 minutes left"
    assert incident.clock(now=at(2026, 3, 30, 13, 5)).text == "Overdue by 5 minutes"


def test_the_clock_shows_hours_left_then_overdue(dpo):
    discovered = timezone.now() - datetime.timedelta(hours=10)
    incident = _incident(dpo, discovered_at=discovered)
    clock = incident.clock(now=discovered + datetime.timedelta(hours=10))
    assert clock.text == "2 days 14 hours left" and clock.tag == "blue"
    assert incident.clock(now=discovered + datetime.timedelta(hours=60)).tag == "yellow"
    late = incident.clock(now=discovered + datetime.timedelta(hours=75, minutes=30))
    assert late.overdue and late.text == "Overdue by 3 hours 30 minutes" and late.tag == "red"


def test_a_decision_not_to_report_stops_the_clock_and_a_decision_to_report_does_not(dpo):
    incident = _incident(dpo)
    services.incident_decide(actor=dpo, incident=incident, version=incident.version, decision=IcoDecision.REPORT,
                             reason="Health information about children: a risk to them")
    assert incident.clock().running
    services.incident_report(actor=dpo, incident=incident, version=incident.version, reported_at=timezone.now(),
                             ico_reference="IC-123456-A1B2")
    clock = incident.clock()
    assert not clock.running and not clock.late and clock.text == "Met: within 72 hours"
    other = _incident(dpo, summary="Letter to the wrong address")
    services.incident_decide(actor=dpo, incident=other, version=other.version, decision=IcoDecision.DO_NOT_REPORT,
                             reason="Returned unopened the same day")
    assert other.clock().text == "Met: within 72 hours"


# Validation ----------------------------------------------------------------------------------------------------


def test_an_incident_needs_a_title_what_happened_when_it_was_discovered_and_the_kinds_of_information(dpo):
    with pytest.raises(ValidationFailed) as exc:
        services.incident_record(actor=dpo, data=services.IncidentInput())
    assert set(exc.value.errors) == {"summary", "what_happened", "discovered_at", "data_kinds"}
    assert not Incident.objects.exists()


def test_the_times_must_be_in_the_past_and_in_order(dpo):
    now = timezone.now()
    with pytest.raises(ValidationFailed) as exc:
        _incident(dpo, discovered_at=now + datetime.timedelta(hours=1))
    assert exc.value.errors["discovered_at"] == "The time it was discovered must be now or in the past"
    with pytest.raises(ValidationFailed) as exc:
        _incident(dpo, discovered_at=now - datetime.timedelta(hours=3), occurred_at=now - datetime.timedelta(hours=1))
    assert exc.value.errors["occurred_at"] == "The time it happened must be before the time it was discovered"


def test_something_else_needs_saying_what(dpo):
    with pytest.raises(ValidationFailed) as exc:
        _incident(dpo, data_kinds=[DataKind.OTHER])
    assert exc.value.errors == {"data_kinds_other": "Say what other kind of information was involved"}
    incident = _incident(dpo, data_kinds=[DataKind.OTHER, DataKind.HEALTH], data_kinds_other="School photos")
    assert incident.data_kind_labels() == ["Health, including mental health and disability", "Other: School photos"]


def test_linked_families_must_be_the_councils_own(dpo, family, other_council, far_dpo):
    from hearth.people.models import Family

    elsewhere = Family.objects.create(council=other_council, name="The Elsewhere family")
    with pytest.raises(ValidationFailed) as exc:
        _incident(dpo, family_ids=[family.pk, elsewhere.pk])
    message = f"There is no family record {elsewhere.pk} in your council: check the numbers"
    assert exc.value.errors["family_ids"] == message
    incident = _incident(dpo, family_ids=[family.pk])
    assert list(incident.families.values_list("pk", flat=True)) == [family.pk]


def test_a_decision_needs_a_reason(dpo):
    incident = _incident(dpo)
    with pytest.raises(ValidationFailed) as exc:
        services.incident_decide(actor=dpo, incident=incident, version=incident.version,
                                 decision=IcoDecision.DO_NOT_REPORT, reason=" ")
    assert exc.value.errors == {"reason": "Say why it does not need to be reported"}
    with pytest.raises(ValidationFailed) as exc:
        services.incident_decide(actor=dpo, incident=incident, version=incident.version, decision="", reason="x")
    assert "decision" in exc.value.errors


def test_a_decision_after_the_72_hours_is_allowed_with_a_reason_for_the_delay(dpo):
    incident = _incident(dpo, discovered_at=timezone.now() - datetime.timedelta(hours=80))
    with pytest.raises(ValidationFailed) as exc:
        services.incident_decide(actor=dpo, incident=incident, version=incident.version,
                                 decision=IcoDecision.DO_NOT_REPORT, reason="Encrypted laptop, recovered")
    assert exc.value.errors == {"delay_reason": "The 72 hours have passed: say why the decision was not made in time"}
    services.incident_decide(actor=dpo, incident=incident, version=incident.version,
                             decision=IcoDecision.DO_NOT_REPORT, reason="Encrypted laptop, recovered",
                             delay_reason="Not told of it until the team manager returned from leave")
    incident.refresh_from_db()
    assert incident.decided_late and incident.clock().late
    assert incident.clock().text.startswith("Late: 8 hours")
    assert incident.decision_delay_reason == "Not told of it until the team manager returned from leave"


def test_a_decision_in_time_keeps_no_delay_reason(dpo):
    incident = _incident(dpo)
    services.incident_decide(actor=dpo, incident=incident, version=incident.version,
                             decision=IcoDecision.DO_NOT_REPORT, reason="Contained at once", delay_reason="Typed")
    incident.refresh_from_db()
    assert incident.decision_delay_reason == "" and not incident.decided_late


def test_a_report_needs_the_decision_to_report_a_reference_and_a_time_after_discovery(dpo):
    incident = _incident(dpo)
    with pytest.raises(ValidationFailed) as exc:
        services.incident_report(actor=dpo, incident=incident, version=incident.version,
                                 reported_at=timezone.now(), ico_reference="IC-1")
    assert "decision" in exc.value.errors
    services.incident_decide(actor=dpo, incident=incident, version=incident.version, decision=IcoDecision.REPORT,
                             reason="Risk to the children")
    with pytest.raises(ValidationFailed) as exc:
        services.incident_report(actor=dpo, incident=incident, version=incident.version,
                                 reported_at=incident.discovered_at - datetime.timedelta(minutes=1), ico_reference="")
    assert set(exc.value.errors) == {"reported_at", "ico_reference"}


def test_a_late_report_needs_the_reasons_for_the_delay(dpo):
    discovered = timezone.now() - datetime.timedelta(hours=100)
    incident = _incident(dpo, discovered_at=discovered)
    services.incident_decide(actor=dpo, incident=incident, version=incident.version, decision=IcoDecision.REPORT,
                             reason="Risk to the children", delay_reason="Found on a Friday night")
    reported = discovered + datetime.timedelta(hours=90)
    with pytest.raises(ValidationFailed) as exc:
        services.incident_report(actor=dpo, incident=incident, version=incident.version, reported_at=reported,
                                 ico_reference="IC-9")
    assert exc.value.errors == {"delay_reason": "It was reported after the 72 hours: give the reasons for the delay"}
    services.incident_report(actor=dpo, incident=incident, version=incident.version, reported_at=reported,
                             ico_reference="IC-9", delay_reason="The ICO's form was unavailable")
    assert incident.reported_late and incident.clock().late


def test_the_decision_cannot_change_after_the_report(dpo):
    incident = _incident(dpo)
    services.incident_decide(actor=dpo, incident=incident, version=incident.version, decision=IcoDecision.REPORT,
                             reason="Risk")
    services.incident_report(actor=dpo, incident=incident, version=incident.version, reported_at=timezone.now(),
                             ico_reference="IC-1")
    with pytest.raises(Conflict):
        services.incident_decide(actor=dpo, incident=incident, version=incident.version,
                                 decision=IcoDecision.DO_NOT_REPORT, reason="Changed my mind")


def test_a_stale_version_is_refused_and_nothing_is_saved(dpo):
    incident = _incident(dpo)
    stale = incident.version
    services.incident_update(actor=dpo, incident=incident, version=stale, data=_input(containment="Recalled"))
    with pytest.raises(Conflict):
        services.incident_decide(actor=dpo, incident=incident, version=stale, decision=IcoDecision.REPORT,
                                 reason="Risk")
    incident.refresh_from_db()
    assert incident.decision == "" and incident.containment == "Recalled"


def test_who_was_told_is_recorded_with_when_and_how(dpo):
    incident = _incident(dpo)
    with pytest.raises(ValidationFailed) as exc:
        services.incident_notice_record(actor=dpo, incident=incident, audience="", who="", told_at=None)
    assert set(exc.value.errors) == {"audience", "who", "told_at"}
    notice = services.incident_notice_record(actor=dpo, incident=incident, audience=NoticeAudience.DATA_SUBJECTS,
                                             who="The 4 families", told_at=timezone.now(), how="Letter")
    assert notice.incident == incident and notice.recorded_by == dpo


def test_closing_needs_the_decision_the_report_and_the_lessons(dpo):
    incident = _incident(dpo)
    with pytest.raises(ValidationFailed) as exc:
        services.incident_close(actor=dpo, incident=incident, version=incident.version, lessons="")
    assert set(exc.value.errors) == {"decision", "lessons"}
    services.incident_decide(actor=dpo, incident=incident, version=incident.version,
                             decision=IcoDecision.DO_NOT_REPORT, reason="Recalled unread")
    services.incident_close(actor=dpo, incident=incident, version=incident.version,
                            lessons="Check the address book before sending")
    assert incident.status == IncidentStatus.CLOSED
    with pytest.raises(Conflict):
        services.incident_update(actor=dpo, incident=incident, version=incident.version, data=_input())


# Who may use it ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.MANAGER, Role.COORDINATOR, Role.SYSADMIN, Role.ANALYST])
def test_only_the_data_protection_officer_logs_incidents(make, role):
    user = make(f"{role}@example.test", role)
    with pytest.raises(NotPermitted):
        services.incident_record(actor=user, data=_input())


def test_a_dpo_of_another_council_cannot_see_or_change_an_incident(dpo, far_dpo, client_for):
    incident = _incident(dpo)
    with pytest.raises(NotPermitted):
        services.incident_decide(actor=far_dpo, incident=incident, version=incident.version,
                                 decision=IcoDecision.REPORT, reason="x")
    client = client_for(far_dpo)
    assert client.get(reverse("breaches:incident", args=[incident.pk])).status_code == 403
    assert incident.summary not in client.get(reverse("breaches:incidents")).content.decode()


def test_logging_and_deciding_are_audited(dpo):
    incident = _incident(dpo)
    services.incident_decide(actor=dpo, incident=incident, version=incident.version, decision=IcoDecision.REPORT,
                             reason="Risk")
    actions = list(AuditEvent.objects.filter(object_type="breaches.incident", object_id=str(incident.pk))
                   .order_by("id").values_list("action", flat=True))
    assert actions == [AuditAction.CREATE, AuditAction.UPDATE]


# The pages -----------------------------------------------------------------------------------------------------


def _date(prefix: str, value) -> dict:
    return {f"{prefix}-day": str(value.day), f"{prefix}-month": str(value.month), f"{prefix}-year": str(value.year)}


def test_logging_an_incident_through_the_form_starts_the_clock(dpo, client_for):
    client = client_for(dpo)
    discovered = timezone.localtime() - datetime.timedelta(hours=3)
    response = client.post(reverse("breaches:incident_new"), {
        "summary": "Plan left on a train", "what_happened": "A printed plan was left on the 08:10 to Oxford",
        **_date("discovered_at", discovered.date()), "discovered_at_time": f"{discovered:%H:%M}",
        "data_kinds": [DataKind.CHILDREN, DataKind.SAFEGUARDING], "people_count": "5", "people_count_estimated": "on",
    })
    incident = Incident.objects.get()
    assert response.status_code == 302 and response.url == reverse("breaches:incident", args=[incident.pk])
    assert incident.discovered_at == discovered.replace(second=0, microsecond=0)
    page = client.get(response.url).content.decode()
    assert "Plan left on a train" in page and "hours left" in page and "5 (estimate)" in page


def test_the_form_shows_what_is_missing_in_plain_english(dpo, client_for):
    response = client_for(dpo).post(reverse("breaches:incident_new"), {"discovered_at_time": "25:00",
                                                                  "family_ids": "12, abc"})
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert "Give the incident a short title" in page and "Say what happened" in page
    assert "Enter family record numbers only" in page
    assert "Enter the date it was discovered as well as the time" in page
    assert not Incident.objects.exists()


def test_a_time_the_clocks_skipped_is_refused(dpo, client_for):
    response = client_for(dpo).post(reverse("breaches:incident_new"), {
        "summary": "Lost phone", "what_happened": "Lost", **_date("discovered_at", datetime.date(2026, 3, 29)),
        "discovered_at_time": "1:30am", "data_kinds": [DataKind.NAMES_CONTACT]})
    assert "the clocks went forward at that time" in response.content.decode()
    assert not Incident.objects.exists()


def test_the_dashboard_lists_open_incidents_with_their_clocks(dpo, client_for):
    _incident(dpo, summary="Recent one")
    _incident(dpo, summary="Old one", discovered_at=timezone.now() - datetime.timedelta(hours=80))
    page = client_for(dpo).get(reverse("breaches:incidents")).content.decode()
    assert "Recent one" in page and "Old one" in page
    assert "Overdue by 8 hours" in page and "1 overdue" in page
    assert page.index("Old one") < page.index("Recent one")  # the most urgent first


def test_a_late_decision_page_warns_and_asks_why_and_the_incident_shows_it_was_late(dpo, client_for):
    incident = _incident(dpo, discovered_at=timezone.now() - datetime.timedelta(hours=90))
    client = client_for(dpo)
    url = reverse("breaches:incident_decide", args=[incident.pk])
    page = client.get(url).content.decode()
    assert "The 72 hours have passed" in page and "Why the decision was not made within 72 hours" in page
    response = client.post(url, {"decision": "do_not_report", "reason": "Recovered unread",
                                 "version": incident.version})
    assert "say why the decision was not made in time" in response.content.decode()
    response = client.post(url, {"decision": "do_not_report", "reason": "Recovered unread",
                                 "delay_reason": "Reported to us late by the school", "version": incident.version})
    assert response.status_code == 302
    page = client.get(reverse("breaches:incident", args=[incident.pk])).content.decode()
    assert "Decided late" in page and "Reported to us late by the school" in page
    assert "Late: 18 hours" in page


def test_a_second_users_stale_decision_keeps_their_text(dpo, client_for):
    incident = _incident(dpo)
    stale = incident.version
    services.incident_update(actor=dpo, incident=incident, version=stale, data=_input(containment="Recalled"))
    response = client_for(dpo).post(reverse("breaches:incident_decide", args=[incident.pk]), {
        "decision": "report", "reason": "My carefully written reason", "version": stale})
    page = response.content.decode()
    assert response.status_code == 200 and "Someone else changed this incident" in page
    assert "My carefully written reason" in page


def test_a_practitioner_gets_403_on_every_breach_log_page(practitioner, dpo, client_for):
    incident = _incident(dpo)
    client = client_for(practitioner)
    for name, args in [("dpo:home", []), ("breaches:incidents", []), ("breaches:incident_new", []),
                       ("breaches:incident", [incident.pk]), ("breaches:incident_decide", [incident.pk])]:
        assert client.get(reverse(name, args=args)).status_code == 403, name
    assert client.post(reverse("breaches:incident_close", args=[incident.pk]), {"lessons": "x", "version": 1}
                       ).status_code == 403


@pytest.mark.django_db
def test_the_incident_form_shows_where_to_find_a_familys_record_number(client_for, dpo):
    """The officer is not left to know record numbers: the form links to the data protection page's search (in a
    new tab, so the form keeps what was typed), whose results show each family's number."""
    page = client_for(dpo).get(reverse("breaches:incident_new")).content.decode()
    link = re.search(r'<p class="govuk-body" id="find-family-numbers">.*?<a class="govuk-link" href="([^"]+)"'
                     r' target="_blank"[^>]*>([^<]+)</a>', page, re.S)
    assert link is not None
    assert link.group(1) == reverse("dpo:home") + "#find-heading"
    assert link.group(2).endswith("(opens in new tab)")


def test_the_officer_links_a_family_found_by_search_from_the_incident_page(client_for, dpo, mum, family):
    incident = _incident(dpo)
    client = client_for(dpo)
    page = client.get(reverse("breaches:incident", args=[incident.pk])).content.decode()
    find = reverse("dpo:home") + f"?incident={incident.pk}#find-heading"
    assert f'id="find-family" href="{find}"' in page
    page = client.get(reverse("dpo:home"), {"incident": incident.pk, "family_name": "Testfamily"}).content.decode()
    assert "Finding the families involved in" in page and f'name="incident" value="{incident.pk}"' in page
    link = reverse("breaches:incident_link_family", args=[incident.pk, family.pk])
    assert f'action="{link}"' in page and f"Link to incident {incident.pk}" in page
    page = client.post(link, follow=True).content.decode()
    assert f"Family record {family.pk} is linked to incident {incident.pk}." in page
    assert list(Incident.objects.get(pk=incident.pk).families.values_list("pk", flat=True)) == [family.pk]
    event = AuditEvent.objects.filter(actor=dpo, action=AuditAction.UPDATE, object_id=str(incident.pk)).latest("pk")
    assert event.detail == {"family_linked": family.pk}
    page = client.post(link, follow=True).content.decode()
    assert "was already linked" in page


def test_a_family_or_an_incident_of_another_council_cannot_be_linked(client_for, dpo, far_dpo, family):
    incident = _incident(dpo)
    other = services.incident_record(actor=far_dpo, data=_input())
    # Another council's officer cannot reach this incident, nor this council's family from their own.
    assert client_for(far_dpo).post(reverse("breaches:incident_link_family",
                                            args=[incident.pk, family.pk])).status_code == 403
    with pytest.raises(ValidationFailed) as exc:
        services.incident_link_family(actor=far_dpo, incident=other, family_id=family.pk)
    assert exc.value.errors == {"family": f"There is no family record {family.pk} in your council"}
    # A search opened for another council's incident, or a made-up one, is the plain search.
    page = client_for(dpo).get(reverse("dpo:home"), {"incident": other.pk}).content.decode()
    assert "Finding the families involved" not in page
    assert "Finding the families involved" not in client_for(dpo).get(reverse("dpo:home"),
                                                                       {"incident": "x1"}).content.decode()
