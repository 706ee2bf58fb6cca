"""The same model on Spark (local mode, two cores): with the parameters DuckDB learned, Spark finds the same pairs
with the same weights and levels, as a council with a Spark cluster would run it (docs/deploy.md). Runs once, in the
SQLite pass of scripts/test; skips, saying why, where Java 17 or 21 or pyspark is missing."""

import os
import re
import shutil
import subprocess
import time

import pytest

from hearth.duplicates import batch
from tests.duplicates import people

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
