"""Pages, used the way a person would: forms posted, what they see, who is refused."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hearth.assessments.models import Assessment, Section
from hearth.cases.models import EpisodeOrigin, EpisodeStatus
from hearth.governance.models import AuditAction, AuditEvent
from hearth.referrals import selectors, services, statutory
from hearth.referrals.models import ImmediateRiskContact, Referral, ReferralKind, ReferralStatus, StepDown


def _screening_form(referral, **overrides) -> dict:
    data = {"version": referral.version, "level": "2", "level_reasons": "Two agencies needed.", "decision": "advice",
            "reason": "", "named_lead": "", "decision_notes": "", "outcome_message": "We have sent you advice."}
    data.update(overrides)
    return data


# ---------------------------------------------------------------------------------------------------
# A practitioner's request


@pytest.mark.django_db
def test_a_practitioner_sends_a_request_and_is_told_its_reference(client_for, practitioner, family):
    url = reverse("referrals:practitioner_new", args=[family.pk])
    client = client_for(practitioner)
    page = client.get(url).content.decode()
    assert practitioner.email in page and "Hill School" in page
    response = client.post(url, {"concerns": "Not attending school.", "tried_already": "", "hoped_for": "",
                                 "family_agrees": "yes", "agreement_method": "written",
                                 "agreement_given_by": "Their mother"}, follow=True)
    referral = Referral.objects.get()
    assert response.redirect_chain[-1][0] == reverse("families:family", args=[family.pk])
    assert referral.reference in response.content.decode()
    assert referral.family == family and referral.requester_agency == "Hill School"


@pytest.mark.django_db
def test_a_request_with_missing_answers_shows_the_errors_and_keeps_the_text(client_for, practitioner, family):
    response = client_for(practitioner).post(reverse("referrals:practitioner_new", args=[family.pk]), {
        "concerns": "Worried about the children.", "family_agrees": "yes"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "Say how the family gave their agreement" in body and "Enter who in the family gave" in body
    assert "Worried about the children." in body
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_a_request_for_a_family_with_an_open_episode_warns_and_refuses(client_for, practitioner, family, episode):
    client = client_for(practitioner)
    url = reverse("referrals:practitioner_new", args=[family.pk])
    assert "already has an open Early Help episode" in client.get(url).content.decode()
    response = client.post(url, {"concerns": "x", "family_agrees": "no"})
    assert "Contact its lead professional, Pat Practitioner" in response.content.decode()
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_a_practitioner_not_involved_cannot_open_the_request_page(client_for, other_practitioner, family):
    response = client_for(other_practitioner).get(reverse("referrals:practitioner_new", args=[family.pk]))
    assert response.status_code == 403


# ---------------------------------------------------------------------------------------------------
# The queue and access


@pytest.mark.django_db
def test_a_practitioner_cannot_see_the_queue(client_for, practitioner, practitioner_request):
    response = client_for(practitioner).get(reverse("referrals:queue"))
    assert response.status_code == 403
    assert practitioner_request.reference not in response.content.decode()


@pytest.mark.django_db
def test_another_councils_screener_cannot_see_the_referral(client_for, other_screener, practitioner_request):
    client = client_for(other_screener)
    response = client.get(reverse("referrals:detail", args=[practitioner_request.pk]))
    assert response.status_code == 403
    assert "Attendance" not in response.content.decode()
    assert practitioner_request.reference not in client.get(reverse("referrals:queue")).content.decode()
    assert client.get(reverse("referrals:screen", args=[practitioner_request.pk])).status_code == 403


@pytest.mark.django_db
def test_the_queue_lists_waiting_referrals_oldest_first_then_recent_decisions(client_for, screener, council,
                                                                             practitioner_request):
    from tests.referrals.factories import public_request

    older = services.referral_public_create(council=council, request=public_request())
    Referral.objects.filter(pk=older.pk).update(received_at=timezone.now() - datetime.timedelta(days=2))
    decided = services.referral_public_create(council=council, request=public_request(name="Decided Parent"))
    services.referral_decide(actor=screener, referral=decided, version=1, screening=services.Screening(
        level=1, level_reasons="Universal services", decision="advice", outcome_message="Advice sent."))
    body = client_for(screener).get(reverse("referrals:queue")).content.decode()
    waiting = body[body.index('id="awaiting"'):body.index('id="recent"')]
    assert waiting.index(older.reference) < waiting.index(practitioner_request.reference)
    assert decided.reference not in waiting
    assert decided.reference in body[body.index('id="recent"'):]
    assert "Decided Parent" not in body


@pytest.mark.django_db
def test_viewing_a_referral_is_audited(client_for, screener, family, practitioner_request):
    response = client_for(screener).get(reverse("referrals:detail", args=[practitioner_request.pk]))
    assert response.status_code == 200
    assert "Attendance has fallen to 70 per cent" in response.content.decode()
    assert AuditEvent.objects.filter(actor=screener, action=AuditAction.VIEW, object_type="referrals.referral",
                                     object_id=str(practitioner_request.pk), family_id=family.pk).exists()


@pytest.mark.django_db
def test_a_coordinator_may_screen_too(client_for, make, practitioner_request):
    coordinator = make("cora.coord@example.test", "coordinator")
    assert client_for(coordinator).get(reverse("referrals:detail", args=[practitioner_request.pk])).status_code == 200


# ---------------------------------------------------------------------------------------------------
# Screening


@pytest.mark.django_db
def test_the_screening_page_shows_the_councils_level_names_and_descriptions(client_for, screener, council,
                                                                           practitioner_request):
    body = client_for(screener).get(reverse("referrals:screen", args=[practitioner_request.pk])).content.decode()
    for level in council.levels:
        assert f"Level {level['number']}: {level['name']}" in body
    assert council.levels[0]["description"][:40] in body


@pytest.mark.django_db
def test_a_screener_decides_an_early_help_plan_and_the_episode_opens(client_for, screener, new_lead, family,
                                                                     practitioner_request):
    response = client_for(screener).post(
        reverse("referrals:screen", args=[practitioner_request.pk]),
        _screening_form(practitioner_request, decision="early_help_plan", level="3", reason="N4",
                        named_lead=new_lead.pk, outcome_message="An Early Help plan will start."), follow=True)
    assert response.redirect_chain[-1][0] == reverse("referrals:queue")
    assert "an early help plan is needed" in response.content.decode()
    referral = Referral.objects.get()
    assert referral.status == ReferralStatus.DECIDED
    assert referral.episode.lead_professional == new_lead and referral.episode.origin == EpisodeOrigin.REQUEST
    assert mail.outbox[0].to == [referral.requester_email]


@pytest.mark.django_db
def test_an_early_help_plan_for_a_family_already_open_shows_the_conflict_on_the_form(
        client_for, screener, new_lead, family, practitioner, practitioner_request):
    from hearth.cases import services as cases

    cases.episode_open(actor=practitioner, family=family, reason="N4", level=2, lead=practitioner)
    response = client_for(screener).post(
        reverse("referrals:screen", args=[practitioner_request.pk]),
        _screening_form(practitioner_request, decision="early_help_plan", reason="N4", named_lead=new_lead.pk,
                        outcome_message="Kept text of the message."))
    body = response.content.decode()
    assert response.status_code == 200
    assert "already has an open Early Help episode" in body and "Pat Practitioner (Hill School)" in body
    assert "Kept text of the message." in body
    assert Referral.objects.get().status == ReferralStatus.AWAITING_SCREENING


@pytest.mark.django_db
def test_a_decision_without_reasons_shows_the_error(client_for, screener, practitioner_request):
    response = client_for(screener).post(reverse("referrals:screen", args=[practitioner_request.pk]),
                                         _screening_form(practitioner_request, level_reasons=""))
    assert "Give the reasons for the level of need" in response.content.decode()
    assert Referral.objects.get().status == ReferralStatus.AWAITING_SCREENING


@pytest.mark.django_db
def test_a_phone_only_request_asks_the_screener_to_confirm_the_call(client_for, screener, phone_only_referral):
    client = client_for(screener)
    url = reverse("referrals:screen", args=[phone_only_referral.pk])
    assert "I have told them the outcome by phone" in client.get(url).content.decode()
    response = client.post(url, _screening_form(phone_only_referral))
    assert "Phone them to tell them the outcome" in response.content.decode()
    response = client.post(url, _screening_form(phone_only_referral, told_by_phone="on"))
    assert response.status_code == 302
    assert Referral.objects.get().outcome_told_how == "phone"


@pytest.mark.django_db
def test_screening_a_decided_referral_again_is_refused(client_for, screener, practitioner_request):
    client = client_for(screener)
    url = reverse("referrals:screen", args=[practitioner_request.pk])
    client.post(url, _screening_form(practitioner_request))
    response = client.post(url, _screening_form(practitioner_request, version=2, decision="emergency"))
    assert "already been screened" in response.content.decode()
    assert Referral.objects.get().decision == "advice"
    assert client.get(url).status_code == 302


# ---------------------------------------------------------------------------------------------------
# Linking a public request


@pytest.mark.django_db
def test_a_screener_creates_a_family_from_a_public_request(client_for, screener, public_referral):
    response = client_for(screener).post(reverse("referrals:link", args=[public_referral.pk]), {
        "action": "new", "version": "1", "name": "The Sample family", "role": "parent_pr", "given_name": "Jo",
        "family_name": "Sample", "date_of_birth-day": "27", "date_of_birth-month": "3", "date_of_birth-year": "1990"})
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:screen", args=[public_referral.pk])
    referral = Referral.objects.get()
    assert referral.family.name == "The Sample family"


@pytest.mark.django_db
def test_a_screener_searches_and_links_to_a_family_they_can_see(client_for, screener, involve, family, child,
                                                                public_referral):
    from hearth.access.models import InvolvedAs

    involve(family, screener, InvolvedAs.MASH)
    client = client_for(screener)
    url = reverse("referrals:link", args=[public_referral.pk])
    body = client.get(url, {"given_name": "Max", "family_name": "Testfamily"}).content.decode()
    assert f"Link to {family.name}" in body
    response = client.post(url, {"action": "existing", "version": "1", "family_id": str(family.pk)})
    assert response.status_code == 302
    assert Referral.objects.get().family == family


@pytest.mark.django_db
def test_linking_to_a_family_the_screener_cannot_see_is_refused_on_the_page(client_for, screener, family,
                                                                           public_referral):
    response = client_for(screener).post(reverse("referrals:link", args=[public_referral.pk]),
                                         {"action": "existing", "version": "1", "family_id": str(family.pk)})
    assert response.status_code == 200
    assert "You do not have access to this record" in response.content.decode()
    assert Referral.objects.get().family is None


@pytest.mark.django_db
def test_search_shows_who_leads_a_family_the_screener_cannot_see(client_for, screener, family, child, episode,
                                                                 public_referral):
    body = client_for(screener).get(reverse("referrals:link", args=[public_referral.pk]),
                                    {"given_name": "Max", "family_name": "Testfamily"}).content.decode()
    assert "A record you cannot see" in body and "Pat Practitioner, Hill School" in body
    assert f"Link to {family.name}" not in body


# ---------------------------------------------------------------------------------------------------
# Step up


@pytest.mark.django_db
def test_the_step_up_form_is_filled_in_from_the_latest_assessment_and_sends_the_referral(
        client_for, practitioner, family, child, episode):
    assessment = Assessment.objects.create(episode=episode, family=family, started_by=practitioner)
    Section.objects.create(assessment=assessment, key="needs", facts="Rent arrears; Max missing school.",
                           opinions="Mum is overwhelmed.")
    client = client_for(practitioner)
    url = reverse("referrals:step_up", args=[episode.pk])
    body = client.get(url).content.decode()
    assert "Rent arrears; Max missing school." in body and "Opinion: Mum is overwhelmed." in body
    assert "Max Testfamily" in body and "Level 2: Vulnerable" in body
    response = client.post(url, {"concerns": "Rent arrears; bruising seen.", "tried_already": "", "hoped_for": "",
                                 "consent_sought": "no", "consent_not_sought_reason": ""})
    assert "Say why consent was not sought" in response.content.decode()
    response = client.post(url, {"concerns": "Rent arrears; bruising seen.", "tried_already": "", "hoped_for": "",
                                 "consent_sought": "no",
                                 "consent_not_sought_reason": "Seeking it would increase the risk to Max."})
    assert response.status_code == 302 and response["Location"] == reverse("cases:episode", args=[episode.pk])
    referral = Referral.objects.get()
    assert referral.kind == ReferralKind.STEP_UP
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.STEPPED_UP


@pytest.mark.django_db
def test_mash_screens_a_step_up_on_the_same_page(client_for, practitioner, screener, episode):
    referral = services.referral_step_up(actor=practitioner, episode=episode, concerns="x", consent_sought=True)
    response = client_for(screener).post(reverse("referrals:screen", args=[referral.pk]), _screening_form(
        referral, level="4", decision="social_work_assessment", outcome_message="A social worker will assess."))
    assert response.status_code == 302
    episode.refresh_from_db()
    assert (episode.status, episode.level) == (EpisodeStatus.SOCIAL_WORK, 4)


@pytest.mark.django_db
def test_only_the_lead_can_open_the_step_up_page(client_for, other_practitioner, involve, family, episode):
    involve(family, other_practitioner)
    assert client_for(other_practitioner).get(reverse("referrals:step_up", args=[episode.pk])).status_code == 403


@pytest.mark.django_db
def test_the_screener_downloads_the_bundle_as_a_pdf_named_by_the_referral(client_for, practitioner, screener, episode):
    referral = services.referral_step_up(actor=practitioner, episode=episode, concerns="x", consent_sought=True)
    response = client_for(screener).get(reverse("documents:step_up_bundle", args=[referral.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == f'attachment; filename="{referral.reference}.pdf"'
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_the_bundle_is_refused_to_a_practitioner_not_leading_the_episode(client_for, practitioner, other_practitioner,
                                                                         involve, family, episode):
    referral = services.referral_step_up(actor=practitioner, episode=episode, concerns="x", consent_sought=True)
    involve(family, other_practitioner)
    response = client_for(other_practitioner).get(reverse("documents:step_up_bundle", args=[referral.pk]))
    assert response.status_code == 403


# ---------------------------------------------------------------------------------------------------
# Step down


def _step_down_form(lead, **overrides) -> dict:
    today = timezone.localdate()
    data = {"new_lead": str(lead.pk), "level": "3", "reason": "N1", "cin_plan_ended_on-day": str(today.day),
            "cin_plan_ended_on-month": str(today.month), "cin_plan_ended_on-year": str(today.year),
            "single_assessment": "The single assessment.", "cin_plan": "The Child in Need plan."}
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_a_social_worker_steps_a_family_down(client_for, social_worker, new_lead, family):
    response = client_for(social_worker).post(reverse("referrals:step_down", args=[family.pk]),
                                              _step_down_form(new_lead))
    step_down = StepDown.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:episode", args=[step_down.episode_id])
    assert step_down.episode.status == EpisodeStatus.PLAN


@pytest.mark.django_db
def test_a_step_down_to_level_four_is_refused_on_the_form(client_for, social_worker, new_lead, family):
    response = client_for(social_worker).post(reverse("referrals:step_down", args=[family.pk]),
                                              _step_down_form(new_lead, level="4", single_assessment="Kept text."))
    body = response.content.decode()
    assert "Choose a level from 1 to 3" in body and "Kept text." in body
    assert not StepDown.objects.exists()


@pytest.mark.django_db
def test_a_step_down_while_an_episode_is_open_names_the_lead(client_for, social_worker, new_lead, family, episode):
    client = client_for(social_worker)
    url = reverse("referrals:step_down", args=[family.pk])
    assert "led by Pat Practitioner" in client.get(url).content.decode()
    response = client.post(url, _step_down_form(new_lead))
    assert "Contact its lead professional, Pat Practitioner" in response.content.decode()


@pytest.mark.django_db
def test_a_practitioner_cannot_open_the_step_down_page(client_for, practitioner, family):
    assert client_for(practitioner).get(reverse("referrals:step_down", args=[family.pk])).status_code == 403


# ---------------------------------------------------------------------------------------------------
# Immediate risk


@pytest.mark.django_db
def test_the_mash_contact_page_shows_the_number_and_guidance_and_works_with_no_episode(client_for, practitioner,
                                                                                      council, family):
    council.contacts = {**council.contacts, "mash_phone": "0345 050 7666"}
    council.save()
    client = client_for(practitioner)
    url = reverse("referrals:mash_contact", args=[family.pk])
    body = client.get(url).content.decode()
    assert "0345 050 7666" in body
    assert "frightened to return home" in body
    assert body.index("0345 050 7666") < body.index('name="concern"')
    now = timezone.localtime()
    response = client.post(url, {"contacted_on-day": str(now.day), "contacted_on-month": str(now.month),
                                 "contacted_on-year": str(now.year), "contacted_time": "12:00am", "method": "phone",
                                 "spoke_to": "Duty social worker", "concern": "Child frightened to go home.",
                                 "advice": "Police to visit.", "mash_reference": "M-42"}, follow=True)
    body = response.content.decode()
    assert "Your contact with MASH has been recorded" in body
    assert "Child frightened to go home." in body and "M-42" in body
    contact = ImmediateRiskContact.objects.get()
    assert timezone.localtime(contact.contacted_at).time() == datetime.time(0, 0)


@pytest.mark.django_db
def test_the_mash_contacts_are_listed_most_recent_first(client_for, practitioner, family):
    for hours, concern in ((5, "Earlier concern"), (1, "Later concern")):
        statutory.mash_contact_record(actor=practitioner, family=family, method="phone", concern=concern,
                                     contacted_at=timezone.now() - datetime.timedelta(hours=hours))
    body = client_for(practitioner).get(reverse("referrals:mash_contact", args=[family.pk])).content.decode()
    assert body.index("Later concern") < body.index("Earlier concern")


@pytest.mark.django_db
def test_a_mash_contact_with_a_bad_time_shows_the_error(client_for, practitioner, family):
    today = timezone.localdate()
    response = client_for(practitioner).post(reverse("referrals:mash_contact", args=[family.pk]), {
        "contacted_on-day": str(today.day), "contacted_on-month": str(today.month),
        "contacted_on-year": str(today.year), "contacted_time": "25:99", "method": "phone", "concern": "Kept."})
    assert "Enter a real time" in response.content.decode()
    assert not ImmediateRiskContact.objects.exists()


@pytest.mark.django_db
def test_someone_who_cannot_see_the_family_cannot_record_a_mash_contact(client_for, other_practitioner, family):
    assert client_for(other_practitioner).get(reverse("referrals:mash_contact", args=[family.pk])).status_code == 403


# ---------------------------------------------------------------------------------------------------
# The episode panel


def _count_panel(user, episode) -> tuple[int, dict]:
    from hearth.accounts.models import User

    fresh_user = User.objects.select_related("agency").get(pk=user.pk)
    with CaptureQueriesContext(connection) as ctx:
        panel = selectors.episode_panel(fresh_user, episode)
    return len(ctx.captured_queries), panel


@pytest.mark.django_db
def test_the_episode_panel_uses_the_same_number_of_queries_whatever_the_history(practitioner, screener, family,
                                                                               episode):
    from hearth.cases.models import Episode

    fresh = Episode.objects.select_related("family").get(pk=episode.pk)
    small, _ = _count_panel(practitioner, fresh)
    for n in range(3):
        referral = services.referral_step_up(actor=practitioner, episode=episode, concerns=f"c{n}",
                                             consent_sought=True)
        services.referral_decide(actor=screener, referral=referral, version=1, screening=services.Screening(
            level=2, level_reasons="r", decision="advice", outcome_message="m"))
    for n in range(6):
        statutory.mash_contact_record(actor=practitioner, family=family, method="phone", concern=f"c{n}",
                                     contacted_at=timezone.now() - datetime.timedelta(hours=n))
    fresh = Episode.objects.select_related("family").get(pk=episode.pk)
    large, panel = _count_panel(practitioner, fresh)
    assert small == large
    assert len(panel["referrals"]) == 3 and len(panel["contacts"]) == 3
    assert panel["can_step_up"] is True


@pytest.mark.django_db
def test_the_episode_panel_renders_the_step_down_history(client_for, social_worker, new_lead, family, council):
    from django.template.loader import get_template
    from django.test import RequestFactory

    step_down = statutory.step_down_record(
        actor=social_worker, family=family, new_lead=new_lead, level=2, reason="N1",
        cin_plan_ended_on=datetime.date(2026, 1, 5), single_assessment="SA", cin_plan="Plan")
    request = RequestFactory().get("/")
    request.user = new_lead
    panel = selectors.episode_panel(new_lead, step_down.episode)
    html = get_template("referrals/_episode_panel.html").render(
        {"panel": panel, "episode": step_down.episode, "council": council}, request)
    assert "Stepped down from social care" in html and "5 January 2026" in html
    assert "Sue Social" in html and "Level 2: Vulnerable" in html

