"""The public request-for-support page: no sign-in, spam and abuse protection, confirmation."""

import logging
import time

import pytest
from django.test import override_settings
from django.urls import reverse

from hearth.audit.models import AuditAction, AuditEvent
from hearth.referrals.forms import start_token
from hearth.referrals.models import Referral, ReferralStatus, Urgency
from tests.referrals.factories import public_form_data

URL = "/request-support"


@pytest.mark.django_db
def test_the_page_explains_what_is_recorded_before_the_form_without_signing_in(client, council):
    response = client.get(URL)
    body = response.content.decode()
    assert response.status_code == 200
    explanation = council.privacy_explanation.split("\n")[0].strip()
    assert explanation and explanation in body
    assert body.index(explanation) < body.index('name="concerns"')
    assert "Leave this blank" in body
    assert 'name="started"' in body


@pytest.mark.django_db
def test_a_request_is_sent_and_the_confirmation_shows_its_reference(client, council):
    response = client.post(URL, public_form_data(), follow=True)
    body = response.content.decode()
    referral = Referral.objects.get()
    assert response.redirect_chain[-1][0] == reverse("referrals:public_sent")
    assert referral.reference in body
    assert "What happens next" in body
    assert (referral.council, referral.status, referral.requester_name) == (
        council, ReferralStatus.AWAITING_SCREENING, "Jo Sample")
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_id=str(referral.pk))
    assert event.actor_id is None


@pytest.mark.django_db
def test_a_family_that_says_a_child_may_not_be_safe_is_told_when_and_goes_up_the_queue(client, client_for, council,
                                                                                      screener):
    page = client.get(URL).content.decode()
    assert "Is any of these happening to a child in your family now?" in page
    assert "A child is frightened to go home" in page
    response = client.post(URL, {**public_form_data(), "same_day_triggers": ["frightened"]}, follow=True)
    body = response.content.decode()
    referral = Referral.objects.get()
    assert (referral.same_day_triggers, referral.urgency) == (["frightened"], Urgency.SAME_DAY)
    assert "You told us a child may not be safe" in body and "We will read your request" in body
    queue = client_for(screener).get(reverse("referrals:queue")).content.decode()
    # The screener reads the guidance's own words for the situation the family ticked.
    assert "The child is frightened to return home" in queue


@pytest.mark.django_db
def test_a_request_with_no_situation_ticked_is_routine_and_says_nothing_of_urgency(client, council):
    body = client.post(URL, public_form_data(), follow=True).content.decode()
    assert Referral.objects.get().urgency == Urgency.ROUTINE
    assert "You told us a child may not be safe" not in body


@pytest.mark.django_db
def test_a_situation_that_is_not_listed_is_refused(client, council):
    body = client.post(URL, {**public_form_data(), "same_day_triggers": ["made_up"]}).content.decode()
    assert "Choose only from the situations listed" in body
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_a_sent_request_appears_in_the_screening_queue(client, client_for, council, screener):
    client.post(URL, public_form_data())
    referral = Referral.objects.get()
    body = client_for(screener).get(reverse("referrals:queue")).content.decode()
    assert referral.reference in body
    assert "A parent or carer" in body


@pytest.mark.django_db
@pytest.mark.parametrize("overrides, shown", [
    pytest.param({"website": "http://spam.example"}, ["Leave the box labelled"], id="a filled-in honeypot"),
    pytest.param({"started": f"{time.time() - 60}"}, ["could not be checked"], id="a forged timestamp"),
    pytest.param({"email": "", "phone": ""}, ["There is a problem", "Enter an email address or a phone number"],
                 id="no email or phone"),
    pytest.param({"postcode": "OX4 3LI"}, ["Enter a real UK postcode", "Max will not go to school."],
                 id="a bad postcode, the text kept"),
    pytest.param({"agrees": None}, ["Confirm that you agree to this request for support"], id="no agreement"),
])
def test_a_request_that_fails_a_check_is_refused_saying_why_and_nothing_is_saved(client, council, overrides, shown):
    data = {name: value for name, value in public_form_data(**overrides).items() if value is not None}
    response = client.post(URL, data)
    assert response.status_code == 200
    body = response.content.decode()
    for text in shown:
        assert text in body
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_a_form_sent_within_three_seconds_of_opening_is_refused(client, council):
    response = client.post(URL, public_form_data(started=start_token()))
    assert "sent very quickly" in response.content.decode()
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_a_sixth_request_in_an_hour_from_one_address_is_refused_with_status_429(client, council):
    for n in range(5):
        assert client.post(URL, public_form_data(name=f"Parent {n}")).status_code == 302
    response = client.post(URL, public_form_data(name="Parent six"))
    assert response.status_code == 429
    assert "Several requests for support have been sent from this connection" in response.content.decode()
    assert Referral.objects.count() == 5


@pytest.mark.django_db
def test_the_rate_limit_is_per_address(client, council):
    with override_settings(HEARTH_PUBLIC_REQUEST_LIMIT=1):
        assert client.post(URL, public_form_data(), REMOTE_ADDR="192.0.2.1").status_code == 302
        assert client.post(URL, public_form_data(), REMOTE_ADDR="192.0.2.1").status_code == 429
        assert client.post(URL, public_form_data(), REMOTE_ADDR="192.0.2.2").status_code == 302


@pytest.mark.django_db
def test_repeated_spam_attempts_count_towards_the_limit(client, council):
    with override_settings(HEARTH_PUBLIC_REQUEST_LIMIT=2):
        client.post(URL, public_form_data(website="spam"))
        client.post(URL, public_form_data(website="spam"))
        assert client.post(URL, public_form_data()).status_code == 429


@pytest.mark.django_db
def test_a_phone_number_alone_is_enough(client, council):
    assert client.post(URL, public_form_data(email="", phone="07700 900982")).status_code == 302
    assert Referral.objects.get().requester_phone == "07700 900982"


@pytest.mark.django_db
def test_personal_details_are_not_written_to_the_logs(client, council, caplog):
    with caplog.at_level(logging.DEBUG):
        client.post(URL, public_form_data(name="Zebedee Uniquename", email="zebedee@example.test"))
        client.post(URL, public_form_data(name="Zebedee Uniquename", postcode="bad"))
    assert Referral.objects.count() == 1
    assert "Uniquename" not in caplog.text and "zebedee@" not in caplog.text


@pytest.mark.django_db
def test_a_named_council_has_its_own_page(client, council, other_council):
    response = client.get(f"/councils/{other_council.code}/request-support")
    assert response.status_code == 200
    assert other_council.service_name in response.content.decode()
    client.post(f"/councils/{other_council.code}/request-support", public_form_data())
    assert Referral.objects.get().council == other_council


@pytest.mark.django_db
def test_an_unknown_council_is_not_found(client, council):
    assert client.get("/councils/nowhere/request-support").status_code == 404


@pytest.mark.django_db
def test_with_several_councils_and_no_default_the_person_chooses_theirs(client, council, other_council):
    body = client.get(URL).content.decode()
    assert reverse("referrals:public_request_council", args=[council.code]) in body
    assert reverse("referrals:public_request_council", args=[other_council.code]) in body


@pytest.mark.django_db
def test_the_default_council_setting_chooses_the_council(client, council, other_council):
    with override_settings(HEARTH_DEFAULT_COUNCIL=other_council.code):
        client.post(URL, public_form_data())
    assert Referral.objects.get().council == other_council


@pytest.mark.django_db
def test_the_confirmation_page_without_a_request_goes_back_to_the_form(client, council):
    response = client.get(reverse("referrals:public_sent"))
    assert response.status_code == 302 and response["Location"] == reverse("referrals:public_request")


@pytest.mark.django_db
def test_the_privacy_notice_is_shown_as_paragraphs_not_as_its_source_lines(client, council):
    council.privacy_explanation = (
        "When you agree to an Early Help Assessment, we complete it\n"
        "with you & your family.\n"
        "\n"
        "We ask for your consent\r\n"
        "at the start.\n"
    )
    council.save(update_fields=["privacy_explanation"])
    body = client.get(URL).content.decode()
    assert ('<p class="govuk-body">When you agree to an Early Help Assessment, we complete it with you &amp; your'
            ' family.</p>') in body
    assert '<p class="govuk-body">We ask for your consent at the start.</p>' in body
    notice = body[body.index('id="privacy-explanation"'):body.index("Read more about how we use information")]
    assert "hearth-pre-line" not in notice and "<br" not in notice
