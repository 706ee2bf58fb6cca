"""Batch de-duplication of the people a council holds, with Splink (decision record 0019): pure functions over a
table of people, run on DuckDB in the worker (or on Spark, given a session).

    table = people_frame(council_id)            # or any pyarrow table with the model's columns
    missing = unusable(table)                   # comparisons no two people can be compared on
    linker = duckdb_linker(table, omit=missing) # (an essential one missing: do not run)
    trained = train(linker)                     # m, u and λ learned from the council's own records
    pairs = predict(linker, threshold=0.5)      # [Pair(a, b, match_weight, probability, levels)]

    linker = spark_linker(table, spark, trained)   # the same model on Spark, with the parameters learned above

DuckDB runs with HEARTH_DEDUP_THREADS threads (2 by default) and at most HEARTH_DEDUP_MEMORY (3GB by default),
spilling to a temporary directory beyond it. The table holds identifiers and the compared details only; nothing of
it is logged.
"""

import logging
import math
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pyarrow as pa
from django.db.models import OuterRef, Subquery

from hearth.duplicates import splink_model
from hearth.people.matching import normalise
from hearth.people.models import Address, Person

DEFAULT_THREADS = 2
DEFAULT_MEMORY = "3GB"
CHUNK = 5_000
SCHEMA = pa.schema([("unique_id", pa.int64()), ("given", pa.string()), ("family", pa.string()),
                    ("dob", pa.date32()), ("nhs", pa.string()), ("postcode", pa.string())])
# Random pairs for learning u, and the most pairs of each block expectation maximisation reads.
U_PAIRS = 1e7
EM_PAIRS = 5e6


@dataclass(frozen=True)
class Pair:
    """Two people Splink found alike: a < b, the match weight, the probability and each comparison's level."""

    a: int
    b: int
    match_weight: float
    probability: float
    levels: dict[str, str]

    @property
    def evidence(self) -> list[dict]:
        return splink_model.evidence(self.levels)


def _quiet_splink() -> None:
    """Splink logs its progress, and warns of levels training never saw, at INFO and WARNING: neither names a
    person, but the worker's log needs none of it."""
    logging.getLogger("splink").setLevel(logging.ERROR)


def normalise_name(text: str | None) -> str | None:
    """Letters only, lower case (as people matching compares names); None when nothing is left."""
    return normalise(text or "") or None


def postcode_key(text: str | None) -> str | None:
    key = "".join((text or "").split()).upper()
    return key or None


def rows_table(rows: Iterator[tuple]) -> pa.Table:
    """A people table from (id, given name, family name, date of birth, NHS number, postcode) rows, as typed: the
    names and postcode are normalised here, in batches."""
    batches = []
    chunk: list[tuple] = []

    def flush():
        if chunk:
            columns = list(zip(*chunk, strict=True))
            batches.append(pa.record_batch([
                pa.array(columns[0], pa.int64()),
                pa.array([normalise_name(v) for v in columns[1]], pa.string()),
                pa.array([normalise_name(v) for v in columns[2]], pa.string()),
                pa.array(columns[3], pa.date32()),
                pa.array([v or None for v in columns[4]], pa.string()),
                pa.array([postcode_key(v) for v in columns[5]], pa.string()),
            ], schema=SCHEMA))
            chunk.clear()

    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            flush()
    flush()
    return pa.Table.from_batches(batches, schema=SCHEMA)


def people_frame(council_id: int) -> pa.Table:
    """The council's people not erased, as the model's table: id, names, date of birth, NHS number and current
    postcode. Read in chunks as tuples (no model instances), in one statement."""
    current = Address.objects.filter(person=OuterRef("pk"), to_date__isnull=True).values("postcode_key")[:1]
    rows = (Person.objects.filter(council_id=council_id, erased_at__isnull=True).order_by("pk")
            .annotate(current_postcode=Subquery(current))
            .values_list("pk", "given_name", "family_name", "date_of_birth", "nhs_number", "current_postcode"))
    return rows_table(rows.iterator(chunk_size=CHUNK))


def unusable(table: pa.Table) -> dict[str, int]:
    """The comparisons no two people of the table can be compared on, each with how many people have the detail
    (0 or 1): Splink learns nothing from a column empty for everyone, and left in the model such a comparison
    leaves its training blocks empty. The names and the date of birth are essential (`splink_model.ESSENTIAL`): a
    run missing one should not go on; the NHS number and postcode may be left out."""
    found = {}
    for comparison in splink_model.COMPARISONS:
        column = table.column(splink_model.COLUMNS[comparison])
        held = len(column) - column.null_count
        if held < 2:
            found[comparison] = held
    return found


def duckdb_connection(threads: int | None = None, memory: str | None = None, temp_dir: str | None = None):
    # DuckDB and Splink are imported when a run needs them: importing Splink takes about a second, which no web
    # process should spend at start.
    import duckdb  # noqa: PLC0415

    threads = threads or int(os.environ.get("HEARTH_DEDUP_THREADS") or DEFAULT_THREADS)
    memory = memory or os.environ.get("HEARTH_DEDUP_MEMORY") or DEFAULT_MEMORY
    return duckdb.connect(config={"threads": threads, "memory_limit": memory,
                                  "temp_directory": temp_dir or tempfile.gettempdir()})


def duckdb_linker(table: pa.Table, trained: dict | None = None, *, omit=(), connection=None):
    """A Splink linker over the table on DuckDB (an in-memory database of its own unless `connection` is given),
    with the trained parameters when given, without the optional comparisons in `omit` (`unusable`)."""
    from splink import DuckDBAPI, Linker  # noqa: PLC0415 (see duckdb_connection)

    _quiet_splink()
    api = DuckDBAPI(connection=connection or duckdb_connection())
    frame = api.register(table, dataset_display_name="people")
    linker = Linker(frame, splink_model.settings_for("duckdb", trained, tuple(omit)), log_level=logging.ERROR)
    linker._hearth_table = table
    linker._hearth_omit = tuple(omit)
    _quiet_splink()
    return linker


SPARK_VIEW = "hearth_people"


def spark_linker(table, spark, trained: dict):
    """The same model on Spark, given a SparkSession (local or a cluster's; its `spark.jars` must include Splink's
    similarity functions, `splink.backends.spark.similarity_jar_location()`), with parameters trained on DuckDB
    (`train`, or a run's `DuplicateRun.trained_model`): Spark finds the pairs, learning stays on DuckDB. `table` is a
    pyarrow table with the model's columns, or a Spark DataFrame of them (read from Parquet on the cluster)."""
    from splink import Linker  # noqa: PLC0415 (see duckdb_connection)
    from splink.backends.spark import SparkAPI  # noqa: PLC0415 (pyspark is installed for development only)

    _quiet_splink()
    api = SparkAPI(spark_session=spark, break_lineage_method="persist",
                   num_partitions_on_repartition=int(spark.conf.get("spark.sql.shuffle.partitions", "2")))
    frame = table if hasattr(table, "sparkSession") else spark.createDataFrame(table)
    # The people as a temporary view of the session, named for Hearth; one an earlier run left in this session (a
    # long-lived driver) is replaced. A table of the cluster's own by that name makes Splink refuse, never replaced.
    spark.catalog.dropTempView(SPARK_VIEW)
    linker = Linker(api.register(frame, dataset_display_name=SPARK_VIEW), splink_model.settings_for("spark", trained),
                    log_level=logging.ERROR)
    linker._hearth_table = table
    linker._hearth_omit = tuple(c for c in splink_model.COMPARISONS if c not in trained["comparisons"])
    _quiet_splink()
    return linker


def household_shares(table: pa.Table) -> dict[str, float]:
    """As people matching counts them (`hearth.people.training.household_shares`): u, the chance two records share a
    family name and a current postcode (people of one household do, far more often than the two shares multiplied
    say), and u_dob, the chance two such records with different given names share a date of birth as well (twins).
    Splink weighs each comparison as if independent of the others; `predict` weighs these together instead."""
    con = duckdb_connection()
    con.register("people", table)
    people, homes, births = con.execute("""
        with homes as (select count(*) as c from people where family is not null and postcode is not null
                       group by family, postcode),
             births as (select count(*) as c from people where family is not null and postcode is not null
                        and dob is not null group by family, postcode, dob),
             namesakes as (select count(*) as c from people where family is not null and postcode is not null
                           and dob is not null and given is not null group by family, postcode, dob, given)
        select (select count(*) from people), (select sum(c * (c - 1) / 2) from homes),
               (select sum(c * (c - 1) / 2) from births) - (select coalesce(sum(c * (c - 1) / 2), 0) from namesakes)
    """).fetchone()
    con.close()
    pairs = people * (people - 1) / 2
    homes, births = float(homes or 0), float(births or 0)
    return {"u": max(homes / pairs, 1e-12) if pairs else 0.0,
            "u_dob": (births + 0.5) / (homes + 1) if homes else 0.0}


def train(linker, progress: Callable[[str], None] | None = None, *, people: int | None = None, seed: int = 1) -> dict:
    """Learn the model from the linker's own records: λ from pairs almost surely alike, u by random sampling (of at
    most U_PAIRS pairs, or every pair of `people` when there are fewer), m by expectation maximisation over two
    blocks. Returns the trained parameters (`splink_model.trained_parameters`)."""
    step = progress or (lambda stage: None)
    omit = getattr(linker, "_hearth_omit", ())
    u_pairs = U_PAIRS if people is None else max(min(U_PAIRS, people * (people - 1) / 2), 1_000)
    step("estimating how many records are the same person")
    linker.training.estimate_probability_two_random_records_match(splink_model.lambda_rules(omit),
                                                                  recall=splink_model.LAMBDA_RECALL)
    # Records with no pair alike enough to be surely one person (a small council, or one with no one recorded
    # twice) give a chance of 0, from which no weight can be learned: count one such pair among them all instead.
    settings = linker._settings_obj  # Splink 5 has no public setter for the estimate it has just made
    if not settings._probability_two_random_records_match and people and people > 1:
        settings._probability_two_random_records_match = 2 / (people * (people - 1))
    step("learning how often different people agree")
    linker.training.estimate_u_using_random_sampling(max_pairs=u_pairs, seed=seed)
    from splink.internals.exceptions import EMTrainingException  # noqa: PLC0415 (see duckdb_connection)

    for rule in splink_model.em_rules(omit):
        step("learning how often the same person agrees")
        # Splink's training session takes the block's comparisons out of the linker's own model before it looks
        # for pairs, and puts them back only when it finishes: a block with no pairs would leave the model without
        # them (and predict on what is left). Kept here, and put back.
        kept = settings.core_model_settings.copy()
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule, max_pairs=EM_PAIRS)
        except EMTrainingException:  # no two records share the block's details: m keeps its starting values
            settings.core_model_settings = kept
            continue
    trained = splink_model.trained_parameters(linker.misc.save_model_to_json())
    step("counting households")
    trained["household"] = household_shares(_table_of(linker))
    return trained


def _table_of(linker) -> pa.Table:
    """The people table the linker was made with (kept on it by `duckdb_linker` and `spark_linker`)."""
    return linker._hearth_table


def predict(linker, threshold: float = 0.5, household: dict | None = None) -> list[Pair]:
    """Pairs at or above the probability, best first, each with its level labels. With `household` (the trained
    parameters' "household"), a family name and current postcode agreeing together weigh as often as people of one
    household share them, and a date of birth agreeing there too as often as two of a household share one (twins),
    as people matching weighs them (`hearth.people.match_model.Model.weights`): this only lowers weights, so the
    pairs are found at the threshold first and weighed again after."""
    settings = linker.misc.save_model_to_json()
    gammas = {c["output_column_name"]: splink_model.gamma_labels(c) for c in settings["comparisons"]}
    exact_m = {c["output_column_name"]: next((level.get("m_probability") for level in c["comparison_levels"]
                                              if level.get("label_for_charts") == splink_model.EXACT), None)
               for c in settings["comparisons"]}
    frame = linker.inference.predict(threshold_match_probability=threshold)
    pairs = []
    for row in frame.as_record_list():
        a, b = int(row["unique_id_l"]), int(row["unique_id_r"])
        levels = {c: labels.get(int(row[f"gamma_{c}"]), splink_model.NULL) for c, labels in gammas.items()}
        weight = float(row["match_weight"]) - _household_excess(row, levels, exact_m, household or {})
        probability = 1 / (1 + 2 ** -weight) if weight > -60 else 0.0
        if probability >= threshold:
            pairs.append(Pair(min(a, b), max(a, b), weight, probability, levels))
    frame.drop_table_from_database_and_remove_from_cache()
    pairs.sort(key=lambda p: (-p.match_weight, p.a, p.b))
    return pairs


def _household_excess(row: dict, levels: dict, exact_m: dict, household: dict) -> float:
    """How much Splink's weight overcounts a pair at the same home (0 elsewhere)."""
    if not household.get("u") or levels.get("family") != splink_model.EXACT \
            or levels.get("postcode") != splink_model.EXACT:
        return 0.0
    name = float(row["mw_family"]) + float(row.get("mw_tf_adj_family") or 0.0)
    home = math.log2(max(exact_m["family"] or 1e-6, 1e-6) * max(exact_m["postcode"] or 1e-6, 1e-6) / household["u"])
    excess = max(name + float(row["mw_postcode"]) - home, 0.0)
    if levels["dob"] == splink_model.EXACT and household.get("u_dob"):
        twins = math.log2(max(exact_m["dob"] or 1e-6, 1e-6) / household["u_dob"])
        excess += max(float(row["mw_dob"]) - twins, 0.0)
    return excess
