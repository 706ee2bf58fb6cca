import pytest
from django.urls import reverse

from hearth.accounts.models import Role, User


@pytest.fixture
def admin(make):
    return make("ada.admin@example.test", Role.SYSADMIN)


@pytest.mark.django_db
def test_administrator_adds_a_user_with_roles(client_for, admin):
    client = client_for(admin)
    response = client.post(reverse("accounts:admin_user_new"), {
        "email": "new.worker@example.test", "full_name": "New Worker", "job_title": "Family worker",
        "agency": admin.agency_id, "roles": [Role.PRACTITIONER, Role.COORDINATOR],
    })
    assert response["Location"] == reverse("accounts:admin_users")
    user = User.objects.get(email="new.worker@example.test")
    assert user.role_set == {Role.PRACTITIONER, Role.COORDINATOR}
    assert not user.has_usable_password()


@pytest.mark.django_db
def test_adding_a_user_without_roles_or_with_a_taken_email_is_refused(client_for, admin):
    response = client_for(admin).post(reverse("accounts:admin_user_new"), {
        "email": admin.email, "full_name": "Someone", "agency": admin.agency_id})
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Choose at least one role" in body
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_non_administrators_cannot_reach_administration(client_for, practitioner):
    assert client_for(practitioner).get(reverse("accounts:admin_users")).status_code == 403


@pytest.mark.django_db
def test_administrator_edits_the_council_profile_and_stale_edits_are_refused(client_for, admin):
    client = client_for(admin)
    council = admin.council
    data = {"version": council.version, "service_name": "Our Early Help", "review_interval_weeks": 8,
            "mash_phone": "01632 960999", "privacy_explanation": "We record what helps."}
    assert client.post(reverse("accounts:admin_council"), data)["Location"] == reverse("accounts:admin_council")
    council.refresh_from_db()
    assert council.review_interval_weeks == 8 and council.contact("mash_phone") == "01632 960999"
    stale = client.post(reverse("accounts:admin_council"), {**data, "review_interval_weeks": 4})
    assert "Someone else changed this profile" in stale.content.decode()
    council.refresh_from_db()
    assert council.review_interval_weeks == 8


@pytest.mark.django_db
def test_review_interval_out_of_range_is_refused(client_for, admin):
    response = client_for(admin).post(reverse("accounts:admin_council"), {
        "version": admin.council.version, "service_name": "X", "review_interval_weeks": 0})
    assert "The review interval must be at least 1 week" in response.content.decode()
