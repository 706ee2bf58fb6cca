import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from hearth.accounts.models import Role, User
from hearth.core.models import Council
from hearth.demo import generator


class Command(BaseCommand):
    help = "Generate synthetic families at scale, repeatably from a seed, with a progress bar."

    def add_arguments(self, parser):
        parser.add_argument("--families", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--council", default="hearthshire", help="Council code (default: the demo council)")
        parser.add_argument("--batch", type=int, default=1000)
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument("--with-work", action="store_true",
                            help="Also give families with a lead professional an episode and plan actions")

    def handle(self, *args, families, seed, council, batch, no_progress, with_work, **options):
        if families < 1:
            raise CommandError("--families must be 1 or more")
        target = Council.objects.filter(code=council).first()
        if target is None:
            if council != "hearthshire":
                known = ", ".join(Council.objects.values_list("code", flat=True)) or "none loaded"
                raise CommandError(f"There is no council with code '{council}'. Known codes: {known}")
            target = generator.load_demo_council()
        practitioners = list(User.objects.filter(agency__council=target, roles__role=Role.PRACTITIONER))
        started = time.perf_counter()
        with tqdm(total=families, unit="family", disable=no_progress, file=self.stderr) as bar:
            people = generator.generate(council=target, families=families, seed=seed, batch=batch,
                                        practitioners=practitioners, progress=bar.update, with_work=with_work)
        elapsed = time.perf_counter() - started
        self.stdout.write(f"Generated {families} families ({people} people) in {elapsed:.1f} s")
