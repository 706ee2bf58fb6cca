from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from markupsafe import escape

from hearth.accounts.models import Role
from hearth.outcomes.models import Reading, ReadingContext
from tests.assertions import assert_says


def _days_ago(n):
    return timezone.localdate() - timedelta(days=n)


def _short(d):
    return f"{d.day} {d:%b %Y}"


def _form(areas, value="5", when=None, **overrides):
    when = when or timezone.localdate()
    data = {"taken_on-day": str(when.day), "taken_on-month": str(when.month), "taken_on-year": str(when.year)}
    data.update({f"score_{a['code']}": value for a in areas})
    data.update(overrides)
    return data


def test_the_outcomes_page_shows_the_scores_a_reader_needs(client_for, practitioner, episode, record):
    record(_days_ago(60), 3, family_routine=(3, 2))
    record(_days_ago(3), 4, family_routine=(6, None), home_and_money=(2, None))
    response = client_for(practitioner).get(reverse("outcomes:episode", kwargs={"episode_id": episode.pk}))
    assert response.status_code == 200
    html = response.content.decode()
    assert_says(html, "Family routine: up 3 points, from 3 to 6", "Home and money: down 1 point, from 3 to 2",
                "Physical health: up 1 point, from 3 to 4",
                "Overall: up 10 points across 10 areas, an average of 1.0 points per area",
                # The data table beside the star chart, as a reader sees it.
                "Outcome scores: first and latest, by area")
    assert ('<th scope="row" class="govuk-table__header">Family routine</th>\n'
            '      <td class="govuk-table__cell govuk-table__cell--numeric">3</td>\n'
            '      <td class="govuk-table__cell govuk-table__cell--numeric">6</td>\n'
            '      <td class="govuk-table__cell govuk-table__cell--numeric">Up 3</td>') in html
    # Every reading, with the family's own score where it differed.
    assert _short(_days_ago(60)) in html and _short(_days_ago(3)) in html
    assert "(family: 2)" in html
    assert html.count('role="img"') == 1 + 10  # the star and one line chart per area
    assert "Check-in" in html
    assert reverse("outcomes:reading_new", kwargs={"episode_id": episode.pk}) in html


def test_the_outcomes_page_says_when_nothing_is_recorded(client_for, practitioner, episode):
    response = client_for(practitioner).get(reverse("outcomes:episode", kwargs={"episode_id": episode.pk}))
    assert response.status_code == 200
    assert "No outcome scores have been recorded yet." in response.content.decode()


def test_someone_not_working_with_the_family_is_shown_no_scores(client_for, make, episode, record):
    record(_days_ago(3), 4)
    stranger = make("sam.stranger@example.test", Role.PRACTITIONER)
    client = client_for(stranger)
    for name in ("outcomes:episode", "outcomes:reading_new"):
        response = client.get(reverse(name, kwargs={"episode_id": episode.pk}))
        assert response.status_code == 403
        assert "Family routine" not in response.content.decode()


def test_recording_scores_at_a_check_in(client_for, practitioner, episode, areas):
    client = client_for(practitioner)
    url = reverse("outcomes:reading_new", kwargs={"episode_id": episode.pk})
    page = client.get(url).content.decode()
    assert "Keeping your children safe" in page
    assert 'for="id_score_family_routine"' in page and 'for="id_family_score_family_routine"' in page
    response = client.post(url, _form(areas, "6", when=_days_ago(1), family_score_family_routine="4"))
    assert response.status_code == 302
    assert response.url == reverse("outcomes:episode", kwargs={"episode_id": episode.pk})
    reading = Reading.objects.get()
    assert reading.context == ReadingContext.CHECK_IN and reading.taken_on == _days_ago(1)
    assert reading.scores.get(area="family_routine").family_score == 4
    assert "The scores have been recorded." in client.get(response.url).content.decode()


def test_a_score_that_is_not_a_number_is_shown_as_an_error_and_the_input_is_kept(
        client_for, practitioner, episode, areas):
    url = reverse("outcomes:reading_new", kwargs={"episode_id": episode.pk})
    response = client_for(practitioner).post(url, _form(areas, score_family_routine="abc", score_home_and_money="11"))
    assert response.status_code == 200
    html = response.content.decode()
    assert_says(html, "There is a problem", "The score for Family routine must be a whole number from 1 to 10",
                "The score for Home and money must be a whole number from 1 to 10", 'href="#id_score_family_routine"',
                'value="abc"')
    assert not Reading.objects.exists()


def test_a_missing_score_and_a_future_date_are_shown_as_errors(client_for, practitioner, episode, areas):
    url = reverse("outcomes:reading_new", kwargs={"episode_id": episode.pk})
    future = timezone.localdate() + timedelta(days=2)
    response = client_for(practitioner).post(url, _form(areas, when=future, score_progress_to_work=""))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a score from 1 to 10 for Progress to work" in html
    assert "Date the scores were taken must be today or in the past" in html
    assert not Reading.objects.exists()


def test_a_date_before_the_episode_started_is_refused_by_the_service_and_shown(
        client_for, practitioner, episode, areas):
    url = reverse("outcomes:reading_new", kwargs={"episode_id": episode.pk})
    response = client_for(practitioner).post(url, _form(areas, when=episode.started_on - timedelta(days=1)))
    assert response.status_code == 200
    assert "must be on or after the episode started" in response.content.decode()
    assert not Reading.objects.exists()


def _page_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_outcomes_page_takes_the_same_queries_for_2_readings_as_for_30(client_for, practitioner, episode, record):
    client = client_for(practitioner)
    url = reverse("outcomes:episode", kwargs={"episode_id": episode.pk})
    for n in range(2):
        record(_days_ago(300 - n), 3 + n)
    with_2 = _page_queries(client, url)
    for n in range(2, 30):
        record(_days_ago(300 - n * 10), 1 + n % 10)
    assert _page_queries(client, url) == with_2
    html = client.get(url).content.decode()
    assert "(sets 1 to 5 of 30)" in html and "(sets 26 to 30 of 30)" in html


def test_the_episode_panel_shows_the_star_beside_its_data_table(rf, practitioner, episode, record):
    from django.template.loader import render_to_string

    from hearth.outcomes import selectors

    record(_days_ago(60), 3)
    record(_days_ago(3), 5, family_routine=(8, None))
    request = rf.get("/")
    request.user = practitioner
    request.csp_nonce = ""
    panel = selectors.episode_panel(practitioner, episode)
    html = render_to_string("outcomes/_episode_panel.html", {"panel": panel, "episode": episode,
                                                             "council": episode.family.council}, request=request)
    assert 'role="img"' in html
    assert "<caption" in html and "Outcome scores: first and latest, by area" in html
    assert ('<th scope="row" class="govuk-table__header">Family routine</th>\n'
            '      <td class="govuk-table__cell govuk-table__cell--numeric">3</td>\n'
            '      <td class="govuk-table__cell govuk-table__cell--numeric">8</td>\n'
            '      <td class="govuk-table__cell govuk-table__cell--numeric">Up 5</td>') in html
    assert reverse("outcomes:episode", kwargs={"episode_id": episode.pk}) in html
    assert reverse("outcomes:reading_new", kwargs={"episode_id": episode.pk}) in html



def test_two_sets_of_scores_on_one_day_are_both_on_the_chart_and_in_the_table(client_for, practitioner, episode,
                                                                               record):
    day = _days_ago(3)
    record(_days_ago(40), 3)
    record(day, 4, family_routine=(2, None))
    record(day, 6, family_routine=(7, None))  # recorded later the same day
    page = client_for(practitioner).get(reverse("outcomes:episode", kwargs={"episode_id": episode.pk})).content.decode()
    table = page.split('id="readings"', 1)[1].split("</table>", 1)[0]
    assert f">{_short(day)}<" in table and f">{_short(day)} (2)<" in table
    section = page.split('id="area-family_routine"', 1)[1].split("</section>", 1)[0]
    assert section.count("<circle") == 3
    assert f"{_short(day)}: 2; {_short(day)} (2): 7" in section  # the chart's description, in recorded order
    assert "Family routine: up 4 points, from 3 to 7" in page  # the latest is the one recorded last


def _group(html: str, area_name: str) -> str:
    """The fieldset of one area on a score form, from its opening tag to its end."""
    legend = f'<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{area_name}</legend>'
    before, after = html.split(legend, 1)
    return "<fieldset" + before.rsplit("<fieldset", 1)[1] + legend + after.split("</fieldset>", 1)[0]


def test_the_score_form_puts_each_areas_two_scores_in_one_labelled_group(client_for, practitioner, episode, areas):
    url = reverse("outcomes:reading_new", kwargs={"episode_id": episode.pk})
    page = client_for(practitioner).get(url).content.decode()
    for area in areas:
        code = area["code"]
        group = _group(page, area["name"])
        # The two boxes in one row, each labelled with what it is and, for a screen reader, the area.
        assert 'class="govuk-date-input hearth-score-pair"' in group
        assert group.count('class="govuk-date-input__item ') == 2
        assert f'for="id_score_{code}">Score agreed with the family (1 to 10)' in group
        assert f'for="id_family_score_{code}">Family&#39;s own score<span' in group
        assert group.count(f'<span class="govuk-visually-hidden">, {area["name"]}</span>') == 2
        if area.get("description"):  # the area's description is the group's hint, before both boxes
            assert f'aria-describedby="outcome-id_score_{code}-hint"' in group
            assert group.index(str(escape(area["description"]))) < group.index(f'id="id_score_{code}"')


def test_a_score_error_comes_before_both_boxes_and_describes_the_group(client_for, practitioner, episode, areas):
    url = reverse("outcomes:reading_new", kwargs={"episode_id": episode.pk})
    html = client_for(practitioner).post(url, _form(areas, family_score_family_routine="12")).content.decode()
    group = _group(html, "Family routine")
    assert "id_family_score_family_routine-error" in group.split(">", 1)[0]  # the fieldset's aria-describedby
    error = group.index('id="id_family_score_family_routine-error"')
    assert error < group.index('id="id_score_family_routine"')  # above both boxes: they stay level
    assert 'govuk-input--error" id="id_family_score_family_routine"' in group
    assert 'value="12"' in group
    assert 'govuk-input--error" id="id_score_family_routine"' not in group
