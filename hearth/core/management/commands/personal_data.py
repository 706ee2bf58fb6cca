from django.core.management.base import BaseCommand

from hearth.core import personal_data


class Command(BaseCommand):
    help = ("Print the register of personal data: every record Hearth keeps about people and families, with its "
            "retention record type, subject access section, how erasure treats it and the copies that include it.")

    def handle(self, *args, **options):
        self.stdout.write(personal_data.as_markdown(), ending="")
