"""Reading an assessment: the audited detail, the episode page's panel in a fixed number of queries, and the
latest completed version loaded with its parts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import cover
from hearth.accounts.models import AgencyKind, Role
from hearth.assessments import selectors, services
from hearth.assessments.models import SectionKey, ViewMethod
from hearth.audit.models import AuditAction, AuditEvent
from hearth.cases.models import Episode
from hearth.core.errors import NotPermitted
from tests.assessments.conftest import invite

pytestmark = pytest.mark.django_db


# --- reads --------------------------------------------------------------------------------------------


def test_viewing_the_assessment_is_audited_and_refused_to_others(practitioner, other_practitioner, assessment):
    detail = selectors.assessment_detail(practitioner, assessment.pk)
    assert [s.key for s in detail.section_list] == SectionKey.values
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="assessments.assessment",
                                     actor=practitioner).exists()
    with pytest.raises(NotPermitted):
        selectors.assessment_detail(other_practitioner, assessment.pk)


def _panel_queries(user, episode) -> tuple[int, dict]:
    episode = Episode.objects.select_related("family", "lead_professional__team").get(pk=episode.pk)
    with CaptureQueriesContext(connection) as ctx:
        panel = selectors.episode_panel(user, episode)
    return len(ctx.captured_queries), panel


def test_the_episode_panel_counts_progress_in_a_fixed_number_of_queries(practitioner, assessment, health_visitor,
                                                                       make, council, write_background):
    small, panel = _panel_queries(practitioner, assessment.episode)
    a = panel["assessment"]
    assert (a.sections_written, a.child_views_recorded, a.child_views_total, a.contributions_awaiting) == (0, 0, 2, 0)
    write_background(assessment)
    view = assessment.child_views.first()
    services.child_view_save(actor=practitioner, child_view=view, version=1, method=ViewMethod.OBSERVATION,
                             in_their_words="Smiling", worker_reflection="")
    for i in range(5):
        user = make(f"p{i}@example.test", Role.PRACTITIONER, kind=AgencyKind.VOLUNTARY, agency_name=f"Charity {i}")
        cover(assessment.family, user)
        invite(practitioner, assessment, user)
    large, panel = _panel_queries(practitioner, assessment.episode)
    a = panel["assessment"]
    assert (a.sections_written, a.child_views_recorded, a.contributions_awaiting) == (1, 1, 5)
    assert small == large <= 8
    assert panel["can_start"] is False


def test_the_episode_panel_offers_to_start_when_there_is_no_assessment(practitioner, episode):
    panel = selectors.episode_panel(practitioner, episode)
    assert panel["assessment"] is None and panel["can_start"] is True


def test_latest_completed_is_loaded_with_its_parts(practitioner, completed):
    services.assessment_new_version(actor=practitioner, assessment=completed)
    latest = selectors.latest_completed(practitioner, completed.episode)
    assert latest.pk == completed.pk
    with CaptureQueriesContext(connection) as ctx:
        texts = [s.facts for s in latest.section_list] + [v.child.full_name for v in latest.child_view_list]
        texts += [c.author.agency.name for c in latest.contribution_list]
        rows = latest.score_rows
    assert len(ctx.captured_queries) == 0
    assert texts and len(rows) == 10
