import html

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from conftest import cover
from hearth.accounts.models import AgencyKind, Role
from hearth.assessments import selectors, services
from hearth.assessments.models import Assessment, AssessmentStatus, ContributionStatus, SectionKey, ViewMethod
from tests.assessments.conftest import invite
from tests.queue import run_jobs

pytestmark = pytest.mark.django_db


def _page(response) -> str:
    return html.unescape(response.content.decode())


def _url(name, **kwargs):
    return reverse(f"assessments:{name}", kwargs=kwargs)


# --- start ------------------------------------------------------------------------------------------


def test_starting_from_the_page_opens_the_assessment_with_every_part_in_the_guidance_order(
        client_for, practitioner, episode):
    client = client_for(practitioner)
    assert "Start the assessment" in _page(client.get(_url("start", episode_id=episode.pk)))
    response = client.post(_url("start", episode_id=episode.pk))
    assessment = Assessment.objects.get(episode=episode)
    assert response.status_code == 302 and response.url == _url("assessment", assessment_id=assessment.pk)
    body = _page(client.get(response.url))
    order = ["1. Family background and reason for the assessment", "2. Parents' and carers' view",
             "3. Outcome scores", "4. Each child's view", "5. Professional views",
             "6. Summary, plan and next steps", "Summary: strengths", "Summary: needs",
             "How will we know we've been successful?"]
    positions = [body.index(heading) for heading in order]
    assert positions == sorted(positions)
    assert "Max Testfamily" in body and "Ruby Testfamily" in body
    assert "Facts (what has happened, what people said)" in body
    assert "Views and professional judgement" in body
    assert "The Early Help Assessment has been started." in body


def test_a_second_start_shows_who_holds_the_assessment(client_for, practitioner, episode, assessment):
    response = client_for(practitioner).post(_url("start", episode_id=episode.pk))
    body = _page(response)
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "Contact its lead professional, Pat Practitioner (Hill School)" in body
    assert Assessment.objects.filter(family=episode.family).count() == 1


def test_a_practitioner_not_working_with_the_family_cannot_see_the_assessment(client_for, other_practitioner,
                                                                            assessment):
    response = client_for(other_practitioner).get(_url("assessment", assessment_id=assessment.pk))
    assert response.status_code == 403
    assert "Testfamily" not in _page(response)


# --- sections -----------------------------------------------------------------------------------------


def test_a_section_is_edited_with_two_labelled_boxes_and_saved_explicitly(client_for, practitioner, assessment):
    client = client_for(practitioner)
    url = _url("section", assessment_id=assessment.pk, key="background")
    body = _page(client.get(url))
    assert '<label class="govuk-label govuk-label--s" for="id_facts">' in body
    assert "Facts (what has happened, what people said)" in body
    assert "Views and professional judgement" in body
    assert 'type="hidden" name="version" value="1"' in body
    assert "Save\n</button>" in body
    response = client.post(url, {"facts": "School raised attendance.", "opinions": "Mum is overwhelmed.",
                                 "version": "1"})
    assert response.status_code == 302
    page = _page(client.get(_url("assessment", assessment_id=assessment.pk)))
    assert "School raised attendance." in page and "Mum is overwhelmed." in page
    assert "'Family background and reason for the assessment' has been saved." in page
    # Facts and views are shown apart, each with its own tag.
    assert '<strong class="govuk-tag govuk-tag--blue">Fact</strong>' in page
    assert '<strong class="govuk-tag govuk-tag--purple">Opinion</strong>' in page


def test_a_conflicting_save_shows_their_text_and_keeps_mine_with_the_new_version(client_for, practitioner,
                                                                                assessment, make, family, involve):
    colleague = make("cat.colleague@example.test", Role.PRACTITIONER)
    involve(family, colleague)
    section = assessment.sections.get(key=SectionKey.NEEDS)
    services.section_save(actor=colleague, section=section, version=1, facts="Their facts about housing",
                          opinions="Their view: rent arrears are the worry")
    client = client_for(practitioner)
    url = _url("section", assessment_id=assessment.pk, key="needs")
    response = client.post(url, {"facts": "My facts about school", "opinions": "My view: routines", "version": "1"})
    body = _page(response)
    assert response.status_code == 200
    assert "Someone else saved this section while you were editing" in body
    assert "What Cat Colleague saved" in body
    assert "Their facts about housing" in body and "Their view: rent arrears are the worry" in body
    assert ">My facts about school</textarea>" in body and ">My view: routines</textarea>" in body
    assert 'type="hidden" name="version" value="2"' in body
    section.refresh_from_db()
    assert section.facts == "Their facts about housing"
    # The user merges and saves again.
    response = client.post(url, {"facts": "Their facts about housing\nMy facts about school",
                                 "opinions": "Both", "version": "2"})
    assert response.status_code == 302
    section.refresh_from_db()
    assert section.facts == "Their facts about housing\nMy facts about school" and section.version == 3


def test_a_completed_assessment_cannot_be_edited_and_says_so_plainly(client_for, practitioner, completed):
    client = client_for(practitioner)
    url = _url("section", assessment_id=completed.pk, key="needs")
    body = _page(client.get(url))
    assert "This assessment is completed. Start a new version to make changes." in body
    assert "<textarea" not in body
    response = client.post(url, {"facts": "Late words I typed", "opinions": "", "version": "1"})
    body = _page(response)
    assert response.status_code == 200
    assert "This assessment is completed. Start a new version to make changes." in body
    assert "Late words I typed" in body  # the text is not lost
    assert completed.sections.get(key="needs").facts == ""


def test_an_unknown_section_is_not_found(client_for, practitioner, assessment):
    response = client_for(practitioner).get(_url("section", assessment_id=assessment.pk, key="nonsense"))
    assert response.status_code == 404


def test_a_contributor_cannot_open_a_section_for_editing(client_for, practitioner, assessment, health_visitor):
    invite(practitioner, assessment, health_visitor)
    client = client_for(health_visitor)
    # An invited contributor reaches only their own part: not the assessment, not the family's record.
    assert client.get(_url("assessment", assessment_id=assessment.pk)).status_code == 403
    assert client.get(f"/families/{assessment.family_id}").status_code == 403
    response = client.post(_url("section", assessment_id=assessment.pk, key="background"),
                           {"facts": "x", "opinions": "", "version": "1"})
    assert response.status_code == 403
    assert assessment.sections.get(key="background").facts == ""


# --- children's views ------------------------------------------------------------------------------


def test_a_childs_view_page_offers_the_tools_and_saves(client_for, practitioner, assessment, members):
    view = assessment.child_views.get(child=members["max"])
    client = client_for(practitioner)
    url = _url("child_view", assessment_id=assessment.pk, child_view_id=view.pk)
    body = _page(client.get(url))
    for label in ("Three Houses", "Wizards and Fairies", "Wishes and Feelings", "Why Worry", "Observation",
                  "Direct conversation"):
        assert label in body
    assert "In the child's own words (or what they showed or drew)" in body
    assert "What the practitioner makes of it" in body
    response = client.post(url, {"method": ViewMethod.THREE_HOUSES, "in_their_words": "Drew a house of worries",
                                 "worker_reflection": "Worried about mum", "version": "1"})
    assert response.status_code == 302
    page = _page(client.get(_url("assessment", assessment_id=assessment.pk)))
    assert "How their view was gathered: Three Houses." in page
    assert "Drew a house of worries" in page and "Worried about mum" in page


def test_a_childs_words_without_how_they_were_gathered_show_an_error(client_for, practitioner, assessment):
    view = assessment.child_views.first()
    response = client_for(practitioner).post(
        _url("child_view", assessment_id=assessment.pk, child_view_id=view.pk),
        {"in_their_words": "Happy at school", "worker_reflection": "", "version": "1"})
    body = _page(response)
    assert "There is a problem" in body and "Choose how the child's view was gathered" in body
    assert "Happy at school" in body


def test_a_childs_view_conflict_shows_both_texts(client_for, practitioner, assessment):
    view = assessment.child_views.first()
    services.child_view_save(actor=practitioner, child_view=view, version=1, method=ViewMethod.OBSERVATION,
                             in_their_words="Saved first", worker_reflection="")
    response = client_for(practitioner).post(
        _url("child_view", assessment_id=assessment.pk, child_view_id=view.pk),
        {"method": ViewMethod.CONVERSATION, "in_their_words": "Typed second", "worker_reflection": "", "version": "1"})
    body = _page(response)
    assert "Someone else saved this child's view while you were editing" in body
    assert "Saved first" in body and ">Typed second</textarea>" in body
    assert 'type="hidden" name="version" value="2"' in body


# --- professional views -----------------------------------------------------------------------------


def test_inviting_lists_only_other_agencies_and_sends_the_email(client_for, practitioner, assessment,
                                                                health_visitor, make):
    make("sam.same@example.test", Role.PRACTITIONER, kind=AgencyKind.SCHOOL, agency_name="Hill School")
    client = client_for(practitioner)
    url = _url("invite", assessment_id=assessment.pk)
    body = _page(client.get(url))
    assert "Hana Visitor, Oxfordshire Health Visiting" in body
    assert "Sam Same" not in body
    response = client.post(url, {"invitee": str(health_visitor.pk), "request_note": "Growth checks"})
    assert response.status_code == 302
    run_jobs()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["hana.visitor@example.test"]
    page = _page(client.get(_url("assessment", assessment_id=assessment.pk)))
    assert "Hana Visitor (Oxfordshire Health Visiting), asked" in page


def test_the_invitee_writes_and_sends_their_part_which_others_cannot_edit(client_for, practitioner, assessment,
                                                                         health_visitor):
    contribution = invite(practitioner, assessment, health_visitor)
    client = client_for(health_visitor)
    page = _page(client.get("/"))
    assert "Asked for your professional view" in page
    url = _url("contribution", assessment_id=assessment.pk, contribution_id=contribution.pk)
    assert url in page
    body = _page(client.get(url))
    assert "Attendance and health" in body and "<textarea" in body
    response = client.post(url, {"facts": "Two missed appointments", "opinions": "Needs support with routines",
                                 "version": "1", "action": "submit"})
    assert response.status_code == 302 and response["Location"] == url
    page = _page(client_for(practitioner).get(_url("assessment", assessment_id=assessment.pk)))
    assert "Oxfordshire Health Visiting: Hana Visitor" in page
    assert "Two missed appointments" in page and "Needs support with routines" in page
    # The lead professional reads it but cannot edit it.
    lead = client_for(practitioner)
    body = _page(lead.get(url))
    assert "<textarea" not in body and "Two missed appointments" in body
    assert "Only Hana Visitor can change this part." in body
    response = lead.post(url, {"facts": "Overwritten", "opinions": "", "version": "2", "action": "submit"})
    assert response.status_code == 403
    contribution.refresh_from_db()
    assert contribution.facts == "Two missed appointments"


def test_a_draft_part_is_not_shown_on_the_assessment_until_sent(client_for, practitioner, assessment, health_visitor):
    contribution = invite(practitioner, assessment, health_visitor)
    client = client_for(health_visitor)
    url = _url("contribution", assessment_id=assessment.pk, contribution_id=contribution.pk)
    response = client.post(url, {"facts": "Draft words", "opinions": "", "version": "1", "action": "save"})
    assert response.status_code == 302
    assert "Draft words" in _page(client.get(url))
    assert "Draft words" not in _page(client_for(practitioner).get(_url("assessment", assessment_id=assessment.pk)))


def test_the_invitee_can_decline(client_for, practitioner, assessment, health_visitor):
    contribution = invite(practitioner, assessment, health_visitor)
    client = client_for(health_visitor)
    url = _url("contribution_decline", assessment_id=assessment.pk, contribution_id=contribution.pk)
    assert "Decline the request" in _page(client.get(url))
    response = client.post(url)
    assert response.status_code == 302
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.DECLINED
    page = _page(client_for(practitioner).get(_url("assessment", assessment_id=assessment.pk)))
    assert "Declined" in page and "Hana Visitor (Oxfordshire Health Visiting)" in page


# --- scores, complete and new version --------------------------------------------------------------


def test_scores_are_recorded_and_shown_as_a_table(client_for, practitioner, assessment, council):
    client = client_for(practitioner)
    url = _url("scores", assessment_id=assessment.pk)
    body = _page(client.get(url))
    assert "Physical health" in body and "Date the scores were taken" in body
    today = timezone.localdate()
    data = {"taken_on-day": today.day, "taken_on-month": today.month, "taken_on-year": today.year}
    for area in council.outcome_areas:
        data[f"score_{area['code']}"] = "6"
    data[f"family_score_{council.outcome_areas[0]['code']}"] = "3"
    response = client.post(url, data)
    assert response.status_code == 302
    page = _page(client.get(_url("assessment", assessment_id=assessment.pk)))
    assert '<table class="govuk-table" id="scores-table">' in page
    assert '<th scope="row" class="govuk-table__header">Physical health</th>' in page
    assert "Family's own score" in page
    assert ">3</td>" in page and ">6</td>" in page


def test_missing_scores_show_the_error_summary(client_for, practitioner, assessment):
    response = client_for(practitioner).post(_url("scores", assessment_id=assessment.pk), {})
    body = _page(response)
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "Enter the date the scores were taken" in body
    assert "Enter a score from 1 to 10 for Physical health" in body
    assert not assessment.readings.exists()


def test_completing_without_the_background_shows_what_to_do(client_for, practitioner, assessment, record_scores):
    record_scores(practitioner, assessment)
    client = client_for(practitioner)
    url = _url("complete", assessment_id=assessment.pk)
    assert "Once completed, the assessment is locked" in _page(client.get(url))
    body = _page(client.post(url))
    assert "There is a problem" in body
    assert "Complete 'Family background and reason for the assessment' before completing the assessment" in body
    assert Assessment.objects.get(pk=assessment.pk).status == AssessmentStatus.DRAFT


def test_completing_locks_the_assessment_and_shows_who_completed_it(client_for, practitioner, assessment,
                                                                   record_scores, write_background):
    write_background(assessment)
    record_scores(practitioner, assessment)
    client = client_for(practitioner)
    response = client.post(_url("complete", assessment_id=assessment.pk))
    assert response.status_code == 302
    page = _page(client.get(_url("assessment", assessment_id=assessment.pk)))
    assert "Completed by Pat Practitioner (Hill School) on" in page
    assert "Start a new version" in page
    assert _url("section", assessment_id=assessment.pk, key="background") not in page  # no change links


def test_a_new_version_is_started_from_the_page_and_the_old_one_is_listed(client_for, practitioner, completed):
    client = client_for(practitioner)
    assert "Version 2 will start as a copy of version 1" in _page(client.get(_url("new_version",
                                                                                  assessment_id=completed.pk)))
    response = client.post(_url("new_version", assessment_id=completed.pk))
    new = Assessment.objects.get(previous=completed)
    assert response.status_code == 302 and response.url == _url("assessment", assessment_id=new.pk)
    page = _page(client.get(response.url))
    assert "Version 2 has been started from version 1." in page
    assert "Referred by school after a fall in attendance." in page
    assert f'href="{_url("assessment", assessment_id=completed.pk)}">Version 1</a>' in page
    old = _page(client.get(_url("assessment", assessment_id=completed.pk)))
    assert "Completed by Pat Practitioner" in old and "Version 2" in old
    assert _url("new_version", assessment_id=completed.pk) not in old  # a newer version exists


# --- the episode panel ------------------------------------------------------------------------------


def _render_panel(user, episode):
    request = RequestFactory().get("/")
    request.user = user
    panel = selectors.episode_panel(user, episode)
    return render_to_string("assessments/_episode_panel.html",
                            {"panel": panel, "episode": episode, "council": episode.family.council}, request=request)


def test_the_episode_panel_offers_a_start_button(practitioner, episode):
    body = _render_panel(practitioner, episode)
    assert "Start the Early Help Assessment" in body
    assert _url("start", episode_id=episode.pk) in body


def test_the_episode_panel_shows_progress_and_links_to_the_assessment(practitioner, assessment, write_background,
                                                                     health_visitor):
    write_background(assessment)
    invite(practitioner, assessment, health_visitor)
    body = html.unescape(_render_panel(practitioner, assessment.episode))
    assert "1 of 5" in body and "0 of 2" in body and "1 awaited" in body
    assert _url("assessment", assessment_id=assessment.pk) in body
    invited = html.unescape(_render_panel(health_visitor, assessment.episode))
    assert "Your professional view has been asked for." in invited


def test_the_assessment_page_needs_the_same_queries_however_many_parts_it_has(client_for, practitioner, family,
                                                                            assessment, make):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from hearth.families import services as people_services

    client = client_for(practitioner)
    url = _url("assessment", assessment_id=assessment.pk)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    client.get(url)
    small = count()
    for i in range(4):
        people_services.person_create(actor=practitioner, family=family, role="child",
                                      data={"given_name": f"Kid{i}", "family_name": "Testfamily"})
        user = make(f"p{i}@example.test", Role.PRACTITIONER, kind=AgencyKind.VOLUNTARY, agency_name=f"Charity {i}")
        cover(family, user)
        contribution = invite(practitioner, assessment, user)
        services.contribution_save(actor=user, contribution=contribution, version=1, facts=f"View {i}",
                                   opinions="", submit=True)
    services.child_views_add_missing(actor=practitioner, assessment=assessment)
    large = count()
    assert small == large
