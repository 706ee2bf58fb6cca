"""The unusual-access reports: many records in a short time, colleagues' records, shared family names, break-glass
use.

They read the record-view summary for sealed rows and the audit log for rows not yet sealed, so their tests run twice
(the `sealing` fixture): with every look still unsealed, and with each look sealed as soon as it is written; a
randomised test compares "many records" with a direct count over a mixture of both."""

import datetime
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hearth.access import services as access_services
from hearth.accounts.models import Role
from hearth.audit import summary as view_summary
from hearth.audit import trail
from hearth.audit.models import AuditAction, AuditEvent
from hearth.dpo import unusual_access
from hearth.dpo.bursts import many_records
from hearth.dpo.looks import UnusualParams
from hearth.people.models import Family
from tests.dpo.looks import SEALING, member, some_families, table, view

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["not yet sealed", "sealed"])
def sealing(request):
    """Run an unusual-access test with its looks left unsealed (read from the audit log) or sealed at once (read
    from the record-view summary)."""
    SEALING["seal"] = request.param == "sealed"
    yield request.param
    SEALING["seal"] = False


# Unusual access ------------------------------------------------------------------------------------------------


def test_many_records_in_a_short_time_is_reported(sealing, dpo, practitioner, other_practitioner, council,
                                                  client_for):
    families = some_families(council, 25)
    start = timezone.now() - datetime.timedelta(hours=2)
    for i, f in enumerate(families[:21]):  # 21 families in 7 minutes
        view(practitioner, family=f, at=start + datetime.timedelta(seconds=20 * i))
    for i, f in enumerate(families[:20]):  # 20 families: not more than 20
        view(other_practitioner, family=f, at=start + datetime.timedelta(seconds=20 * i))
    bursts, truncated = many_records(dpo, UnusualParams())
    assert [(b.user, b.peak) for b in bursts] == [(practitioner, 21)] and not truncated
    page = client_for(dpo).get(reverse("dpo:unusual_access")).content.decode()
    assert "more than 20 in 10 minutes" in page
    many = page.split('id="many-records"')[1].split("</table>")[0]
    assert "Pat Practitioner" in many and "Olu Other" not in many and ">21<" in many


def test_the_thresholds_are_set_by_the_address(sealing, dpo, other_practitioner, council, client_for):
    families = some_families(council, 6)
    start = timezone.now() - datetime.timedelta(hours=1)
    for i, f in enumerate(families):  # 6 families, one a minute
        view(other_practitioner, family=f, at=start + datetime.timedelta(minutes=i))
    client = client_for(dpo)
    page = client.get(reverse("dpo:unusual_access"), {"records": "5", "minutes": "10"}).content.decode()
    assert "more than 5 in 10 minutes" in page and "Olu Other" in table(page, "many-records")
    page = client.get(reverse("dpo:unusual_access"), {"records": "5", "minutes": "3"}).content.decode()
    assert "Olu Other" not in table(page, "many-records")
    page = client.get(reverse("dpo:unusual_access"), {"records": "one", "minutes": "0"}).content.decode()
    assert "Enter the number of records as a number" in page and "Enter 1 minute or more" in page


def test_repeated_looks_at_the_same_family_are_not_many_records(sealing, dpo, practitioner, family):
    start = timezone.now() - datetime.timedelta(hours=1)
    for i in range(40):
        view(practitioner, family=family, at=start + datetime.timedelta(seconds=5 * i))
    assert many_records(dpo, UnusualParams())[0] == []


def test_a_colleagues_record_is_reported_by_name_or_email(sealing, dpo, practitioner, other_practitioner, council):
    by_name, by_email, neither = some_families(council, 3)
    member(by_name, "Olu", "Other")  # the name of the user olu.other@example.test ("Olu Other")
    member(by_email, "Someone", "Else", email="OLU.OTHER@example.test")
    member(neither, "Olu", "Different")
    for f in (by_name, by_email, neither):
        view(practitioner, family=f)
    view(other_practitioner, family=by_name)  # their own record
    rows = unusual_access.colleagues_records(dpo, UnusualParams())
    found = {(r.user.email, r.family_id): r for r in rows}
    assert set(found) == {(practitioner.email, by_name.pk), (practitioner.email, by_email.pk),
                          (other_practitioner.email, by_name.pk)}
    assert found[(practitioner.email, by_name.pk)].whose == ["Olu Other"]
    assert found[(other_practitioner.email, by_name.pk)].own


def test_a_shared_family_name_is_reported_including_previous_names(sealing, dpo, practitioner, council,
                                                                  client_for):
    same, previously, different = some_families(council, 3)
    member(same, "Ann", "Practitioner")  # the user is Pat Practitioner
    person = member(previously, "Bea", "Newname")
    person.names.create(kind="previous", given_name="Bea", family_name="PRACTITIONER")
    member(different, "Cat", "Smith")
    for f in (same, previously, different):
        view(practitioner, family=f)
    rows = unusual_access.shared_surname_records(dpo, UnusualParams())
    assert {r.family_id for r in rows} == {same.pk, previously.pk}
    page = client_for(dpo).get(reverse("dpo:unusual_access")).content.decode()
    surnames = page.split('id="surnames"')[1].split("</table>")[0]
    assert reverse("dpo:access_family", args=[same.pk]) in surnames and "Practitioner" in surnames


def test_break_glass_use_is_listed_with_a_link_to_its_review(dpo, family, make, client_for):
    screener = make("sam.screener@example.test", Role.MASH_SCREENER, agency_name="MASH")
    use = access_services.break_glass_open(actor=screener, family=family, reason="Police at the door at night")
    page = client_for(dpo).get(reverse("dpo:unusual_access")).content.decode()
    table = page.split('id="break-glass"')[1].split("</table>")[0]
    assert "Sam Screener" in table and "Not reviewed" in table
    assert reverse("access:break_glass_review", args=[use.pk]) in table


def test_old_activity_outside_the_period_is_left_out(sealing, dpo, practitioner, council):
    families = some_families(council, 22)
    start = timezone.now() - datetime.timedelta(days=30)
    for i, f in enumerate(families):
        view(practitioner, family=f, at=start + datetime.timedelta(seconds=10 * i))
    assert many_records(dpo, UnusualParams())[0] == []
    period = UnusualParams(date_from=timezone.localdate(start), date_to=timezone.localdate())
    assert len(many_records(dpo, period)[0]) == 1


def test_a_manager_sees_the_report_for_their_own_team_only(sealing, make, team, council, client_for):
    manager = make("mia.manager@example.test", Role.MANAGER)
    team.manager = manager
    team.save()
    mine = make("tam.team@example.test", Role.PRACTITIONER, team=team)
    other = make("zed.elsewhere@example.test", Role.PRACTITIONER)
    families = some_families(council, 22)
    start = timezone.now() - datetime.timedelta(hours=1)
    for user in (mine, other):
        for i, f in enumerate(families):
            view(user, family=f, at=start + datetime.timedelta(seconds=10 * i))
    response = client_for(manager).get(reverse("dpo:unusual_access"))
    page = response.content.decode()
    assert response.status_code == 200 and "members of the teams you manage" in page
    assert "Tam Team" in page and "Zed Elsewhere" not in page
    assert reverse("dpo:access_family", args=[families[0].pk]) not in page  # managers do not get the logs


def test_a_practitioner_cannot_see_the_report(practitioner, client_for):
    assert client_for(practitioner).get(reverse("dpo:unusual_access")).status_code == 403


def test_looking_at_the_report_is_audited_and_the_dpos_own_reviews_do_not_count(sealing, dpo, council,
                                                                                client_for):
    families = some_families(council, 25)
    client = client_for(dpo)
    for f in families:
        client.get(reverse("dpo:access_family", args=[f.pk]))
    if SEALING["seal"]:
        trail.seal_pending()
    page = client.get(reverse("dpo:unusual_access")).content.decode()
    assert "Dee Dpo" not in page.split('id="many-records"')[1].split("</table>")[0]
    assert AuditEvent.objects.filter(actor=dpo, object_type="dpo.unusual_access").count() == 1


def test_the_report_takes_the_same_number_of_queries_however_much_activity(sealing, dpo, make, practitioner,
                                                                          council, client_for):
    client = client_for(dpo)
    url = reverse("dpo:unusual_access")
    families = some_families(council, 30)
    for f in families:
        member(f, "Pat", "Practitioner")  # a colleague's name, and the viewers' family name
    users = [make(f"pat{i}.practitioner@example.test", Role.PRACTITIONER, agency_name=f"A{i}") for i in range(2)]
    start = timezone.now() - datetime.timedelta(hours=1)
    for i, f in enumerate(families):  # one burst, one colleague's record, one shared name, to begin with
        view(users[0], family=f, at=start - datetime.timedelta(seconds=i))
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    more = [make(f"pat{i}.practitioner@example.test", Role.PRACTITIONER, agency_name=f"A{i}") for i in range(2, 8)]
    for user in users + more:
        for i, f in enumerate(families):
            view(user, family=f, at=start + datetime.timedelta(seconds=i))
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert "Pat7 Practitioner" in page
    assert len(many) == len(few)


def _counted_directly(params, user_ids) -> list[tuple]:
    """"Many records" by its definition, over every audit row: for each look in the period, the distinct records the
    same user looked at in the window starting then; the unusual ones merged into bursts."""
    start, end = params.period()
    window = datetime.timedelta(minutes=params.minutes)
    looks = [(e.actor_id, e.at, ("f", e.family_id) if e.family_id else ("p", e.person_id))
             for e in AuditEvent.objects.filter(view_summary.summarised_q(), actor_id__in=user_ids)]
    starts = []
    for actor_id, at, _ in looks:
        if start <= at < end:
            records = {r for a, t, r in looks if a == actor_id and at <= t < at + window}
            if len(records) > params.records:
                starts.append((actor_id, at, len(records)))
    bursts = []
    for actor_id, at, records in sorted(starts):
        if bursts and bursts[-1][0] == actor_id and at <= bursts[-1][2]:
            bursts[-1][2] = max(bursts[-1][2], at + window)
            bursts[-1][3] = max(bursts[-1][3], records)
        else:
            bursts.append([actor_id, at, at + window, records])
    return sorted(map(tuple, bursts))


@pytest.mark.parametrize("seed", range(6))
def test_many_records_agrees_with_counting_every_window_directly_over_sealed_and_unsealed_looks(seed, dpo, make):
    """Random looks by three users over three days, many around midnight, with some of them sealed (so in the
    summary) and the rest not; several thresholds and window lengths, including a whole day."""
    rng = random.Random(seed)
    users = [make(f"user{i}.random@example.test", Role.PRACTITIONER, agency_name=f"R{i}") for i in range(3)]
    today = timezone.localdate()
    midnight = datetime.datetime.combine(today - datetime.timedelta(days=1), datetime.time.min,
                                         tzinfo=timezone.get_current_timezone())
    looks = []
    for _ in range(rng.randint(80, 160)):
        around = midnight + datetime.timedelta(days=rng.choice([-1, 0, 0, 1]))
        at = around + datetime.timedelta(minutes=rng.gauss(0, 90))
        at = min(at, timezone.now())
        family = rng.randint(1, 30) if rng.random() < 0.8 else None
        looks.append((rng.choice(users), at, family, None if family else rng.randint(1, 10)))
    rng.shuffle(looks)
    sealed_part = rng.randint(0, len(looks))
    for i, (user, at, family_id, person_id) in enumerate(looks):
        AuditEvent.objects.create(actor=user, action=AuditAction.VIEW, at=at, object_type="people.family",
                                  object_id="1", family_id=family_id, person_id=person_id)
        if i + 1 == sealed_part:
            trail.seal_pending()
    ids = [u.pk for u in users]
    for records, minutes in ((2, 10), (3, 30), (5, 60), (8, 180), (12, 1440)):
        for date_from in (None, today - datetime.timedelta(days=1)):
            params = UnusualParams(records=records, minutes=minutes, date_from=date_from,
                                   date_to=date_from and today)
            bursts, truncated = many_records(dpo, params)
            found = sorted((b.user.pk, b.started, b.ended, b.peak) for b in bursts)
            assert found == _counted_directly(params, ids) and not truncated, (records, minutes, date_from)


def test_a_colleagues_record_is_counted_once_over_sealed_and_unsealed_looks_and_part_days(dpo, practitioner,
                                                                                          other_practitioner, council):
    """Looks over several days, some sealed (in the summary) and some not, counted together; and, with the period
    read in another time zone (so it starts and ends part-way through the council's days), the part-days come from
    the audit log and nothing is counted twice."""
    record = some_families(council, 1)[0]
    member(record, "Olu", "Other")  # other_practitioner's name
    now = timezone.now()
    for days_ago in (3, 2, 2, 1):
        view(practitioner, family=record, at=now - datetime.timedelta(days=days_ago, hours=1))
    trail.seal_pending()
    for hours_ago in (5, 3):
        view(practitioner, family=record, at=now - datetime.timedelta(hours=hours_ago))
    unsealed = AuditEvent.objects.filter(seq__isnull=True, family_id=record.pk).count()
    assert unsealed == 2
    params = UnusualParams(date_from=timezone.localdate() - datetime.timedelta(days=5))
    (row,) = unusual_access.colleagues_records(dpo, params)
    assert (row.count, row.first, row.last) == (6, now - datetime.timedelta(days=3, hours=1),
                                                now - datetime.timedelta(hours=3))
    for zone in ("America/New_York", "Asia/Kolkata"):
        with timezone.override(zone):
            params = UnusualParams(date_from=timezone.localdate() - datetime.timedelta(days=5))
            start, end = params.period()
            expected = AuditEvent.objects.filter(family_id=record.pk, actor=practitioner, at__gte=start,
                                                 at__lt=end).count()
            assert [r.count for r in unusual_access.colleagues_records(dpo, params)] == [expected]


def test_a_sealed_look_is_matched_as_the_record_was_when_it_was_sealed(dpo, practitioner, other_practitioner,
                                                                       council):
    """A look is matched against the record when it is sealed (within seconds): a record renamed afterwards is still
    listed for that look, saying the name is no longer in it; a look sealed before a colleague's name arrived is
    not listed, while a later look at the same record is."""
    renamed, joined = some_families(council, 2)
    person = member(renamed, "Olu", "Other")  # other_practitioner's name
    view(practitioner, family=renamed)
    view(practitioner, family=joined, at=timezone.now() - datetime.timedelta(days=1))
    trail.seal_pending()
    person.given_name = "Oluwaseun"
    person.save()
    member(joined, "Olu", "Other")
    view(practitioner, family=joined)
    rows = {r.family_id: r for r in unusual_access.colleagues_records(dpo, UnusualParams())}
    assert rows[renamed.pk].whose == [unusual_access.NO_LONGER_MATCHES] and rows[renamed.pk].count == 1
    assert rows[joined.pk].whose == ["Olu Other"] and rows[joined.pk].count == 1


def test_a_busy_day_without_a_burst_is_passed_over_and_a_burst_on_another_day_is_found(dpo, practitioner):
    """Thirty records a day, one every half hour, is more than twenty in a day but never in ten minutes; twenty-five
    in five minutes the next day is a burst. Both sealed, so found from the summary and counted from the log."""
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    morning = datetime.datetime.combine(yesterday - datetime.timedelta(days=1), datetime.time(8),
                                        tzinfo=timezone.get_current_timezone())
    for i in range(30):
        view(practitioner, family=Family(pk=1000 + i), at=morning + datetime.timedelta(minutes=30 * i))
    burst = morning + datetime.timedelta(days=1, hours=3)
    for i in range(25):
        view(practitioner, family=Family(pk=2000 + i), at=burst + datetime.timedelta(seconds=12 * i))
    trail.seal_pending()
    params = UnusualParams()
    bursts, _ = many_records(dpo, params)
    assert [(b.started, b.peak) for b in bursts] == [(burst, 25)]
    assert sorted((b.user.pk, b.started, b.ended, b.peak) for b in bursts) == _counted_directly(
        params, [practitioner.pk])
