"""The landing page: a keyset page of the user's families, most recently updated first, and no count of them all."""

import html
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from hearth.families import services as people
from hearth.people.models import Family


def _names(page: str) -> list[str]:
    table = page.split('id="families"', 1)[1].split("</table>", 1)[0]
    return re.findall(r">(The F\d+ family)</a>", table)


def _link(page: str, direction: str) -> str:
    match = re.search(rf'href="(\?{direction}=[^"]+)"', page)
    return html.unescape(match.group(1)) if match else ""


def test_the_families_come_a_page_at_a_time_most_recently_updated_first(practitioner, client_for):
    for n in range(30):
        people.family_create(actor=practitioner, name=f"The F{n:02d} family")
    client = client_for(practitioner)
    first = client.get("/").content.decode()
    assert _names(first) == [f"The F{n:02d} family" for n in range(29, 4, -1)]
    assert "families you work with." not in first  # no count of everything the user may see
    second = client.get("/" + _link(first, "after")).content.decode()
    assert _names(second) == [f"The F{n:02d} family" for n in range(4, -1, -1)]
    back = client.get("/" + _link(second, "before")).content.decode()
    assert _names(back) == _names(first)


def test_a_cursor_that_cannot_be_read_shows_the_first_page(practitioner, client_for):
    people.family_create(actor=practitioner, name="The F00 family")
    for cursor in ("nonsense", "2026-13-45T99:00:00_1", "_", "x" * 500 + "_1", "2026-01-01_99999999999999999999"):
        response = client_for(practitioner).get("/", {"after": cursor})
        assert response.status_code == 200
        assert _names(response.content.decode()) == ["The F00 family"]


def test_the_dashboard_costs_the_same_queries_for_five_families_or_fifty(practitioner, client_for):
    client = client_for(practitioner)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/").status_code == 200
        return len(ctx.captured_queries)

    for n in range(5):
        people.family_create(actor=practitioner, name=f"The F{n:02d} family")
    queries()  # the first page of a session renews it
    few = queries()
    for n in range(5, 50):
        people.family_create(actor=practitioner, name=f"The F{n:02d} family")
    assert queries() == few
    assert Family.objects.count() == 50
