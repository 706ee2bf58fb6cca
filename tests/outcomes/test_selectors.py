from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hearth.accounts.models import Role
from hearth.audit.models import AuditAction, AuditEvent
from hearth.core.errors import NotPermitted
from hearth.outcomes import selectors


def _days_ago(n):
    return timezone.localdate() - timedelta(days=n)


def test_distance_travelled_is_latest_minus_first_for_each_area_and_overall(practitioner, episode, record):
    record(_days_ago(90), 3, family_routine=(3, 5), home_and_money=(6, None))
    record(_days_ago(45), 4, family_routine=(5, None))
    record(_days_ago(1), 5, family_routine=(6, None), home_and_money=(5, None), progress_to_work=(5, None))
    result = selectors.episode_outcomes(practitioner, episode)
    by_code = {a.code: a for a in result["areas"]}
    routine = by_code["family_routine"]
    assert (routine.first, routine.latest, routine.change) == (3, 6, 3)
    assert routine.series == [(_days_ago(90), 3), (_days_ago(45), 5), (_days_ago(1), 6)]
    assert routine.sentence == "Family routine: up 3 points, from 3 to 6"
    assert routine.family_differences == [(_days_ago(90), 3, 5)]
    money = by_code["home_and_money"]
    assert (money.first, money.latest, money.change) == (6, 5, -1)
    assert money.sentence == "Home and money: down 1 point, from 6 to 5"
    assert by_code["physical_health"].change == 2
    # Eight areas up 2, routine up 3, money down 1.
    assert result["overall"]["sum"] == 8 * 2 + 3 - 1
    assert result["overall"]["mean"] == 1.8
    assert result["overall"]["sentence"] == "Overall: up 18 points across 10 areas, an average of 1.8 points per area"
    assert result["count"] == 3
    assert [r.taken_on for r in result["readings"]] == [_days_ago(90), _days_ago(45), _days_ago(1)]
    assert result["family_differences"] == [
        {"taken_on": _days_ago(90), "label": _days_ago(90).strftime("%-d %b %Y"), "area": "Family routine", "score": 3,
         "family_score": 5}]
    assert 'class="reading-first"' in result["star_svg"] and 'class="reading-latest"' in result["star_svg"]
    assert all(a.line_svg for a in result["areas"])


def test_no_change_and_a_single_reading_are_described_plainly(practitioner, episode, record):
    record(_days_ago(10), 4)
    result = selectors.episode_outcomes(practitioner, episode)
    routine = next(a for a in result["areas"] if a.code == "family_routine")
    assert routine.change is None
    assert routine.sentence == "Family routine: 4 (only one set of scores so far)"
    assert result["overall"]["mean"] is None
    assert 'class="reading-latest"' not in result["star_svg"]
    record(_days_ago(2), 4)
    result = selectors.episode_outcomes(practitioner, episode)
    routine = next(a for a in result["areas"] if a.code == "family_routine")
    assert routine.change == 0
    assert routine.sentence == "Family routine: no change, 4 at the first and latest scores"
    assert result["overall"]["sentence"] == "Overall: no change across 10 areas"


def test_an_episode_without_scores_has_an_empty_summary(practitioner, episode):
    result = selectors.episode_outcomes(practitioner, episode)
    assert result["count"] == 0
    assert result["first"] is None and result["latest"] is None
    assert all(a.first is None and a.sentence.endswith("not scored yet") for a in result["areas"])


def test_reading_the_outcomes_is_audited(practitioner, episode, record):
    record(_days_ago(10), 4)
    selectors.episode_outcomes(practitioner, episode)
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="cases.episode", object_id=str(episode.pk),
                                     actor=practitioner).exists()


def test_someone_not_working_with_the_family_cannot_read_the_outcomes(make, episode, record):
    record(_days_ago(10), 4)
    stranger = make("sam.stranger@example.test", Role.PRACTITIONER)
    with pytest.raises(NotPermitted):
        selectors.episode_outcomes(stranger, episode)
    with pytest.raises(NotPermitted):
        selectors.episode_panel(stranger, episode)


def test_the_panel_has_first_and_latest_and_the_star(practitioner, episode, record):
    record(_days_ago(60), 2)
    record(_days_ago(5), 7)
    panel = selectors.episode_panel(practitioner, episode)
    assert panel["count"] == 2
    assert all((a.first, a.latest, a.change_text) == (2, 7, "Up 5") for a in panel["areas"])
    assert "<svg" in panel["star_svg"]
    assert panel["can_record"] is True


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_the_panel_and_the_outcomes_take_the_same_queries_for_2_readings_as_for_30(
        practitioner, episode, record):
    for n in range(2):
        record(_days_ago(300 - n), 3 + n)
    panel_2 = _queries(lambda: selectors.episode_panel(practitioner, episode))
    outcomes_2 = _queries(lambda: selectors.episode_outcomes(practitioner, episode))
    for n in range(2, 30):
        record(_days_ago(300 - n * 10), 1 + n % 10)
    panel_30 = _queries(lambda: selectors.episode_panel(practitioner, episode))
    outcomes_30 = _queries(lambda: selectors.episode_outcomes(practitioner, episode))
    assert panel_2 == panel_30
    assert outcomes_2 == outcomes_30
    assert panel_30 <= 4
