"""`hearth train-matching [--council CODE]`: learn the councils' people-matching models now, as the worker does
every night (hearth.people.tasks)."""

from django.core.management.base import BaseCommand, CommandError

from hearth.core.models import Council
from hearth.people import tasks


class Command(BaseCommand):
    help = "Learn each council's people-matching model from its records now (the worker does it every night)."

    def add_arguments(self, parser):
        parser.add_argument("--council", help="the council's code (default: every council)")

    def handle(self, *args, **options):
        councils = Council.objects.order_by("code")
        if options["council"]:
            councils = councils.filter(code=options["council"])
            if not councils.exists():
                raise CommandError(f"No council has the code {options['council']!r}.")
        for council in councils:
            kept = tasks.train_council(council.pk)
            if kept is None:
                self.stdout.write(f"{council.code}: fewer than {tasks.MIN_PEOPLE:,} people, the shipped model kept")
            else:
                self.stdout.write(f"{council.code}: learned from {kept.people:,} people")
