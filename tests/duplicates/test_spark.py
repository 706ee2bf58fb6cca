"""The same model on Spark (local mode, two cores): with the parameters DuckDB learned, Spark finds the same pairs
with the same weights and levels, as a council with a Spark cluster would run it (docs/deploy.md), and
`hearth find-duplicates-on-spark` keeps them as the queue. Runs once, in the
SQLite pass of scripts/test; skips, saying why, where Java 17 or 21 or pyspark is missing."""

import io
import os
import re
import shutil
import subprocess
import time

import pytest
from django.core.management import call_command
from django.urls import reverse

from hearth.audit.models import AuditEvent
from hearth.duplicates import batch, tasks
from hearth.duplicates.models import DuplicatePair, DuplicateRun, PairStatus, RunStatus
from tests.duplicates import people
from tests.queue import run_jobs

pytestmark = pytest.mark.spark


def _java_problem() -> str:
    java = os.path.join(os.environ["JAVA_HOME"], "bin", "java") if os.environ.get("JAVA_HOME") else shutil.which("java")
    if not java or not os.path.exists(java):
        return "Spark needs Java 17 or 21: no java on PATH or in JAVA_HOME"
    shown = subprocess.run([java, "-version"], capture_output=True, text=True, check=False).stderr  # noqa: S603
    major = re.search(r'version "(\d+)', shown)
    if not major or major.group(1) not in ("17", "21"):
        return f"Spark 4 needs Java 17 or 21; found {major.group(1) if major else 'an unknown version'}"
    return ""


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    """One local Spark session for the module (it takes about 15 s to start)."""
    problem = _java_problem()
    if problem:
        pytest.skip(problem)
    pytest.importorskip("pyspark", reason="pyspark is in the dev dependencies: run make install")
    from pyspark.sql import SparkSession  # noqa: PLC0415
    from splink.backends.spark import similarity_jar_location  # noqa: PLC0415

    work = tmp_path_factory.mktemp("spark")
    session = (SparkSession.builder.master("local[2]").appName("hearth-duplicates-test")
               .config("spark.jars", similarity_jar_location())  # Splink's similarity functions (jaro_winkler ...)
               .config("spark.sql.shuffle.partitions", "2").config("spark.default.parallelism", "2")
               .config("spark.ui.enabled", "false").config("spark.driver.memory", "1g")
               .config("spark.sql.warehouse.dir", str(work / "warehouse")).config("spark.local.dir", str(work))
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def test_spark_finds_the_pairs_duckdb_finds_with_the_parameters_duckdb_learned(spark):
    made = people.make(people=1_000, copies=40, seed=11)
    table = batch.rows_table((r.key, r.given, r.family, r.dob, r.nhs, r.postcode) for r in made.rows)
    duck = batch.duckdb_linker(table)
    trained = batch.train(duck, people=len(table))
    expected = {(p.a, p.b): p for p in batch.predict(duck, 0.5, household=trained["household"])}
    started = time.perf_counter()
    found = {(p.a, p.b): p for p in batch.predict(batch.spark_linker(table, spark, trained), 0.5,
                                                  household=trained["household"])}
    assert time.perf_counter() - started < 60
    assert len(expected) >= 35 and set(found) == set(expected)
    for key, pair in found.items():
        assert pair.match_weight == pytest.approx(expected[key].match_weight, abs=1e-6)
        assert pair.probability == pytest.approx(expected[key].probability, abs=1e-9)
        assert pair.levels == expected[key].levels


@pytest.mark.django_db
def test_the_command_finds_on_spark_the_pairs_the_worker_found_and_keeps_them_as_the_queue(spark, client_for, dpo,
                                                                                              population):
    """`hearth find-duplicates-on-spark`, as a council's IT team would run it against its cluster (here the local
    session): with the model the worker's run learned, the same pairs, kept as the queue, with a note saying where
    they were found and an audit row of counts only."""
    client = client_for(dpo)
    assert client.post(reverse("duplicates:run_start")).status_code == 302 and run_jobs() == 1
    worker_run = DuplicateRun.objects.latest("pk")
    in_worker = _waiting()
    out = io.StringIO()

    call_command("find_duplicates_on_spark", council=dpo.agency.council.code, officer=dpo.email.upper(),
                 master="local[2]", partitions=2, stdout=out)

    run = DuplicateRun.objects.latest("pk")
    assert run.pk != worker_run.pk and run.status == RunStatus.FINISHED
    assert _waiting() == in_worker and run.pairs == len(in_worker) > 0
    assert out.getvalue().strip() == f"Compared {len(population.rows)} people and kept {run.pairs} pairs to check " \
                                     "(0 already decided were not offered again)."
    assert run.notes[0].startswith("Found on Spark with the model learned on ")
    # It learned nothing itself: the next run on Spark uses the worker's model again.
    assert run.trained_model == {} and tasks.model_for_spark(dpo.agency.council_id, dpo) == worker_run
    page = client.get(reverse("duplicates:queue")).content.decode()
    assert "Found on Spark with the model learned on" in page
    audit = AuditEvent.objects.filter(object_type="duplicates.duplicaterun", object_id=str(run.pk)).get()
    assert audit.actor == dpo and audit.detail["on"] == "spark" and audit.detail["model_of_run"] == worker_run.pk
    assert audit.detail["pairs"] == run.pairs
    assert spark.sparkContext._jsc is not None  # a session the command did not start is left running


def _waiting() -> set[tuple[int, int]]:
    return set(DuplicatePair.objects.filter(status=PairStatus.WAITING).values_list("person_a", "person_b"))
