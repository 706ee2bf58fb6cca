"""The dashboard's family list shows each family's stage, status, next review and real last activity, loaded in a
fixed number of queries however many families the user works with."""

import re
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hearth.assessments import services as assessments
from hearth.assessments.models import Assessment, Section
from hearth.cases import notes as case_notes
from hearth.cases.models import CaseNote, Episode
from hearth.families import services as people
from hearth.people.models import Family, Person
from hearth.plans.models import Review, ReviewDecision
from tests import factories


def _rows(page: str) -> dict[str, list[str]]:
    """Each family's row as the cells' text, by family name."""
    table = page.split('id="families"', 1)[1].split("</table>", 1)[0]
    rows = {}
    for row in re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", table.split("<tbody", 1)[1], re.S):
        cells = [" ".join(re.sub(r"<[^>]+>", " ", c).split())
                 for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        rows[re.search(r">(The [^<]+ family)</a>", row).group(1)] = cells
    return rows


def _backdate(family: Family, when) -> None:
    """As if everything recorded about the family had been recorded at `when`."""
    Family.objects.filter(pk=family.pk).update(updated_at=when)
    Episode.objects.filter(family=family).update(updated_at=when)
    CaseNote.objects.filter(family=family).update(created_at=when, updated_at=when)
    Assessment.objects.filter(family=family).update(started_at=when)
    Section.objects.filter(assessment__family=family).update(updated_at=when)
    Person.objects.filter(memberships__family=family).update(updated_at=when)


def test_each_family_shows_its_stage_status_next_review_and_last_activity(practitioner, client_for):
    today = timezone.localdate()
    drafting = factories.FamilyFactory(actor=practitioner, name="The Draft family")
    assessments.assessment_start(actor=practitioner,
                                 episode=factories.EpisodeFactory(family=drafting, actor=practitioner))
    reviewing = factories.FamilyFactory(actor=practitioner, name="The Review family")
    episode = factories.EpisodeInPlanFactory(family=reviewing, actor=practitioner)
    Review.objects.create(episode=episode, held_on=today - timedelta(weeks=7), summary="Going well",
                          decision=ReviewDecision.CONTINUE, recorded_by=practitioner)
    Episode.objects.filter(pk=episode.pk).update(next_review_due=today - timedelta(days=9))
    closed = factories.FamilyFactory(actor=practitioner, name="The Closed family")
    factories.ClosedEpisodeFactory(family=closed, actor=practitioner)
    people.family_create(actor=practitioner, name="The New family")

    page = client_for(practitioner).get("/").content.decode()
    rows = _rows(page)

    overdue_on = (today - timedelta(days=9)).strftime("%-d %b %Y")
    # Family | Stage and status | Next review | Last activity
    assert rows["The Draft family"][1:3] == ["Assessment in progress Open", "None due"]
    assert rows["The Review family"][1:3] == ["Review Open", f"{overdue_on} Overdue"]
    assert rows["The Closed family"][1:3] == ["Closed", "None due"]
    assert rows["The New family"][1:3] == ["No episode", "None due"]
    assert 'govuk-tag--red govuk-!-font-size-16">Overdue' in page
    assert all(cells[3] == today.strftime("%-d %b %Y") for cells in rows.values())


def test_a_review_still_to_come_is_not_overdue(practitioner, client_for):
    family = factories.FamilyFactory(actor=practitioner, name="The Plan family")
    episode = factories.EpisodeInPlanFactory(family=family, actor=practitioner)
    due = timezone.localdate() + timedelta(days=20)
    Episode.objects.filter(pk=episode.pk).update(next_review_due=due)
    rows = _rows(client_for(practitioner).get("/").content.decode())
    assert rows["The Plan family"][1:3] == ["Plan Open", due.strftime("%-d %b %Y")]


def test_last_activity_is_the_last_change_and_moves_when_a_case_note_is_added(practitioner, client_for):
    family = factories.FamilyFactory(actor=practitioner, name="The Quiet family")
    factories.EpisodeFactory(family=family, actor=practitioner)
    long_ago = timezone.now() - timedelta(days=40)
    _backdate(family, long_ago)
    client = client_for(practitioner)
    assert _rows(client.get("/").content.decode())["The Quiet family"][3] == \
        timezone.localdate(long_ago).strftime("%-d %b %Y")

    case_notes.note_add(actor=practitioner, family=family, note_type="phone",
                        occurred_on=timezone.localdate() - timedelta(days=3), summary="Phoned mum")
    assert _rows(client.get("/").content.decode())["The Quiet family"][3] == \
        timezone.localdate().strftime("%-d %b %Y")


def test_the_columns_cost_the_same_queries_for_three_families_at_every_stage_or_thirty(practitioner, client_for):
    client = client_for(practitioner)

    def add(n: int) -> None:
        family = factories.FamilyFactory(actor=practitioner, name=f"The F{n:02d} family")
        if n % 3 == 0:
            assessments.assessment_start(actor=practitioner,
                                         episode=factories.EpisodeFactory(family=family, actor=practitioner))
        elif n % 3 == 1:
            factories.EpisodeInPlanFactory(family=family, actor=practitioner)
        else:
            factories.ClosedEpisodeFactory(family=family, actor=practitioner)
        case_notes.note_add(actor=practitioner, family=family, note_type="phone", occurred_on=timezone.localdate(),
                            summary="Phoned")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/").status_code == 200
        return len(ctx.captured_queries)

    for n in range(3):
        add(n)
    queries()  # the first page of a session renews it
    few = queries()
    for n in range(3, 30):
        add(n)
    assert queries() == few
