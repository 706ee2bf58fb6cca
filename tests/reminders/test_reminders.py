"""Reminders of due work, through the real schedule and queue: each kind reaches the right people and no one else,
in one digest a day (the default) or at once, naming no one in the family; running the schedule or its job again
sends nothing twice."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from hearth.access.models import BreakGlass
from hearth.accounts.models import ReminderDelivery, Role
from hearth.cases.models import Episode
from hearth.consent.models import ShareConsent
from hearth.jobs import queue, schedules
from hearth.outbox.models import Message
from hearth.plans.models import Action, ActionStatus
from hearth.reminders import tasks
from hearth.reminders.models import Reminder
from hearth.retention.models import DisposalRun, RunStatus
from hearth.subject_access import services as sar_services
from hearth.subject_access.models import SubjectAccessRequest
from tests import factories
from tests.queue import run_jobs

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# Monday 7 December 2026, 07:30 in London: the day's reminders are due (07:00).
MORNING = datetime.datetime(2026, 12, 7, 7, 30, tzinfo=LONDON)
TODAY = MORNING.date()
NAMES = ("Testfamily", "Jo ", "Max ", "dentist")


@pytest.fixture(autouse=True)
def _monday(time_machine):
    time_machine.move_to(MORNING, tick=False)


def _day(days: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=days)


def _run(now=MORNING) -> list[str]:
    """The worker's housekeeping round, then the worker: what a running `hearth worker` does."""
    enqueued = schedules.run_due(now)
    run_jobs()
    return enqueued


def _sent() -> list[tuple[str, str]]:
    return sorted((m.to[0], m.subject) for m in mail.outbox if m.subject.startswith(("Your reminders", "Reminder")))


def _reminders() -> set[tuple[str, str]]:
    return set(Reminder.objects.values_list("kind", "user__email"))


@pytest.fixture
def people(council, other_council, make, dpo, team):
    manager = make("mia.manager@example.test", Role.MANAGER)
    screener = make("sam.screener@example.test", Role.MASH_SCREENER, kind="social_care", agency_name="MASH",
                    team=team)
    team.manager = manager
    team.save()
    return {
        "lead": make("lee.lead@example.test"),
        "owner": make("owen.owner@example.test", kind="school", agency_name="Hill School"),
        "bystander": make("bea.bystander@example.test"),
        "recorder": make("rita.recorder@example.test"),
        "dpo": dpo,
        "other_dpo": factories.DpoFactory(agency__council=other_council, email="otto.dpo@example.test"),
        "manager": manager,
        "screener": screener,
        "other_dpo_here": make("dora.dpo@example.test", Role.DPO),
    }


def _episode(lead, *, review_on):
    family = factories.FamilyFactory(actor=lead)
    factories.ParentFactory(family=family)
    factories.ChildFactory(family=family)
    episode = factories.EpisodeFactory(family=family, actor=lead, lead=lead)
    Episode.objects.filter(pk=episode.pk).update(next_review_due=review_on)
    episode.refresh_from_db()
    return episode


@pytest.fixture
def due_work(people, council):
    """One of each kind of reminder, and things not yet due beside them."""
    lead, owner = people["lead"], people["owner"]
    soon = _episode(lead, review_on=_day(3))  # due within 7 days
    late = _episode(lead, review_on=_day(-2))  # overdue
    _episode(lead, review_on=_day(8))  # not yet: more than 7 days away
    Action.objects.create(episode=late, what="Take Max to the dentist", owner_user=owner, due_on=_day(-1))
    Action.objects.create(episode=late, what="Take Max to the dentist again", owner_user=owner, due_on=_day(0))
    Action.objects.create(episode=late, what="Done already", owner_user=owner, due_on=_day(-9),
                          status=ActionStatus.DONE)
    consent = factories.ShareConsentFactory(family=soon.family, actor=lead)
    ShareConsent.objects.filter(pk=consent.pk).update(review_by=_day(-1), recorded_by=people["recorder"])
    later_consent = factories.ShareConsentFactory(family=late.family, actor=lead)
    ShareConsent.objects.filter(pk=later_consent.pk).update(review_by=_day(1), recorded_by=people["recorder"])
    mum = soon.family.members.first().person
    dpo = people["dpo"]
    day_21 = sar_services.sar_create(actor=dpo, subject=mum, requester_name="Jo Testfamily",
                                     requester_relationship="self", received_on=_day(-20))
    sar_services.sar_create(actor=dpo, subject=mum, requester_name="Jo Testfamily",
                            requester_relationship="self", received_on=_day(-19))  # day 20: not yet
    deadline = sar_services.sar_create(actor=dpo, subject=mum, requester_name="Jo Testfamily",
                                       requester_relationship="self", received_on=datetime.date(2026, 11, 7))
    assert deadline.due_on == TODAY  # 7 December 2026 is a Monday
    BreakGlass.objects.create(family=late.family, user=people["screener"], reason="Police called about the children",
                              started_at=MORNING - datetime.timedelta(days=7),
                              expires_at=MORNING - datetime.timedelta(days=7) + datetime.timedelta(hours=4))
    BreakGlass.objects.create(family=late.family, user=people["screener"], reason="Police called about the children",
                              started_at=MORNING - datetime.timedelta(days=5),
                              expires_at=MORNING - datetime.timedelta(days=5) + datetime.timedelta(hours=4))
    run = DisposalRun.objects.create(council=council, as_of=TODAY, prepared_by=dpo, status=RunStatus.PREPARED)
    DisposalRun.objects.create(council=council, as_of=_day(30), prepared_by=dpo, status=RunStatus.PREPARED)
    mail.outbox.clear()
    return {"soon": soon, "late": late, "day_21": day_21, "deadline": deadline, "run": run, "consent": consent}


def test_each_kind_of_reminder_reaches_the_right_people_and_no_one_else(people, due_work):
    assert "reminders.daily" in _run()
    dpos = ("dee.dpo@example.test", "dora.dpo@example.test")
    assert _reminders() == {
        ("review_due_soon", "lee.lead@example.test"),
        ("review_overdue", "lee.lead@example.test"),
        ("action_overdue", "lee.lead@example.test"), ("action_overdue", "owen.owner@example.test"),
        ("consent_review", "rita.recorder@example.test"),
        *{("sar_day_21", d) for d in dpos}, *{("sar_deadline", d) for d in dpos},
        # the deadline's request (received a month ago) has passed day 21 and day 28 too
        *{("sar_day_28", d) for d in dpos},
        *{("break_glass_unreviewed", d) for d in (*dpos, "mia.manager@example.test")},
        *{("disposal_due", d) for d in dpos},
    }
    counts = {kind: Reminder.objects.filter(kind=kind, user=people["dpo"]).count()
              for kind in ("sar_day_21", "sar_day_28", "sar_deadline", "break_glass_unreviewed")}
    # day 21: the request at day 21 and the one a month old; day 28 and the deadline: the month-old one only;
    # break-glass: only the use seven days old (five working days), not the one five days old (three)
    assert counts == {"sar_day_21": 2, "sar_day_28": 1, "sar_deadline": 1, "break_glass_unreviewed": 1}
    # one digest each, by default; nobody else (the screener, the bystander, the other council's DPO) hears
    assert sorted(to for to, _ in _sent()) == sorted([
        "dee.dpo@example.test", "dora.dpo@example.test", "lee.lead@example.test", "mia.manager@example.test",
        "owen.owner@example.test", "rita.recorder@example.test"])


def test_the_digest_counts_and_gives_record_numbers_and_names_no_one_in_the_family(people, due_work):
    _run()
    [lead_digest] = [m for m in mail.outbox if m.to == ["lee.lead@example.test"]]
    soon, late = due_work["soon"].family_id, due_work["late"].family_id
    assert lead_digest.subject == "Your reminders: 3 things due"
    body = lead_digest.body
    assert f"1 review due within 7 days:\n- family record {soon}: /families/{soon}" in body
    assert f"1 review overdue:\n- family record {late}" in body
    assert f"1 action overdue:\n- family record {late}" in body
    [dpo_digest] = [m for m in mail.outbox if m.to == ["dee.dpo@example.test"]]
    assert "2 subject access requests at day 21:" in dpo_digest.body
    assert f"request {due_work['deadline'].reference}: /subject-access/{due_work['deadline'].pk}" in dpo_digest.body
    assert f"disposal run DR-{due_work['run'].pk}" in dpo_digest.body
    assert "1 break-glass use not reviewed after 5 working days" in dpo_digest.body
    for message in Message.objects.filter(kind__startswith="reminder."):
        for name in NAMES:
            assert name not in message.subject and name not in message.body, (name, message.to)


def test_a_user_who_chose_immediate_gets_each_reminder_in_its_own_email(people, due_work):
    people["lead"].reminder_delivery = ReminderDelivery.IMMEDIATE
    people["lead"].save()
    _run()
    lead_mail = sorted(m.subject for m in mail.outbox if m.to == ["lee.lead@example.test"])
    assert lead_mail == ["Reminder: action overdue", "Reminder: review due within 7 days", "Reminder: review overdue"]
    assert set(Reminder.objects.filter(user=people["lead"]).values_list("delivery", flat=True)) == {"immediate"}
    # the others still get their digest
    assert [m.subject for m in mail.outbox if m.to == ["owen.owner@example.test"]] == ["Your reminders: 1 thing due"]
    for message in mail.outbox:
        assert not any(name in message.body for name in NAMES)


def test_running_the_schedule_or_its_job_again_sends_nothing_twice(people, due_work, time_machine):
    assert "reminders.daily" in _run()
    first = _sent()
    reminders = Reminder.objects.count()
    assert first and reminders

    assert "reminders.daily" not in _run(MORNING + datetime.timedelta(hours=3))  # the same day's slot: not again
    # the job itself run again for the same slot (a worker killed after it finished, say)
    queue.enqueue(tasks.send_due, slot=TODAY.isoformat())
    run_jobs()
    DBTaskResult.objects.filter(task_path__endswith="send_due").update(status=TaskResultStatus.READY)
    run_jobs()
    assert _sent() == first and Reminder.objects.count() == reminders

    # the next day: only what is newly due (the action due yesterday, the review now seven days away, the request
    # now at day 21); nothing already sent is sent again
    mail.outbox.clear()
    tomorrow = MORNING + datetime.timedelta(days=1)
    time_machine.move_to(tomorrow, tick=False)
    assert "reminders.daily" in _run(tomorrow)
    new = set(Reminder.objects.filter(slot=(TODAY + datetime.timedelta(days=1)).isoformat())
              .values_list("kind", "user__email"))
    assert new == {("action_overdue", "lee.lead@example.test"), ("action_overdue", "owen.owner@example.test"),
                   ("review_due_soon", "lee.lead@example.test"),
                   ("sar_day_21", "dee.dpo@example.test"), ("sar_day_21", "dora.dpo@example.test")}
    assert Reminder.objects.count() == reminders + len(new)
    assert sorted(to for to, _ in _sent()) == ["dee.dpo@example.test", "dora.dpo@example.test",
                                               "lee.lead@example.test", "owen.owner@example.test"]


def test_before_seven_nothing_is_sent_and_a_new_review_date_is_reminded_of_again(people, due_work):
    assert "reminders.daily" not in schedules.run_due(MORNING.replace(hour=6, minute=59))
    _run()
    soon = due_work["soon"]
    Episode.objects.filter(pk=soon.pk).update(next_review_due=_day(5))
    mail.outbox.clear()
    queue.enqueue(tasks.send_due, slot=TODAY.isoformat())
    run_jobs()
    assert set(Reminder.objects.filter(about_id=soon.pk, kind="review_due_soon").values_list("due_on", flat=True)) \
        == {_day(3), _day(5)}
    assert [m.to for m in mail.outbox] == [["lee.lead@example.test"]]


def test_a_consent_whose_recorder_has_left_is_reminded_to_the_lead(people, due_work):
    people["recorder"].is_active = False
    people["recorder"].save()
    _run()
    assert set(Reminder.objects.filter(kind="consent_review").values_list("user__email", flat=True)) == {
        "lee.lead@example.test"}


def test_an_extended_request_has_no_day_21_reminder_and_its_new_deadline_has_its_own(people, due_work):
    sar = due_work["day_21"]
    sar_services.sar_extend(actor=people["dpo"], sar=sar, version=sar.version, months=1, reason="Complex")
    _run()
    assert not Reminder.objects.filter(kind="sar_day_21", about_id=sar.pk).exists()
    sar.refresh_from_db()
    assert sar.due_on == datetime.date(2027, 1, 18)  # 17 January 2027 is a Sunday
    assert SubjectAccessRequest.objects.get(pk=sar.pk).extension_months == 1
