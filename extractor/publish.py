"""Stage 7 — publish: the validated tables as Parquet and CSV with ACLED's columns, released all at once.

Parquet keeps the real types (DATE, 32/64-bit integers without nulls, plain UTF-8 strings: no dictionary-typed
Categorical columns). CSV is for spreadsheets and R's read.csv: cells a spreadsheet would run as a formula are
neutralised there (and only there) with a leading apostrophe, as OWASP recommends for CSV injection.

Releases follow ACLED's living dataset: an event keeps its `event_id_cnty` (derived from its key), `timestamp`
is when its row last changed, and ids no longer published are listed in `deleted` with when they went, so
users can sync a local copy. A release is built complete beside the output directory and swapped in at once
(`swap_in`), so readers see the previous release or the new one, never a mix; one run at a time holds the
output's lock (`run_lock`).
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from .assemble import typed_frame
from .config import run_state_dir
from .schema import EVENT_COLUMNS, DeletedSchema, EventSchema

log = logging.getLogger("extractor")

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
TABLES = ("events", "mentions", "quarantine", "deleted")
RELEASE_FILES = frozenset([f"{t}.{ext}" for t in TABLES for ext in ("parquet", "csv")] + ["run.json", "DATASHEET.md"])
RENAME_EXCHANGE = 2  # <linux/fs.h>: renameat2 swaps the two paths atomically
AT_FDCWD = -100


class RunLocked(RuntimeError):
    """Another run holds the output's lock."""


def published_events(events: pl.DataFrame) -> pl.DataFrame:
    """The events in published form: ACLED's columns in ACLED's order."""
    return events.select(EVENT_COLUMNS)


def stamp_timestamps(events: pl.DataFrame, previous: pl.DataFrame, now: int) -> pl.DataFrame:
    """`timestamp` is when a row last changed: unchanged rows keep the previous run's value."""
    content = [c for c in EVENT_COLUMNS if c != "timestamp"]
    stamped = events.with_columns(pl.lit(now, dtype=pl.Int64).alias("timestamp"))
    if previous.is_empty():
        return stamped
    before = previous.select(content + ["timestamp"]).rename({"timestamp": "previous_timestamp"})
    joined = stamped.join(before, on=content, how="left", nulls_equal=True, maintain_order="left")
    return joined.with_columns(pl.coalesce("previous_timestamp", "timestamp").alias("timestamp")) \
        .drop("previous_timestamp")


def previous_release(output_dir: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The events and the deletions list published in `output_dir` (empty tables before the first release)."""
    events, deleted = output_dir / "events.parquet", output_dir / "deleted.parquet"
    return (pl.read_parquet(events) if events.exists() else published_events(typed_frame([], EventSchema)),
            pl.read_parquet(deleted) if deleted.exists() else typed_frame([], DeletedSchema))


def deleted_events(previous: pl.DataFrame, previous_deleted: pl.DataFrame, events: pl.DataFrame,
                   now: int) -> pl.DataFrame:
    """ACLED's deletions list: every id published once and not now, with when it went; an id back is off it."""
    current = pl.col("event_id_cnty").is_in(events["event_id_cnty"].implode())
    withdrawn = previous.filter(~current).select("event_id_cnty", pl.lit(now, pl.Int64).alias("deleted_timestamp"))
    deleted = pl.concat([previous_deleted.filter(~current), withdrawn]).sort("event_id_cnty")
    return DeletedSchema.validate(deleted, lazy=True)


def release_changes(previous: pl.DataFrame, events: pl.DataFrame) -> dict[str, int]:
    """How the events differ from the previous release: rows added, updated (same id), unchanged, deleted."""
    before, now = set(previous["event_id_cnty"]), set(events["event_id_cnty"])
    unchanged = events.join(previous, on=EVENT_COLUMNS, how="semi", nulls_equal=True).height
    return {"events_added": len(now - before), "events_updated": len(now & before) - unchanged,
            "events_unchanged": unchanged, "events_deleted": len(before - now)}


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


def write_table(frame: pl.DataFrame, directory: Path, name: str) -> None:
    """`<name>.parquet` and `<name>.csv` in `directory`, on disk; the Parquet file must read back as `frame`."""
    parquet_path, csv_path = directory / f"{name}.parquet", directory / f"{name}.csv"
    pq.write_table(to_arrow(frame), parquet_path, compression="zstd", write_statistics=True)
    csv_safe(frame).write_csv(csv_path)
    if not pl.read_parquet(parquet_path).equals(frame):
        raise RuntimeError(f"{parquet_path} does not read back as the table written")
    _fsync(parquet_path)
    _fsync(csv_path)


def write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    _fsync(path)


def _fsync(path: Path) -> None:
    """Flush a file or directory to disk, so a power cut after the swap cannot leave an empty file behind."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def run_lock(output_dir: Path) -> Iterator[None]:
    """Hold the output's lock for the whole run; if another run holds it, raise `RunLocked` at once.

    Exiting rather than waiting suits a schedule: a run that is still going when the next one starts has the
    newest input anyway, and runs never queue up behind a stuck one. The lock is an flock, released by the
    kernel when its holder exits, however it exits.
    """
    path = run_state_dir(output_dir) / "run.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise RunLocked(f"another extractor run ({holder}) is publishing to {output_dir}; "
                            f"this run exits without changing anything (lock file {path})") from None
        handle.truncate(0)
        handle.write(f"pid {os.getpid()}\n")
        handle.flush()
        yield


def check_owned(output_dir: Path) -> None:
    """The output directory is replaced as a whole, so it must hold nothing but a release's files."""
    foreign = sorted(p.name for p in output_dir.iterdir() if p.name not in RELEASE_FILES) \
        if output_dir.is_dir() else []
    if foreign:
        raise ValueError(f"{output_dir} holds files that are not part of a release ({', '.join(foreign[:5])}); "
                         "publish into a directory of its own")


def recover(output_dir: Path) -> None:
    """Undo what a killed run left behind (run under the lock, before anything else).

    If a run was killed between the two renames of the fallback swap, the output is missing and the previous
    release is in `previous/`: it is moved back. Half-built and swapped-out releases are removed.
    """
    state = run_state_dir(output_dir)
    staging, aside = state / "next", state / "previous"
    if aside.exists() and not output_dir.exists():
        log.warning("restoring the previous release of %s left aside by a killed run", output_dir)
        os.rename(aside, output_dir)
    for leftover in (staging, aside):
        shutil.rmtree(leftover, ignore_errors=True)


def new_release_dir(output_dir: Path) -> Path:
    """An empty directory beside the output (same filesystem, same permissions) to build the next release in."""
    staging = run_state_dir(output_dir) / "next"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    if output_dir.exists():
        shutil.copymode(output_dir, staging)
    return staging


def swap_in(staging: Path, output_dir: Path) -> None:
    """Make the complete release in `staging` the output directory at once; the old release ends up in `staging`.

    Linux: one renameat2(RENAME_EXCHANGE) swaps the two directories atomically, so the output path always holds
    the old release or the new one, whole. Elsewhere (or on a filesystem without it) the old directory is
    renamed to `previous/` and the new one into place: a kill between those two renames leaves no output until
    `recover` puts the previous release back at the start of the next run.
    """
    if not output_dir.exists():
        output_dir.parent.mkdir(parents=True, exist_ok=True)
        os.rename(staging, output_dir)
    else:
        try:
            _exchange(staging, output_dir)
        except OSError as err:
            if err.errno not in (errno.ENOSYS, errno.EINVAL):
                raise
            aside = staging.with_name("previous")
            os.rename(output_dir, aside)
            os.rename(staging, output_dir)
            os.rename(aside, staging)
    _fsync(output_dir.parent)


def _exchange(a: Path, b: Path) -> None:
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        raise OSError(errno.ENOSYS, "renameat2 is not available")
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(a), None, str(b))
