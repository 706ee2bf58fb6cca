from django.core.management.base import BaseCommand, CommandError

from hearth.audit import trail


class Command(BaseCommand):
    help = "Seal pending audit rows, then verify the whole hash chain and name the first broken row."

    def handle(self, *args, **options):
        sealed = trail.seal_pending()
        result = trail.verify_chain()
        if not result.ok:
            raise CommandError(
                f"Audit chain broken at row id {result.first_broken_id}: {result.reason} "
                f"({result.checked} rows verified before it)"
            )
        self.stdout.write(f"Audit chain intact: {result.checked} rows verified ({sealed} newly sealed).")
