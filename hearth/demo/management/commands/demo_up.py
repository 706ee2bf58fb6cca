from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from hearth.demo import generator


class Command(BaseCommand):
    help = "Prepare a demo: migrate, load the council profiles and the demo council, collect static files."

    def handle(self, *args, **options):
        call_command("migrate", verbosity=0)
        call_command("load_profiles", stdout=self.stdout)
        call_command("load_demo", stdout=self.stdout)
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write("")
        self.stdout.write("Hearth is starting at http://127.0.0.1:8000")
        self.stdout.write(f"Demo sign-ins (password for all: {generator.DEMO_PASSWORD}):")
        for local, name, _title, agency, _team, _loc, roles in generator.DEMO_USERS:
            role_names = ", ".join(str(r.label) for r in roles)
            email = f"{local}@{generator.DEMO_DOMAIN}"
            self.stdout.write(f"  {email:<32} {name} – {role_names}, {agency}")
        if settings.DEMO_MODE:
            self.stdout.write("Demo setting is on: demo accounts sign in without a security code.")
        else:
            self.stdout.write(f"Two-factor: add the key {generator.DEMO_TOTP_SECRET} to an authenticator app.")
