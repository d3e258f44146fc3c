"""Stage 7 — publish: the validated tables as Parquet and CSV with ACLED's columns, plus the datasheet.

Parquet keeps the real types (DATE, 32/64-bit integers without nulls, plain UTF-8 strings: no dictionary-typed
Categorical columns). CSV is for spreadsheets and R's read.csv: cells a spreadsheet would run as a formula are
neutralised there (and only there) with a leading apostrophe, as OWASP recommends for CSV injection.
"""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from .schema import EVENT_COLUMNS

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
TABLES = ("events", "mentions", "quarantine")


def published_events(events: pl.DataFrame) -> pl.DataFrame:
    """The events in published form: ACLED's columns in ACLED's order."""
    return events.select(EVENT_COLUMNS)


def stamp_timestamps(events: pl.DataFrame, previous: pl.DataFrame | None, now: int) -> pl.DataFrame:
    """`timestamp` is when a row last changed: unchanged rows keep the previous run's value."""
    content = [c for c in EVENT_COLUMNS if c != "timestamp"]
    stamped = events.with_columns(pl.lit(now, dtype=pl.Int64).alias("timestamp"))
    if previous is None or previous.is_empty():
        return stamped
    before = previous.select(content + ["timestamp"]).rename({"timestamp": "previous_timestamp"})
    joined = stamped.join(before, on=content, how="left", nulls_equal=True, maintain_order="left")
    return joined.with_columns(pl.coalesce("previous_timestamp", "timestamp").alias("timestamp")) \
        .drop("previous_timestamp")


def read_previous_events(output_dir: Path) -> pl.DataFrame | None:
    path = output_dir / "events.parquet"
    return pl.read_parquet(path) if path.exists() else None


def csv_safe(frame: pl.DataFrame) -> pl.DataFrame:
    """Prefix an apostrophe to text cells that a spreadsheet would evaluate as a formula."""
    starts = "^[" + "".join("\\" + p if p in "+-" else p for p in FORMULA_PREFIXES).replace("\t", "\\t") \
        .replace("\r", "\\r") + "]"
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(starts)).then(pl.lit("'") + pl.col(c)).otherwise(pl.col(c)).alias(c)
        for c, dtype in frame.schema.items() if dtype == pl.String)


def to_arrow(frame: pl.DataFrame) -> pa.Table:
    """Arrow table with plain `string` columns (polars' large_string confuses some older readers)."""
    table = frame.to_arrow()
    fields = [pa.field(f.name, pa.string() if pa.types.is_large_string(f.type) else f.type, nullable=f.nullable)
              for f in table.schema]
    return table.cast(pa.schema(fields))


def write_table(frame: pl.DataFrame, directory: Path, name: str) -> list[Path]:
    """`<name>.parquet` and `<name>.csv` in `directory`; returns the paths written."""
    parquet_path, csv_path = directory / f"{name}.parquet", directory / f"{name}.csv"
    pq.write_table(to_arrow(frame), parquet_path, compression="zstd", write_statistics=True)
    csv_safe(frame).write_csv(csv_path)
    return [parquet_path, csv_path]


def write_text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def replace_into(staged: list[Path], output_dir: Path) -> None:
    """Move staged files into place; each rename is atomic on one filesystem."""
    output_dir.mkdir(parents=True, exist_ok=True)
    for path in staged:
        os.replace(path, output_dir / path.name)
