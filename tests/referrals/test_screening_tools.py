"""Screening tools sent to MASH with a step-up (Gloucestershire's guidance: "tools completed which provide evidence of
an increase in the level of risk (e.g CSE Screening Tool, Neglect Toolkit, Disability screening tool)"): the step-up
service keeps them, audited with the referral, and refuses one partly filled in or completed in the future, naming
the tool."""

import datetime
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from hearth.audit.models import AuditAction, AuditEvent
from hearth.cases.models import EpisodeStatus
from hearth.core.errors import ValidationFailed
from hearth.referrals import statutory
from hearth.referrals.models import Referral, ScreeningTool, ScreeningToolKind
from hearth.referrals.statutory import ScreeningToolEntry
from hearth.sharing.models import Disclosure
from tests.assertions import assert_says

pytestmark = pytest.mark.django_db


def _days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def _step_up(actor, episode, tools):
    return statutory.referral_step_up(actor=actor, episode=episode, concerns="Bruising seen twice this month.",
                                      consent_sought=True, screening_tools=tools)


def test_the_tools_are_kept_in_order_with_the_referral_and_each_is_audited(practitioner, family, episode):
    referral = _step_up(practitioner, episode, [
        ScreeningToolEntry(tool=ScreeningToolKind.NEGLECT, completed_on=_days_ago(3),
                           completed_by="Ann Other (Health visiting)", findings="Neglect of care and supervision."),
        ScreeningToolEntry(),  # a group left empty on the page is no tool
        ScreeningToolEntry(tool=ScreeningToolKind.OTHER, other_name="Graded Care Profile 2",
                           completed_on=_days_ago(10), findings="  Scores of 4 for safety.  "),
    ])
    tools = list(ScreeningTool.objects.filter(referral=referral))
    assert [(t.position, t.name, t.completed_by, t.findings) for t in tools] == [
        (1, "Neglect Toolkit", "Ann Other (Health visiting)", "Neglect of care and supervision."),
        # Who completed it, left blank, is the practitioner who sent the referral.
        (2, "Graded Care Profile 2", "Pat Practitioner (Hill School)", "Scores of 4 for safety."),
    ]
    created = AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="referrals.screeningtool")
    assert sorted((e.object_id, e.family_id, e.detail["referral"]) for e in created) == sorted(
        (str(t.pk), family.pk, referral.pk) for t in tools)
    step_up = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="referrals.referral")
    assert step_up.detail["screening_tools"] == [t.pk for t in tools]
    # Nothing about the family in the audit rows: identifiers and the kind of tool only.
    assert not any("Neglect of care" in str(e.detail) or "Ann Other" in str(e.detail) for e in created)
    assert "the screening tools completed" in Disclosure.objects.get(family=family).what


def test_a_step_up_with_no_tools_keeps_none_and_says_nothing_of_them(practitioner, family, episode):
    referral = _step_up(practitioner, episode, [ScreeningToolEntry(), ScreeningToolEntry()])
    assert not ScreeningTool.objects.filter(referral=referral).exists()
    assert "screening tools" not in Disclosure.objects.get(family=family).what


def test_a_tool_partly_filled_in_is_refused_naming_the_tool_and_nothing_is_sent(practitioner, episode):
    with pytest.raises(ValidationFailed) as caught:
        _step_up(practitioner, episode, [
            ScreeningToolEntry(tool=ScreeningToolKind.CSE, completed_on=_days_ago(1), findings="Older boyfriend."),
            ScreeningToolEntry(tool=ScreeningToolKind.NEGLECT),
        ])
    assert caught.value.errors == {
        "screening_2_completed_on": "Enter the date the Neglect Toolkit was completed",
        "screening_2_findings": "Describe what the Neglect Toolkit found",
    }
    assert not Referral.objects.exists() and not ScreeningTool.objects.exists()
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.ASSESSMENT


def test_a_tool_completed_in_the_future_is_refused(practitioner, episode):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationFailed) as caught:
        _step_up(practitioner, episode, [ScreeningToolEntry(tool=ScreeningToolKind.DISABILITY, completed_on=tomorrow,
                                                            findings="Needs not met at home.")])
    assert caught.value.errors == {
        "screening_1_completed_on": "The date the disability screening tool was completed must be today or in the past"}
    # Completed today is fine.
    _step_up(practitioner, episode, [ScreeningToolEntry(tool=ScreeningToolKind.DISABILITY,
                                                        completed_on=timezone.localdate(),
                                                        findings="Needs not met at home.")])
    assert ScreeningTool.objects.count() == 1


def test_answers_without_a_tool_or_an_other_tool_without_its_name_are_refused():
    problems = statutory.screening_tool_problems([
        ScreeningToolEntry(findings="Something found", completed_on=_days_ago(2)),
        ScreeningToolEntry(tool=ScreeningToolKind.OTHER, completed_on=_days_ago(2), findings="Found"),
        ScreeningToolEntry(tool="made_up", completed_on=_days_ago(2), findings="Found"),
        ScreeningToolEntry(tool=ScreeningToolKind.NEGLECT, completed_on=_days_ago(2), findings="x" * 1_001,
                           completed_by="y" * 201),
    ])
    assert problems == {
        "screening_1_tool": "Choose which tool was completed for screening tool 1",
        "screening_2_other_name": "Enter the name of the other screening tool",
        "screening_3_tool": "Choose which tool was completed for screening tool 3",
        "screening_4_completed_by": "Who completed the Neglect Toolkit must be 200 characters or fewer",
        "screening_4_findings": "What the Neglect Toolkit found must be 1,000 characters or fewer",
    }
    assert statutory.screening_tool_problems([ScreeningToolEntry(), ScreeningToolEntry(completed_by="  ")]) == {}


# ---------------------------------------------------------------------------------------------------
# Through the step-up page, as a practitioner and a MASH screener use it

_SUMMARY = re.compile(r'<div class="govuk-error-summary".*?</ul>', re.S)
_LINK = re.compile(r'<a href="([^"]+)">(.*?)</a>', re.S)


def _summary(response) -> list[tuple[str, str]]:
    """The error summary's links as (href, text), in the order shown."""
    assert response.status_code == 200
    found = _SUMMARY.search(response.content.decode())
    assert found, "no error summary on the page"
    return [(href, unescape(text).strip()) for href, text in _LINK.findall(found.group(0))]


def _date(prefix: str, value: datetime.date) -> dict:
    return {f"{prefix}-day": str(value.day), f"{prefix}-month": str(value.month), f"{prefix}-year": str(value.year)}


def _form(**overrides) -> dict:
    data = {"concerns": "Bruising seen twice this month.", "tried_already": "", "hoped_for": "",
            "consent_sought": "yes", "consent_not_sought_reason": ""}
    data.update(overrides)
    return data


def test_the_practitioner_adds_screening_tools_and_mash_sees_them_on_the_referral(client_for, practitioner,
                                                                                  screener, episode):
    client = client_for(practitioner)
    url = reverse("referrals:step_up", args=[episode.pk])
    page = client.get(url).content.decode()
    assert_says(page, "Screening tools completed", "Screening tool 1", "Screening tool 2", "Screening tool 3",
                "Child sexual exploitation (CSE) screening tool", "Neglect Toolkit", "Disability screening tool",
                "Leave blank if you completed it")
    assert 'name="screening_1_completed_on-day"' in page and 'maxlength="1000"' in page  # date input, count
    response = client.post(url, _form(
        screening_1_tool="cse", **_date("screening_1_completed_on", _days_ago(4)),
        screening_1_completed_by="Sam School (Hill School DSL)",
        screening_1_findings="Older boyfriend picks her up from school.",
        screening_3_tool="other", screening_3_other_name="Graded Care Profile 2",
        **_date("screening_3_completed_on", _days_ago(12)), screening_3_findings="Safety scored 4."))
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert [t.name for t in referral.screening_tools.order_by("position")] == [
        "Child sexual exploitation (CSE) screening tool", "Graded Care Profile 2"]

    detail = client_for(screener).get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    viewed = AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="referrals.referral", actor=screener)
    assert viewed.get().detail["screening_tools"] == [t.pk for t in referral.screening_tools.order_by("position")]
    tools = detail[detail.index('id="screening-tools"'):]
    assert_says(tools, "Child sexual exploitation (CSE) screening tool", f"{_days_ago(4):%-d %B %Y}",
                "Sam School (Hill School DSL)", "Older boyfriend picks her up from school.", "Graded Care Profile 2",
                "Pat Practitioner (Hill School)", "Safety scored 4.")


def test_a_step_up_without_tools_says_so_on_the_referral(client_for, practitioner, screener, episode):
    referral = statutory.referral_step_up(actor=practitioner, episode=episode, concerns="x", consent_sought=True)
    detail = client_for(screener).get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "No screening tools were recorded with this referral." in detail


def test_a_tool_partly_filled_in_gets_its_errors_in_the_summary_and_keeps_what_was_typed(client_for, practitioner,
                                                                                       episode):
    response = client_for(practitioner).post(reverse("referrals:step_up", args=[episode.pk]), _form(
        screening_2_tool="neglect", screening_2_completed_by="Lee Nurse"))
    assert _summary(response) == [
        ("#id_screening_2_completed_on-day", "Enter the date the Neglect Toolkit was completed"),
        ("#id_screening_2_findings", "Describe what the Neglect Toolkit found"),
    ]
    page = response.content.decode()
    assert 'id="id_screening_2_completed_on-day"' in page and 'id="id_screening_2_findings"' in page
    assert 'value="Lee Nurse"' in page
    assert not Referral.objects.exists()


def test_the_form_s_own_errors_and_the_tools_problems_show_together_on_the_first_submit(client_for, practitioner,
                                                                                      episode):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client_for(practitioner).post(reverse("referrals:step_up", args=[episode.pk]), _form(
        concerns="",
        screening_1_tool="neglect", **_date("screening_1_completed_on", tomorrow), screening_1_findings="Found.",
        screening_2_tool="disability", **{"screening_2_completed_on-day": "31", "screening_2_completed_on-month": "2",
                                          "screening_2_completed_on-year": "2026"},
        screening_2_findings="Found too.",
        screening_3_other_name="A tool of the school's", screening_3_findings="x" * 1_001))
    assert _summary(response) == [
        ("#id_concerns", "Describe why you are referring the family to MASH"),
        ("#id_screening_1_completed_on-day", "The date the Neglect Toolkit was completed must be today or in the past"),
        ("#id_screening_2_completed_on-day",
         "The date the disability screening tool was completed must be a real date"),
        ("#id_screening_3_tool", "Choose which tool was completed for screening tool 3"),
        ("#id_screening_3_completed_on-day", "Enter the date the screening tool was completed"),
        ("#id_screening_3_findings", "What the screening tool found must be 1,000 characters or fewer"),
    ]
    assert not Referral.objects.exists()
