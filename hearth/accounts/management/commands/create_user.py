import getpass

from django.core.management.base import BaseCommand, CommandError

from hearth.accounts import services
from hearth.accounts.models import Agency, Role
from hearth.core.errors import ValidationFailed


class Command(BaseCommand):
    help = "Create a user. They set up two-factor authentication at first sign-in."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--agency", required=True, help="The agency's exact name")
        parser.add_argument("--council", help="Council code, when agencies of that name exist in more than one")
        parser.add_argument("--role", action="append", required=True, choices=Role.values)
        parser.add_argument("--password", help="Omit to be asked for it")

    def handle(self, *args, email, name, agency, council, role, password, **options):
        agencies = Agency.objects.filter(name=agency)
        if council:
            agencies = agencies.filter(council__code=council)
        if agencies.count() != 1:
            raise CommandError(f"No single agency called '{agency}'. Check the name (and give --council if needed)")
        password = password or getpass.getpass("Password: ")
        from django.contrib.auth.password_validation import ValidationError, validate_password

        try:
            validate_password(password)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        try:
            user = services.user_create(actor=None, email=email, full_name=name, agency=agencies.get(), roles=role,
                                        password=password)
        except ValidationFailed as exc:
            raise CommandError("; ".join(exc.errors.values())) from exc
        self.stdout.write(f"Created {user.email}")
