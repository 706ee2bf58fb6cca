"""The dashboard lists families by their last activity, the last change to anything in their record, and shows it:
an action's status changing is activity too."""

import re
from datetime import timedelta

from django.utils import timezone

from hearth.people.models import Family
from hearth.plans import services as plans
from hearth.plans.models import ActionStatus
from tests import factories


def _families(page: str) -> list[tuple[str, str]]:
    """Each family's name and last activity, in the order the dashboard lists them."""
    table = page.split('id="families"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", table.split("<tbody", 1)[1], re.S)
    return [(re.search(r">(The [^<]+ family)</a>", row).group(1),
             " ".join(re.sub(r"<[^>]+>", " ", re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[-1]).split()))
            for row in rows]


def test_an_actions_status_changing_moves_its_family_to_the_top(practitioner, client_for):
    planned = factories.FamilyFactory(actor=practitioner, name="The Planned family")
    episode = factories.EpisodeInPlanFactory(family=planned, actor=practitioner)
    action = plans.action_add(actor=practitioner, episode=episode, what="Book the dentist",
                              due_on=timezone.localdate() + timedelta(days=14), owner_user=practitioner)
    busy = factories.FamilyFactory(actor=practitioner, name="The Busy family")
    long_ago = timezone.now() - timedelta(days=30)
    Family.objects.filter(pk=planned.pk).update(updated_at=long_ago)
    Family.objects.filter(pk=busy.pk).update(updated_at=long_ago + timedelta(days=1))
    client = client_for(practitioner)
    before = _families(client.get("/").content.decode())
    assert [name for name, _ in before] == ["The Busy family", "The Planned family"]
    assert before[1][1] == timezone.localdate(long_ago).strftime("%-d %b %Y")

    action.refresh_from_db()
    plans.action_update_status(actor=practitioner, action=action, version=action.version,
                               status=ActionStatus.IN_PROGRESS)

    after = _families(client.get("/").content.decode())
    assert after == [("The Planned family", timezone.localdate().strftime("%-d %b %Y")),
                     before[0]]


def test_looking_at_a_family_does_not_move_it(practitioner, client_for):
    quiet = factories.FamilyFactory(actor=practitioner, name="The Quiet family")
    busy = factories.FamilyFactory(actor=practitioner, name="The Busy family")
    Family.objects.filter(pk=quiet.pk).update(updated_at=timezone.now() - timedelta(days=3))
    Family.objects.filter(pk=busy.pk).update(updated_at=timezone.now() - timedelta(days=1))
    client = client_for(practitioner)
    assert client.get(f"/families/{quiet.pk}").status_code == 200
    assert [name for name, _ in _families(client.get("/").content.decode())] == ["The Busy family",
                                                                                 "The Quiet family"]
