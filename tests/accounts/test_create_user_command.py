import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hearth.accounts.models import Agency, AgencyKind, User


@pytest.mark.django_db
def test_create_user_command_creates_a_user_with_roles(council):
    Agency.objects.create(council=council, name="Early Help", kind=AgencyKind.EARLY_HELP_TEAM)
    call_command("create_user", "--email", "new.admin@example.test", "--name", "New Admin", "--agency", "Early Help",
                 "--role", "sysadmin", "--password", "a long enough passphrase")
    user = User.objects.get(email="new.admin@example.test")
    assert user.role_set == {"sysadmin"} and user.check_password("a long enough passphrase")


@pytest.mark.django_db
def test_create_user_command_refuses_an_unknown_agency_and_a_weak_password(council):
    with pytest.raises(CommandError, match="No single agency called 'Nowhere'"):
        call_command("create_user", "--email", "x@example.test", "--name", "X", "--agency", "Nowhere",
                     "--role", "practitioner", "--password", "a long enough passphrase")
    Agency.objects.create(council=council, name="Early Help", kind=AgencyKind.EARLY_HELP_TEAM)
    with pytest.raises(CommandError, match="too short"):
        call_command("create_user", "--email", "x@example.test", "--name", "X", "--agency", "Early Help",
                     "--role", "practitioner", "--password", "short")
    assert not User.objects.exists()
