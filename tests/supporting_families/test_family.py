"""A family's part in the Supporting Families programme, as the lead professional records it: headline needs with
their evidence and the council's descriptors, eligibility at the third, and progress judged at closure and once it
has lasted."""

import datetime
import re

import pytest
from django.utils import timezone

from hearth.audit.models import AuditAction, AuditEvent
from hearth.supporting_families.models import Need, Progress
from tests.factories import EpisodeFactory
from tests.supporting_families.conftest import close, days_ago

pytestmark = pytest.mark.django_db


def _date(prefix: str, day: datetime.date) -> dict:
    return {f"{prefix}-day": day.day, f"{prefix}-month": day.month, f"{prefix}-year": day.year}


def record_need(client, family, need: str, descriptor: str, *, evidence="The school's register", on=None,
                person=""):
    return client.post(f"/families/{family.pk}/supporting-families/needs/new", {
        "need": need, "descriptor": descriptor, "person": person, "evidence": evidence,
        **_date("identified_on", on or days_ago(30))})


def judge(client, need, stage: str, *, made="yes", on=None, evidence="Attendance 96% over two terms",
          confirmed_by="Attendance officer, Hill School"):
    return client.post(f"/families/{need.family_id}/supporting-families/needs/{need.pk}/progress", {
        "stage": stage, "made": made, "evidence": evidence, "confirmed_by": confirmed_by,
        **_date("judged_on", on or timezone.localdate())})


def errors(response) -> list[str]:
    page = response.content.decode()
    assert "govuk-error-summary" in page, "no error summary"
    return re.findall(r'<a href="#[^"]*">(.*?)</a>', page.split("govuk-error-summary__list", 1)[1].split("</ul>")[0])


def test_the_lead_records_three_needs_and_the_family_becomes_eligible(client_for, practitioner, family, mum, episode,
                                                                    taking_part):
    client = client_for(practitioner)
    page = client.get(f"/families/{family.pk}").content.decode()
    assert "No headline needs recorded." in page
    # First the need, then what shows it in the council's words.
    choose = client.get(f"/families/{family.pk}/supporting-families/needs/new").content.decode()
    assert "Getting a good education" in choose and "Financial stability" in choose
    form = client.get(f"/families/{family.pk}/supporting-families/needs/new", {"need": "education"}).content.decode()
    assert "A child misses 10% or more of school sessions, or is often late" in form
    response = record_need(client, family, "education", "persistent_absence", on=days_ago(40))
    assert response.status_code == 302
    record_need(client, family, "housing", "homelessness_risk", on=days_ago(20), person=mum.pk)
    page = client.get(f"/families/{family.pk}/supporting-families").content.decode()
    assert "The family has 2 of the programme's ten headline needs. It is eligible with 3." in page
    record_need(client, family, "finances", "debt", on=days_ago(10))
    page = client.get(f"/families/{family.pk}/supporting-families").content.decode()
    assert f"it joined the programme on {days_ago(10):%-d %B %Y}, when its third need was identified" in page
    assert "The family&#39;s home is overcrowded or unsafe" not in page  # not the descriptor chosen
    assert "The family is homeless or at risk of losing their home" in page and "Jo Testfamily" in page
    summary = client.get(f"/families/{family.pk}").content.decode()
    assert "3 headline needs: Getting a good education; Secure housing; Financial stability." in summary
    assert "Eligible</strong>" in summary
    assert AuditEvent.objects.filter(actor=practitioner, action=AuditAction.CREATE,
                                     object_type="supporting_families.need").count() == 3


def test_a_need_with_bad_answers_is_refused_and_nothing_is_saved(client_for, practitioner, family, episode,
                                                                 taking_part):
    client = client_for(practitioner)
    response = record_need(client, family, "education", "", evidence="  ", on=timezone.localdate()
                           + datetime.timedelta(days=3))
    assert errors(response) == ["Choose which of the council&#39;s descriptors shows the need",
                                "Enter the evidence of the need",
                                "The date the need was identified must be today or in the past"]
    assert errors(record_need(client, family, "education", "debt")) == [
        "Select what shows the need, in the council&#39;s descriptors"]
    record_need(client, family, "education", "excluded")
    assert errors(record_need(client, family, "education", "persistent_absence")) == [
        "“Getting a good education” is already recorded for this family"]
    assert Need.objects.filter(family=family).count() == 1


def test_a_council_that_does_not_take_part_is_told_so(client_for, practitioner, family, episode):
    client = client_for(practitioner)
    assert "Supporting Families" not in client.get(f"/families/{family.pk}").content.decode()
    page = client.get(f"/families/{family.pk}/supporting-families").content.decode()
    assert "does not take part in the Supporting Families programme" in page
    assert errors(record_need(client, family, "crime", "")) == [
        "This council does not take part in the Supporting Families programme"]


def test_someone_who_may_not_see_the_family_cannot_read_or_record(client_for, other_practitioner, family, episode,
                                                                  taking_part):
    client = client_for(other_practitioner)
    assert client.get(f"/families/{family.pk}/supporting-families").status_code == 403
    assert record_need(client, family, "education", "excluded").status_code == 403
    assert not Need.objects.exists()


def test_progress_is_judged_at_closure_then_once_it_has_lasted(client_for, practitioner, family, episode,
                                                               taking_part):
    client = client_for(practitioner)
    record_need(client, family, "education", "persistent_absence", on=days_ago(400))
    need = Need.objects.get(family=family)
    assert errors(judge(client, need, "closure")) == [
        "The family&#39;s Early Help is still open: judge progress once it has closed"]
    close(episode, days_ago(250))
    assert errors(judge(client, need, "sustained")) == [
        "Judge the progress when the episode closed first: it must show progress to be sustained"]
    assert errors(judge(client, need, "closure", on=days_ago(260))) == [
        f"The judgement must be on or after the episode closed ({days_ago(250):%-d %B %Y})"]
    assert judge(client, need, "closure", on=days_ago(250)).status_code == 302
    # Six months (the council's period) from the judgement at closure.
    from hearth.core.dates import add_months
    from_day = add_months(days_ago(250), 6)
    too_soon = from_day - datetime.timedelta(days=1)
    assert errors(judge(client, need, "sustained", on=too_soon)) == [
        f"Progress can be judged sustained from {from_day:%-d %B %Y}, 6 months after the judgement at closure"]
    assert errors(judge(client, need, "sustained", evidence="", confirmed_by="")) == [
        "Enter the evidence of the progress", "Enter who confirmed it, and from what source"]
    assert judge(client, need, "sustained").status_code == 302
    need.refresh_from_db()
    assert need.progress_at_closure and need.progress_sustained and need.sustained_on == timezone.localdate()
    page = client.get(f"/families/{family.pk}/supporting-families").content.decode()
    assert "Attendance officer, Hill School" in page and "Sustained</strong>" in page
    assert Progress.objects.filter(need=need).count() == 2


def test_a_family_back_in_early_help_has_not_sustained_its_progress(client_for, practitioner, family, episode,
                                                                    taking_part):
    client = client_for(practitioner)
    record_need(client, family, "crime", "offending", on=days_ago(400))
    need = Need.objects.get(family=family)
    close(episode, days_ago(300))
    judge(client, need, "closure", on=days_ago(300))
    again = EpisodeFactory(family=family, actor=practitioner, lead=practitioner, started_on=days_ago(100))
    close(again, days_ago(20))
    assert errors(judge(client, need, "sustained")) == [
        "The family came back to Early Help after the judgement at closure, so the progress was not sustained"]
    assert judge(client, need, "sustained", made="no").status_code == 302
    need.refresh_from_db()
    assert need.progress_sustained is False


def test_a_need_taken_off_the_record_stays_in_its_history(client_for, practitioner, family, episode, taking_part):
    client = client_for(practitioner)
    record_need(client, family, "housing", "unsuitable_housing")
    need = Need.objects.get(family=family)
    url = f"/families/{family.pk}/supporting-families/needs/{need.pk}/remove"
    assert errors(client.post(url, {"reason": ""})) == ["Enter why the need is being taken off the record"]
    assert client.post(url, {"reason": "Recorded for the wrong family"}).status_code == 302
    page = client.get(f"/families/{family.pk}/supporting-families").content.decode()
    assert "Taken off the record" in page and "Recorded for the wrong family" in page
    assert "The family has 0 of the programme" in page
    # It can be recorded again.
    assert record_need(client, family, "housing", "homelessness_risk").status_code == 302
