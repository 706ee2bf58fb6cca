"""`hearth find-duplicates-on-spark`: the council's people recorded twice, found on a Spark cluster with the model
the council's last run learned in the worker, and kept as the data protection officer's queue (docs/deploy.md)."""

from django.core.management.base import BaseCommand, CommandError

from hearth.accounts.models import User
from hearth.core.errors import NotPermitted, ValidationFailed
from hearth.core.models import Council
from hearth.duplicates import tasks


class Command(BaseCommand):
    help = ("Find the council's people recorded twice on a Spark cluster, with the model its last run learned, "
            "and keep them as the data protection officer's queue. Needs pyspark beside Hearth and Java 17 or 21.")

    def add_arguments(self, parser):
        parser.add_argument("--council", required=True, help="the council's code")
        parser.add_argument("--officer", required=True,
                            help="the email of the council's data protection officer, who runs it")
        parser.add_argument("--master", required=True,
                            help="the cluster's master, such as spark://host:7077 (local[2] for one machine)")
        parser.add_argument("--partitions", type=int, default=200,
                            help="Spark's shuffle partitions: the cluster's cores, a few times over (default 200)")

    def handle(self, *args, council, officer, master, partitions, **options):
        found = Council.objects.filter(code=council).first()
        if found is None:
            raise CommandError(f"No council has the code '{council}'.")
        user = User.objects.select_related("agency").filter(email__iexact=officer, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user has the email '{officer}'.")
        if partitions < 1:
            raise CommandError("--partitions must be 1 or more.")
        try:
            tasks.model_for_spark(found.pk, user)  # refused before Spark takes its time to start
        except (NotPermitted, ValidationFailed) as e:
            raise CommandError(str(e)) from e
        try:
            from pyspark.sql import SparkSession  # noqa: PLC0415 (pyspark is not installed with Hearth)
            from splink.backends.spark import similarity_jar_location  # noqa: PLC0415
        except ImportError as e:
            raise CommandError("pyspark is not installed: install the version of the cluster beside Hearth "
                               "(docs/deploy.md).") from e
        ours = SparkSession.getActiveSession() is None
        spark = (SparkSession.builder.master(master).appName(f"hearth-duplicates-{council}")
                 .config("spark.jars", similarity_jar_location())  # Splink's similarity functions
                 .config("spark.sql.shuffle.partitions", str(partitions)).getOrCreate())
        try:
            run, saved = tasks.find_on_spark(found.pk, user, spark)
        except (NotPermitted, ValidationFailed) as e:
            raise CommandError(str(e)) from e
        finally:
            if ours:
                spark.stop()
        self.stdout.write(f"Compared {run.people:,} people and kept {saved.pairs:,} pairs to check "
                          f"({saved.not_offered_again:,} already decided were not offered again).")
