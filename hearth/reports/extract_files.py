"""Writing an extract: each object as a CSV file and a Parquet file, in one zip, read from the database once and
written a batch at a time, so that memory stays flat however many rows there are. Parquet columns are typed (text,
date, whole number, number); CSV holds the same values as text, dates as YYYY-MM-DD, an empty field for nothing."""

import csv
import datetime
import io
import json
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

BATCH = 10_000


@dataclass(frozen=True)
class Field:
    name: str
    item_ref: str = ""  # the dataset's own reference for the field, where it has one
    kind: str = "text"  # text, date, int or float: the column's type in Parquet

TYPES = {"text": pa.string(), "date": pa.date32(), "int": pa.int64(), "float": pa.float64()}


def _typed(kind: str, values: tuple) -> list:
    if kind == "date":
        return [datetime.date.fromisoformat(v) if v else None for v in values]
    if kind in ("int", "float"):
        return [v if v not in ("", None) else None for v in values]
    return [v if v is not None else None for v in values]


def _csv_value(value) -> str:
    return "" if value is None else str(value)


def write(path: Path, objects: dict[str, list], rows: dict[str, Callable[[], Iterable[tuple]]], *,
          about: dict, progress: Callable[[int, int, str], None] = lambda *a: None) -> dict[str, int]:
    """Write `objects` ({name: [Field]}) with the rows each `rows[name]()` yields (in field order) into the zip at
    `path`, with `about.json` (what the extract is, its sources, its counts). Returns the rows written per object."""
    counts: dict[str, int] = {}
    work = path.parent
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for done, (name, fields) in enumerate(objects.items()):
            progress(done, len(objects), f"Writing {name}")
            schema = pa.schema([(f.name, TYPES[f.kind]) for f in fields])
            parquet_path = work / f"{name}.parquet"
            count = 0
            with archive.open(f"{name}.csv", "w") as raw, pq.ParquetWriter(parquet_path, schema) as parquet:
                text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
                writer = csv.writer(text)
                writer.writerow([f.name for f in fields])
                batch: list[tuple] = []
                for row in rows[name]():
                    batch.append(row)
                    if len(batch) >= BATCH:
                        count += _flush(batch, fields, schema, writer, parquet)
                        progress(done, len(objects), f"Writing {name}: {count:,} rows")
                count += _flush(batch, fields, schema, writer, parquet)
                text.flush()
                text.detach()
            archive.write(parquet_path, f"{name}.parquet")
            parquet_path.unlink()
            counts[name] = count
        archive.writestr("about.json", json.dumps({**about, "rows": counts}, indent=2, sort_keys=True))
    progress(len(objects), len(objects), "Written")
    return counts


def _flush(batch: list[tuple], fields, schema, writer, parquet) -> int:
    if not batch:
        return 0
    writer.writerows([[_csv_value(v) for v in row] for row in batch])
    columns = list(zip(*batch, strict=True))
    parquet.write_table(pa.table({f.name: pa.array(_typed(f.kind, columns[i]), type=TYPES[f.kind])
                                  for i, f in enumerate(fields)}, schema=schema))
    written = len(batch)
    batch.clear()
    return written
