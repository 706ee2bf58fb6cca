"""The timeliness report as an analyst reads it: each step's time in bands with its median, small counts and the
median of a few hidden, for steps finished in the period; a bad period refused."""

import datetime

import pytest
from django.utils import timezone

from hearth.assessments.models import Assessment, AssessmentStatus
from hearth.cases.models import Episode, EpisodeOrigin, EpisodeStatus
from hearth.plans.models import Meeting, MeetingKind, MeetingStatus, Review, ReviewDecision
from hearth.referrals.models import Decision, Referral, ReferralKind, ReferralStatus, RequesterKind
from tests.factories import FamilyFactory
from tests.reports.pages import table_rows

pytestmark = pytest.mark.django_db
URL = "/reports/timeliness"
MONDAY = datetime.date(2026, 11, 2)  # a Monday with no bank holiday in the week


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))




@pytest.fixture
def steps(council, practitioner):
    # Decisions: 6 the same working day, 5 three working days after arriving (Monday to Thursday), 1 fifteen.
    later = {True: MONDAY + datetime.timedelta(days=3), False: MONDAY + datetime.timedelta(days=21)}
    for i in range(12):
        Referral.objects.create(
            council=council, reference=f"T-{i}", kind=ReferralKind.REQUEST, requester_kind=RequesterKind.PARENT,
            requester_name="A person", concerns="Concerns", received_at=_at(MONDAY),
            status=ReferralStatus.DECIDED, decision=Decision.ADVICE, level=2,
            screened_at=_at(MONDAY, 15) if i < 6 else _at(later[i < 11]))
    # Six episodes started on 1 October: five assessed in 20 days, one in 100 days; each then a first meeting 7 days
    # after the assessment, with a review date 6 weeks on, the review held on time for four and 20 days late for two.
    started = datetime.date(2026, 8, 1)
    for i in range(6):
        family = FamilyFactory(actor=practitioner, name=f"The Timely {i} family")
        episode = Episode.objects.create(family=family, origin=EpisodeOrigin.PRACTITIONER, reason="N4", level=2,
                                         started_on=started, status=EpisodeStatus.PLAN)
        done = started + datetime.timedelta(days=20 if i < 5 else 100)
        Assessment.objects.create(episode=episode, family=family, status=AssessmentStatus.COMPLETED,
                                  completed_at=_at(done))
        met = done + datetime.timedelta(days=7)
        due = met + datetime.timedelta(weeks=6)
        Meeting.objects.create(episode=episode, kind=MeetingKind.INITIAL, status=MeetingStatus.HELD,
                               scheduled_for=_at(met), location="School", next_review_on=due)
        Review.objects.create(episode=episode, held_on=due + datetime.timedelta(days=0 if i < 4 else 20),
                              summary="Going well", decision=ReviewDecision.CONTINUE)




def _page(client, start: datetime.date) -> str:
    return client.get(URL, {"date_from-day": start.day, "date_from-month": start.month,
                            "date_from-year": start.year}).content.decode()


def test_each_step_in_bands_with_its_median(client_for, analyst, steps):
    page = _page(client_for(analyst), datetime.date(2026, 8, 1))
    decision = table_rows(page, "decision")
    # The 1 is hidden, and so the smallest count beside it (the 5); the 6 and the total stay.
    assert decision == {"The same working day": ["6"], "The next working day": ["0"],
                        "2 to 5 working days": ["[c]"], "6 to 10 working days": ["0"],
                        "More than 10 working days": ["[c]"], "Total": ["12"]}
    assert 'id="decision-median">Median: 1.5 working days.' in page
    assessment = table_rows(page, "assessment")
    # 5 within 4 weeks and 1 over 3 months: the 1 is hidden, and so the 5 beside it.
    assert assessment["Within 4 weeks"] == ["[c]"] and assessment["More than 3 months"] == ["[c]"]
    assert assessment["Total"] == ["6"]
    assert 'id="assessment-median">Median: 20 days.' in page
    assert table_rows(page, "first_meeting")["Within 10 days"] == ["6"]
    # Five reviews held so far (the late assessment's review falls after today): four on time, one late.
    reviews = table_rows(page, "reviews")
    assert reviews == {"On or before the date set": ["[c]"], "Up to 2 weeks late": ["0"],
                       "More than 2 weeks late": ["[c]"], "Total": ["5"]}


def test_steps_finished_before_the_period_are_not_counted(client_for, analyst, steps):
    client = client_for(analyst)
    page = _page(client, datetime.date(2026, 10, 25))
    # The decisions were all in November; of the assessments only the late one (9 November) is in the period: one,
    # so hidden, and its median with it.
    assert table_rows(page, "decision")["Total"] == ["12"]
    assert table_rows(page, "assessment")["Total"] == ["[c]"]
    assert 'id="assessment-median">Median: [c].' in page
    page = _page(client, datetime.date(2026, 11, 30))
    assert table_rows(page, "decision")["Total"] == ["0"] and table_rows(page, "assessment")["Total"] == ["0"]
    assert 'id="assessment-median"' not in page  # nothing to measure


def test_a_bad_period_is_refused(client_for, analyst, steps):
    future = timezone.localdate() + datetime.timedelta(days=10)
    page = client_for(analyst).get(URL, {"date_from-day": future.day, "date_from-month": future.month,
                                         "date_from-year": future.year}).content.decode()
    assert "The start of the period must be today or in the past" in page
    assert 'id="decision"' not in page
