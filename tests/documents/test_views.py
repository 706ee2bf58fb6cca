import pytest
from django.urls import reverse

from hearth.audit.models import AuditAction, AuditEvent
from hearth.sharing.models import Disclosure

pytestmark = pytest.mark.django_db


def _urls(journey) -> dict[str, str]:
    return {
        "assessment": reverse("documents:assessment_copy", args=[journey.assessment.pk]),
        "plan": reverse("documents:plan_copy", args=[journey.episode.pk]),
        "review": reverse("documents:review_copy", args=[journey.review.pk]),
        "chronology": reverse("documents:chronology_copy", args=[journey.family.pk]),
        "chronology_pdf": reverse("documents:chronology_pdf", args=[journey.family.pk]),
    }


def test_the_copy_page_asks_who_the_copy_is_for(journey, practitioner, client_for):
    response = client_for(practitioner).get(_urls(journey)["assessment"])
    body = response.content.decode()
    assert response.status_code == 200
    assert "Download a copy for the family" in body
    assert "Who is this copy for?" in body
    # Parents and carers first, then the children, then someone else.
    order = [body.index(text) for text in ("Lee Testfamily (parent or carer with parental responsibility)",
                                           "Jo Testfamily (parent or carer with parental responsibility)",
                                           "Max Testfamily (child or young person)",
                                           "Ruby Testfamily (child or young person)", "Someone else")]
    assert order == sorted(order)
    assert "Download\n</button>" in body
    assert not Disclosure.objects.exists()


def test_the_copy_page_lists_the_kinds_of_record_the_copy_holds_from_the_register(journey, practitioner,
                                                                                   client_for):
    client = client_for(practitioner)
    plan = client.get(_urls(journey)["plan"]).content.decode()
    review = client.get(_urls(journey)["review"]).content.decode()
    assert "The kinds of record in the copy" in plan
    assert "<li>Plan actions</li>" in plan and "<li>Children&#39;s views at meetings</li>" in plan
    assert "<li>Reviews of the plan</li>" not in plan
    assert "<li>Reviews of the plan</li>" in review and "<li>Plan actions</li>" not in review


def test_downloading_without_saying_who_it_is_for_shows_the_error_summary(journey, practitioner, client_for):
    response = client_for(practitioner).post(_urls(journey)["assessment"], {})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "Select who the copy is for" in body
    assert not Disclosure.objects.exists()


def test_someone_else_needs_a_name(journey, practitioner, client_for):
    response = client_for(practitioner).post(_urls(journey)["plan"], {"recipient": "other", "other_recipient": " "})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter the name of the person the copy is for" in body
    assert not Disclosure.objects.exists()


def test_downloading_an_assessment_copy_for_a_parent_records_the_disclosure(journey, practitioner, client_for):
    response = client_for(practitioner).post(_urls(journey)["assessment"], {"recipient": str(journey.mum.pk)})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="early-help-assessment-')
    assert response.content.startswith(b"%PDF-")
    disclosure = Disclosure.objects.get()
    assert disclosure.kind == "assessment_copy"
    assert disclosure.person == journey.mum
    assert disclosure.recipient == "Jo Testfamily (parent or carer with parental responsibility)"
    assert disclosure.disclosed_by == practitioner
    assert disclosure.family == journey.family
    assert disclosure.object_id == str(journey.assessment.pk)
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, family_id=journey.family.pk).exists()
    assert AuditEvent.objects.filter(action=AuditAction.DISCLOSE, family_id=journey.family.pk).exists()


def test_a_plan_copy_for_someone_else_records_who_it_went_to(journey, practitioner, client_for):
    response = client_for(practitioner).post(_urls(journey)["plan"], {"recipient": "other",
                                                                      "other_recipient": "Sam Jones, grandparent"})
    assert response["Content-Type"] == "application/pdf"
    disclosure = Disclosure.objects.get()
    assert disclosure.kind == "plan_copy"
    assert disclosure.person is None
    assert disclosure.recipient == "Sam Jones, grandparent"


def test_a_review_copy_records_a_review_disclosure(journey, practitioner, client_for):
    response = client_for(practitioner).post(_urls(journey)["review"], {"recipient": str(journey.dad.pk)})
    assert response["Content-Type"] == "application/pdf"
    disclosure = Disclosure.objects.get()
    assert (disclosure.kind, disclosure.person) == ("review_copy", journey.dad)


def test_the_chronology_downloads_for_the_practitioners_own_use_audited_but_not_disclosed(journey, practitioner,
                                                                                           client_for):
    response = client_for(practitioner).get(_urls(journey)["chronology_pdf"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="chronology-')
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="people.family",
                                     object_id=str(journey.family.pk)).exists()
    assert not Disclosure.objects.exists()


@pytest.mark.parametrize("name", ["assessment", "plan", "review", "chronology", "chronology_pdf"])
def test_a_user_who_cannot_see_the_family_is_refused_every_download(journey, make, client_for, name):
    stranger = make("sam.stranger@example.test")
    client = client_for(stranger)
    url = _urls(journey)[name]
    for response in (client.get(url), client.post(url, {"recipient": str(journey.mum.pk)})):
        body = response.content.decode()
        assert response.status_code in (403, 405)
        if response.status_code == 403:
            assert "You do not have access" in body
            assert "Testfamily" not in body
    assert not Disclosure.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
    assert AuditEvent.objects.filter(action=AuditAction.DENIED, actor=stranger).exists()


def test_a_copy_of_a_record_that_does_not_exist_is_refused_like_one_not_visible(practitioner, client_for):
    response = client_for(practitioner).get(reverse("documents:assessment_copy", args=[999999]))
    assert response.status_code == 403
