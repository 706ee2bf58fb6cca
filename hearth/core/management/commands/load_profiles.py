from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hearth.core import events, profiles
from hearth.core.models import Council


class Command(BaseCommand):
    help = "Load council profiles from YAML files (default: every file shipped in hearth/core/profiles)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="Profile files to load")
        parser.add_argument("--only", nargs="+", help="Load only these council codes")

    def handle(self, *args, files, only, **options):
        paths = [Path(f) for f in files] or None
        for path in paths or []:
            if not path.exists():
                raise CommandError(f"There is no profile file at {path}")
        models_before = dict(Council.objects.values_list("code", "consent_model"))
        try:
            councils = profiles.load(paths, only=only)
        except profiles.ProfileError as exc:
            raise CommandError(exc.message) from exc
        for council in councils:
            self.stdout.write(f"Loaded {council.name} ({council.code})")
            if council.code in models_before and models_before[council.code] != council.consent_model:
                # Under a public-task model consent does not gate partners: every family's access changes.
                events.consent_model_changed.call(council=council)
                self.stdout.write(f"Recomputed access to {council.name}'s families for its new consent model")
