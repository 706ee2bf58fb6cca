"""The episode page sends a fixed number of SQL statements, the same for a brand new episode as for one with a long,
rich history, and few of them."""

import datetime
from datetime import timedelta

import pytest
from django.utils import timezone

from hearth.assessments import services as assessments
from hearth.assessments.models import Assessment, Contribution, ContributionStatus
from hearth.cases import services as cases
from hearth.demo.history import build_long_history
from hearth.families import services as people
from hearth.people.models import Sex
from hearth.referrals import statutory
from hearth.referrals.models import ContactMethod, StepDown

# Every statement the episode page sends, by the `page_queries` fixture (transaction control left out): the
# session, the user with their roles, the episode with the user's access to its family and its planned handover,
# the history, the recent notes with their count, the audit row, the panels' reads, and what must be settled before
# closing (`cases.journey.first_steps`: the outcomes still being worked towards).
EPISODE_PAGE_MAX_QUERIES = 16


@pytest.fixture
def new_episode(practitioner, family):
    """A family with one member whose Early Help has just started: nothing recorded yet."""
    people.person_create(actor=practitioner, family=family, role="parent_pr",
                         data={"given_name": "Jo", "family_name": "Testfamily", "sex": Sex.FEMALE,
                               "date_of_birth": datetime.date(1985, 1, 2)})
    return cases.episode_open(actor=practitioner, family=family, reason="N4", level=2, lead=practitioner,
                              level_reasons="Attendance and routines")


@pytest.fixture
def rich_episode(council, practitioner, other_practitioner):
    """Five years of Early Help (30 reviews with scores, 200 notes, 10 members) and something in every panel: a
    planned handover, a draft assessment with a view asked of the viewer and one sent by someone else, a step-up
    referral, a step-down and a contact with MASH about immediate risk."""
    episode = build_long_history(council=council, lead=practitioner, years=5, reviews=30, notes=200, members=10,
                                 seed=8)
    today = timezone.localdate()
    cases.handover_plan(actor=practitioner, episode=episode, to_user=other_practitioner,
                        planned_for=today + timedelta(days=14))
    completed = Assessment.objects.get(episode=episode)
    draft = assessments.assessment_new_version(actor=practitioner, assessment=completed)
    Contribution.objects.create(assessment=draft, author=practitioner, agency_name="Hill School",
                                invited_by=other_practitioner)
    Contribution.objects.create(assessment=draft, author=other_practitioner, agency_name="Health visiting",
                                invited_by=practitioner, status=ContributionStatus.SUBMITTED,
                                facts="Seen at home", submitted_at=timezone.now())
    statutory.referral_step_up(actor=practitioner, episode=episode, concerns="Bruising seen at school",
                               consent_sought=True)
    StepDown.objects.create(family=episode.family, episode=episode, social_worker=other_practitioner,
                            new_lead=practitioner, level=3, cin_plan_ended_on=today - timedelta(days=365 * 5),
                            single_assessment="The single assessment", cin_plan="The Child in Need plan")
    statutory.mash_contact_record(actor=practitioner, family=episode.family, contacted_at=timezone.now(),
                                  method=ContactMethod.PHONE, concern="Bruising", spoke_to="Duty social worker")
    episode.refresh_from_db()
    return episode


def _listing(statements) -> str:
    return f"{len(statements)} statements:\n" + "\n".join(s[:120] for s in statements)


def test_the_episode_page_sends_the_same_few_statements_for_a_new_and_a_long_episode(
        client_for, page_queries, practitioner, new_episode, rich_episode):
    client = client_for(practitioner)
    new_statements, new_page = page_queries(client, f"/episodes/{new_episode.pk}")
    rich_statements, rich_page = page_queries(client, f"/episodes/{rich_episode.pk}")
    assert len(rich_statements) == len(new_statements), (
        f"new episode: {_listing(new_statements)}\n\nrich episode: {_listing(rich_statements)}")
    assert len(rich_statements) <= EPISODE_PAGE_MAX_QUERIES, _listing(rich_statements)

    assert "No assessment has been started in this episode." in new_page
    assert "0 notes in this episode" in new_page
    assert "No outcome scores have been recorded yet." in new_page

    assert "200 notes in this episode" in rich_page
    assert "Level 3: Complex" in rich_page
    assert "Handover to Olu Other planned for" in rich_page
    assert "Your professional view has been asked for." in rich_page
    assert "1 sent, 1 awaited" in rich_page
    assert "31 sets of scores" in rich_page
    assert "Open actions (12, the first 10 shown)" in rich_page
    assert "Reviews (30)" in rich_page
    assert "Stepped down from social care" in rich_page
    assert "spoke to Duty social worker" in rich_page
    assert "Stepped up to MASH" in rich_page or "Stepped up: waiting for MASH" in rich_page


def test_the_long_episode_page_shows_its_history(council, practitioner, client_for):
    episode = build_long_history(council=council, lead=practitioner)
    page = client_for(practitioner).get(f"/episodes/{episode.pk}").content.decode()
    assert "200 notes in this episode" in page
    assert "Level 3: Complex" in page
