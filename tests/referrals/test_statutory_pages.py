"""The pages between Early Help and statutory services, used the way a person would: stepping up to MASH and
the bundle MASH downloads, stepping down from social care, contacts with MASH at immediate risk, and the episode
page's panel of them."""

import datetime

import pytest
from django.db import connection
from django.template.loader import get_template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from hearth.accounts.models import Role, User
from hearth.assessments.models import Section
from hearth.audit.models import AuditAction, AuditEvent
from hearth.cases.models import Episode, EpisodeStatus
from hearth.jobs.models import ResultFile
from hearth.referrals import selectors, services, statutory
from hearth.referrals.models import ImmediateRiskContact, Referral, ReferralKind, StepDown
from tests.factories import AssessmentFactory
from tests.queue import run_jobs
from tests.referrals.factories import screening, screening_form

# ---------------------------------------------------------------------------------------------------
# Step up


@pytest.mark.django_db
def test_the_step_up_form_is_filled_in_from_the_latest_assessment_and_sends_the_referral(
        client_for, practitioner, family, child, episode):
    assessment = AssessmentFactory(episode=episode)
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
    referral = statutory.referral_step_up(actor=practitioner, episode=episode, concerns="x", consent_sought=True)
    response = client_for(screener).post(reverse("referrals:screen", args=[referral.pk]), screening_form(
        referral, level="4", decision="social_work_assessment", outcome_message="A social worker will assess."))
    assert response.status_code == 302
    episode.refresh_from_db()
    assert (episode.status, episode.level) == (EpisodeStatus.SOCIAL_WORK, 4)


@pytest.mark.django_db
def test_only_the_lead_can_open_the_step_up_page(client_for, other_practitioner, involve, family, episode):
    involve(family, other_practitioner)
    assert client_for(other_practitioner).get(reverse("referrals:step_up", args=[episode.pk])).status_code == 403


@pytest.mark.django_db
def test_the_screener_asks_for_the_bundle_and_downloads_it_from_its_page_when_made(client_for, practitioner,
                                                                                   screener, make, episode):
    referral = statutory.referral_step_up(actor=practitioner, episode=episode, concerns="x", consent_sought=True)
    client = client_for(screener)
    url = reverse("documents:step_up_bundle", args=[referral.pk])
    assert "Make the PDF" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302 and response["Location"].startswith("/jobs/")
    job_url = response["Location"]
    page = client.get(job_url).content.decode()
    assert "Waiting to start" in page and f"Download {referral.reference}" not in page

    assert run_jobs() == 1
    page = client.get(job_url).content.decode()
    assert f"Download {referral.reference}.pdf" in page and "Only you can download it" in page
    download = f"{job_url}/download"
    response = client.get(download)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == f'attachment; filename="{referral.reference}.pdf"'
    assert response["Cache-Control"] == "no-store"
    exports = AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="referrals.referral", actor=screener)
    assert [bool(e.detail.get("downloaded")) for e in exports.order_by("pk")] == [False, True]  # made, downloaded

    # Only the person who asked downloads it, and not once it has expired or their access has gone.
    other_screener = make("sue.screener@example.test", Role.MASH_SCREENER, kind="social_care", agency_name="MASH")
    assert client_for(other_screener).get(job_url).status_code == 404
    assert client_for(other_screener).get(download).status_code == 404
    assert client_for(practitioner).get(download).status_code == 404
    client = client_for(screener)
    ResultFile.objects.update(expires_at=timezone.now())
    assert client.get(download).status_code == 404
    assert "The file has been deleted" in client.get(job_url).content.decode()


@pytest.mark.django_db
def test_the_bundle_made_twice_is_kept_and_audited_once(client_for, practitioner, screener, episode):
    referral = statutory.referral_step_up(actor=practitioner, episode=episode, concerns="x", consent_sought=True)
    client_for(screener).post(reverse("documents:step_up_bundle", args=[referral.pk]))
    run_jobs()
    DBTaskResult.objects.update(status=TaskResultStatus.READY)  # the job runs again, as after a worker is killed
    run_jobs()
    assert ResultFile.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="referrals.referral").count() == 1


@pytest.mark.django_db
def test_the_bundle_is_refused_to_a_practitioner_not_leading_the_episode(client_for, practitioner, other_practitioner,
                                                                         involve, family, episode):
    referral = statutory.referral_step_up(actor=practitioner, episode=episode, concerns="x", consent_sought=True)
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
    fresh_user = User.objects.select_related("agency").get(pk=user.pk)
    with CaptureQueriesContext(connection) as ctx:
        panel = selectors.episode_panel(fresh_user, episode)
    return len(ctx.captured_queries), panel


@pytest.mark.django_db
def test_the_episode_panel_uses_the_same_number_of_queries_whatever_the_history(practitioner, screener, family,
                                                                               episode):
    fresh = Episode.objects.select_related("family").get(pk=episode.pk)
    small, _ = _count_panel(practitioner, fresh)
    for n in range(3):
        referral = statutory.referral_step_up(actor=practitioner, episode=episode, concerns=f"c{n}",
                                             consent_sought=True)
        services.referral_decide(actor=screener, referral=referral, version=1,
                                 screening=screening(level_reasons="r", outcome_message="m"))
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
