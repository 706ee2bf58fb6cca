from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from hearth.access import grants
from hearth.people.models import Family


class Command(BaseCommand):
    help = ("Recompute every stored access decision from the source records (involvements, consent, lawful bases, "
            "teams, break-glass) and list any difference. Exits with an error when there is one; --fix stores the "
            "recomputed decisions.")

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="Store the recomputed decisions after reporting")
        parser.add_argument("--limit", type=int, default=20, help="How many differences to list (default 20)")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, fix, limit, no_progress, **options):
        total = Family.objects.count()
        with tqdm(total=total, unit="family", disable=no_progress, file=self.stderr) as bar:
            differences = grants.drift(progress=bar.update)
        for kind, row in differences[:limit]:
            self.stdout.write(f"{kind}: {row.describe()}")
        if len(differences) > limit:
            self.stdout.write(f"... and {len(differences) - limit} more")
        self.stdout.write(f"Checked the stored access decisions of {total} families: "
                          f"{len(differences)} difference{'s' if len(differences) != 1 else ''}.")
        if differences and fix:
            with tqdm(total=total, unit="family", disable=no_progress, file=self.stderr) as bar:
                grants.rebuild(progress=bar.update)
            self.stdout.write("Stored the recomputed decisions.")
        elif differences:
            raise CommandError("The stored access decisions differ from the source records (see above; --fix "
                               "stores the recomputed ones).")
