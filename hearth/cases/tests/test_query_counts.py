"""The episode page loads a fixed number of queries however long the family's history."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from hearth.demo.history import build_long_history


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_episode_page_query_count_does_not_grow_with_history(council, practitioner, client_for):
    client = client_for(practitioner)
    short = build_long_history(council=council, lead=practitioner, years=1, reviews=1, notes=2, members=3)
    long = build_long_history(council=council, lead=practitioner, years=5, reviews=30, notes=200, members=10,
                              seed=8)
    short_count = _queries(client, f"/episodes/{short.pk}")
    long_count = _queries(client, f"/episodes/{long.pk}")
    assert long_count == short_count
    assert long_count <= 45, long_count


def test_the_long_episode_page_shows_its_history(council, practitioner, client_for):
    episode = build_long_history(council=council, lead=practitioner)
    page = client_for(practitioner).get(f"/episodes/{episode.pk}").content.decode()
    assert "200 notes in this episode" in page
    assert "Level 3: Complex" in page
