"""Scheduled regeneration: incremental, idempotent, atomic releases with ACLED's living-dataset semantics.

Every test runs the real job on a small corpus of bundled articles in its own directory ("site": corpus/,
output/ and the run state in .cache/), starting from a published release made once per module.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from extractor import cache as cache_module
from extractor import pipeline, publish
from extractor.cache import ResultCache, decode, encode, extractor_fingerprint
from extractor.cli import EXIT_LOCKED, main
from extractor.config import CACHE_FILE, run_state_dir
from extractor.ingest import read_articles
from extractor.publish import TABLES, RunLocked, run_lock, write_table
from extractor.records import Article
from extractor.schema import DeletedSchema, EventSchema, MentionSchema, QuarantineSchema

from .conftest import CORPUS, write_jsonl

BASE_IDS = ["003_fba5d61e22d947a1", "004_0cde316fb2f254b5"]  # the December exchange; the Telegraph's Tripoli
ADDED_ID = "000_9785bb2328b6bc37"
LONG_AGO = 1_000_000  # a timestamp no row of this session's runs can get


def seed_records() -> dict[str, dict]:
    return {r["id"]: r for r in map(json.loads, CORPUS.read_text(encoding="utf-8").splitlines())}


class Site:
    """A corpus, the dataset published from it, and the run state beside it."""

    def __init__(self, root: Path):
        self.root, self.corpus, self.output = root, root / "corpus", root / "output"

    def write_corpus(self, records: list[dict]) -> None:
        self.corpus.mkdir(exist_ok=True)
        write_jsonl(self.corpus / "news.jsonl", records)

    def run(self) -> dict:
        return pipeline.run(self.corpus, self.output).report

    def published_bytes(self) -> dict[str, bytes]:
        """Every published file except run.json, the report of the run (its duration and counts vary)."""
        return {p.name: p.read_bytes() for p in sorted(self.output.iterdir()) if p.name != "run.json"}

    def state(self) -> Path:
        return run_state_dir(self.output)


def read_release(output: Path) -> dict[str, pl.DataFrame]:
    """Every table of a release read with polars, as a user reads it, and checked against its schema."""
    tables = {name: pl.read_parquet(output / f"{name}.parquet") for name in TABLES}
    events = tables["events"].with_columns(pl.col("event_date").alias("latest_published"))
    EventSchema.validate(events, lazy=True)
    MentionSchema.validate(tables["mentions"], lazy=True)
    QuarantineSchema.validate(tables["quarantine"], lazy=True)
    DeletedSchema.validate(tables["deleted"], lazy=True)
    for name, frame in tables.items():
        assert pl.read_csv(output / f"{name}.csv").height == frame.height, name
    assert json.loads((output / "run.json").read_text())["events"] == tables["events"].height
    return tables


def ids_from(release: dict[str, pl.DataFrame], doc_id: str, only: bool) -> set[str]:
    """Events with evidence from `doc_id` (`only`: from that document alone)."""
    docs = release["mentions"].group_by("event_id_cnty").agg(pl.col("doc_id").unique())
    return {row["event_id_cnty"] for row in docs.iter_rows(named=True)
            if doc_id in row["doc_id"] and (not only or row["doc_id"] == [doc_id])}


@pytest.fixture(scope="module", autouse=True)
def fixed_extractor():
    """The extractor's fingerprint as it is now: files edited while the tests run must not empty the cache."""
    fingerprint = extractor_fingerprint()
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(pipeline, "extractor_fingerprint", lambda: fingerprint)
        yield


@pytest.fixture(scope="module")
def base_site(tmp_path_factory) -> Site:
    site = Site(tmp_path_factory.mktemp("base"))
    seeds = seed_records()
    site.write_corpus([seeds[i] for i in BASE_IDS])
    report = site.run()
    assert report["docs_processed"] == 2 and report["events_added"] == report["events"] > 0
    return site


@pytest.fixture
def site(base_site, tmp_path) -> Site:
    """A copy of the base site: its corpus, its published release and its results cache."""
    shutil.copytree(base_site.root, tmp_path / "site")
    return Site(tmp_path / "site")


def age_release(site: Site) -> None:
    """Make the published rows look as if they were last changed long ago."""
    events = pl.read_parquet(site.output / "events.parquet")
    write_table(events.with_columns(pl.lit(LONG_AGO, pl.Int64).alias("timestamp")), site.output, "events")


def test_unchanged_corpus_extracts_nothing_and_rewrites_identical_bytes(site):
    age_release(site)  # so that a row stamped anew would show, in whatever second the runs fall
    before = site.published_bytes()
    report = site.run()
    assert (report["docs_seen"], report["docs_processed"], report["docs_cached"]) == (2, 0, 2)
    assert report["events_unchanged"] == report["events"]
    assert report["events_added"] == report["events_updated"] == report["events_deleted"] == 0
    assert site.published_bytes() == before
    assert set(before) == {f"{t}.{ext}" for t in TABLES for ext in ("parquet", "csv")} | {"DATASHEET.md"}


@pytest.mark.parametrize("change", ["cache deleted (a fresh clone)", "cache corrupted", "extractor changed"])
def test_without_usable_cache_everything_is_extracted_to_the_same_bytes(site, change, monkeypatch):
    age_release(site)
    before = site.published_bytes()
    if change == "extractor changed":
        monkeypatch.setattr(pipeline, "extractor_fingerprint", lambda: "another version of the extractor")
    elif change == "cache corrupted":
        (site.state() / CACHE_FILE).write_bytes(b"not a database" * 100)
    else:
        (site.state() / CACHE_FILE).unlink()
    report = site.run()
    assert (report["docs_processed"], report["docs_cached"]) == (2, 0)
    assert site.published_bytes() == before


def test_adding_an_article_extracts_only_it_and_keeps_every_id_and_timestamp(site):
    age_release(site)
    previous = read_release(site.output)["events"]
    seeds = seed_records()
    site.write_corpus([seeds[i] for i in BASE_IDS + [ADDED_ID]])
    report = site.run()
    assert (report["docs_processed"], report["docs_cached"]) == (1, 2)
    assert report["events_added"] > 0 and report["events_deleted"] == 0
    release = read_release(site.output)
    kept = release["events"].filter(pl.col("event_id_cnty").is_in(previous["event_id_cnty"].implode()))
    assert kept.height == previous.height
    assert kept.filter(pl.col("timestamp") != LONG_AGO).height == report["events_updated"]
    untouched = set(previous["event_id_cnty"]) - ids_from(release, ADDED_ID, only=False)
    assert untouched and (kept.filter(pl.col("event_id_cnty").is_in(list(untouched)))["timestamp"] == LONG_AGO).all()


def test_editing_an_article_restamps_its_rows_only(site):
    age_release(site)
    seeds = seed_records()
    edited = dict(seeds[BASE_IDS[0]], source="Al Jazeera English")
    site.write_corpus([edited, seeds[BASE_IDS[1]]])
    report = site.run()
    assert (report["docs_processed"], report["docs_cached"]) == (1, 1)
    release = read_release(site.output)
    affected = ids_from(release, BASE_IDS[0], only=False)
    assert affected and report["events_updated"] == len(affected)
    assert report["events_added"] == report["events_deleted"] == 0
    events = release["events"]
    restamped = events.filter(pl.col("event_id_cnty").is_in(list(affected)))
    assert (restamped["timestamp"] > LONG_AGO).all()
    assert restamped["source"].str.contains("Al Jazeera English").all()
    assert (events.filter(~pl.col("event_id_cnty").is_in(list(affected)))["timestamp"] == LONG_AGO).all()


def test_removed_articles_are_listed_as_deleted_until_their_events_come_back(site):
    seeds = seed_records()
    removed = ids_from(read_release(site.output), BASE_IDS[0], only=True)
    assert removed
    site.write_corpus([seeds[BASE_IDS[1]]])
    report = site.run()
    assert report["events_deleted"] == len(removed) and report["docs_processed"] == 0
    deleted = read_release(site.output)["deleted"]
    assert set(deleted["event_id_cnty"]) == removed

    site.write_corpus([seeds[BASE_IDS[1]], seeds[ADDED_ID]])  # add one article: the deletions list is kept
    site.run()
    assert read_release(site.output)["deleted"].equals(deleted)

    site.write_corpus([seeds[BASE_IDS[0]]])  # the first article back, the others gone
    report = site.run()
    release = read_release(site.output)
    assert removed <= set(release["events"]["event_id_cnty"])
    assert not removed & set(release["deleted"]["event_id_cnty"])
    assert report["events_deleted"] == release["deleted"].height > 0


def test_ids_do_not_depend_on_input_order_or_file(site, tmp_path):
    seeds = seed_records()
    other = Site(tmp_path / "other")
    other.corpus.mkdir(parents=True)
    write_jsonl(other.corpus / "b.jsonl", [seeds[BASE_IDS[0]]])
    write_jsonl(other.corpus / "a.jsonl", [seeds[BASE_IDS[1]]])
    other.run()
    columns = [c for c in read_release(site.output)["events"].columns if c != "timestamp"]
    assert read_release(other.output)["events"].select(columns).equals(
        read_release(site.output)["events"].select(columns))


def test_cached_results_are_json_and_round_trip(site):
    articles = [r for r in read_articles(site.corpus) if isinstance(r, Article)]
    with ResultCache(site.state() / CACHE_FILE, pipeline.extractor_fingerprint()) as results:
        cached = [results.get(a) for a in articles]
    assert all(r is not None for r in cached)
    fresh = list(pipeline.extract_documents(articles))
    assert cached == fresh
    assert all(decode(encode(r)) == r for r in fresh)
    json.loads(encode(fresh[0]))


def test_fingerprint_covers_data_files(tmp_path, monkeypatch):
    before = extractor_fingerprint()
    data = tmp_path / "data"
    shutil.copytree(cache_module.DATA_DIR, data)
    monkeypatch.setattr(cache_module, "DATA_DIR", data)
    assert extractor_fingerprint() == before
    with (data / "triggers.json").open("a", encoding="utf-8") as handle:
        handle.write("\n")
    assert extractor_fingerprint() != before


def fail_on_call(monkeypatch, name: str, call: int) -> None:
    real, calls = getattr(pipeline, name), []

    def failing(*args):
        calls.append(args)
        if len(calls) == call:
            raise OSError("injected fault")
        return real(*args)

    monkeypatch.setattr(pipeline, name, failing)


def fail_after_swap(monkeypatch) -> None:
    def swap_then_fail(staging, output_dir):
        publish.swap_in(staging, output_dir)
        raise OSError("injected fault")

    monkeypatch.setattr(pipeline, "swap_in", swap_then_fail)


def fail_between_fallback_renames(monkeypatch) -> None:
    """No renameat2 (as on macOS); fail once the old release is renamed aside, before the new one moves in."""
    def no_exchange(a, b):
        raise OSError(errno.ENOSYS, "no renameat2")

    real_rename = os.rename

    def rename(src, dst):
        real_rename(src, dst)
        if Path(dst).name == "previous":
            raise OSError("injected fault")

    monkeypatch.setattr(publish, "_exchange", no_exchange)
    monkeypatch.setattr(os, "rename", rename)


FAULTS = {
    "writing the second table": lambda mp: fail_on_call(mp, "write_table", 2),
    "writing the run report": lambda mp: fail_on_call(mp, "write_text", 1),
    "starting the swap": lambda mp: fail_on_call(mp, "swap_in", 1),
    "after the swap": fail_after_swap,
    "between the fallback renames": fail_between_fallback_renames,
}


@pytest.mark.parametrize("fault", FAULTS)
def test_a_run_failing_at_any_publish_step_leaves_a_whole_release(site, fault, monkeypatch):
    seeds = seed_records()
    before = site.published_bytes()
    removed = ids_from(read_release(site.output), BASE_IDS[0], only=True)
    site.write_corpus([seeds[BASE_IDS[1]]])  # removes an article: the next release differs
    with monkeypatch.context() as patched:
        FAULTS[fault](patched)
        with pytest.raises(OSError, match="injected fault"):
            site.run()
    if fault == "between the fallback renames":
        assert not site.output.exists()  # the one window without renameat2: the release waits aside
        read_release(site.state() / "previous")
    else:
        read_release(site.output)
        swapped = fault == "after the swap"
        assert (site.published_bytes() == before) is not swapped
    report = site.run()  # the next run recovers and publishes
    assert report["events_deleted"] == (0 if fault == "after the swap" else len(removed))
    assert set(read_release(site.output)["deleted"]["event_id_cnty"]) == removed
    assert not {"next", "previous"} & {p.name for p in site.state().iterdir()}


KILLED_RUN = """
import os, signal, sys
from pathlib import Path
from extractor import pipeline

if sys.argv[3] == "writing":
    real_write, written = pipeline.write_table, []
    def write_table(frame, directory, name):
        written.append(name)
        if len(written) == 2:
            os.kill(os.getpid(), signal.SIGKILL)
        real_write(frame, directory, name)
    pipeline.write_table = write_table
else:
    from extractor import publish
    def no_exchange(a, b):
        raise OSError(38, "no renameat2")
    real_rename = os.rename
    def rename(src, dst):
        real_rename(src, dst)
        if Path(dst).name == "previous":
            os.kill(os.getpid(), signal.SIGKILL)
    publish._exchange, os.rename = no_exchange, rename
pipeline.run(sys.argv[1], sys.argv[2])
"""


@pytest.mark.parametrize("moment", ["writing", "between the fallback renames"])
def test_sigkill_mid_publish_leaves_the_previous_release_readable(site, moment):
    seeds = seed_records()
    before = site.published_bytes()
    previous = read_release(site.output)
    site.write_corpus([seeds[BASE_IDS[1]]])
    killed = subprocess.run([sys.executable, "-c", KILLED_RUN, str(site.corpus), str(site.output), moment],
                            capture_output=True, text=True, timeout=300)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    if moment == "writing":
        assert site.published_bytes() == before
        assert read_release(site.output)["events"].equals(previous["events"])
    else:
        assert read_release(site.state() / "previous")["events"].equals(previous["events"])
    report = site.run()
    assert report["events_deleted"] > 0
    assert read_release(site.output)["events"].height == previous["events"].height - report["events_deleted"]


HOLD_LOCK = """
import sys
from pathlib import Path
from extractor.publish import run_lock
with run_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    sys.stdin.read()
"""


def test_a_second_concurrent_run_exits_with_the_lock_message(site, capsys):
    before = site.published_bytes()
    with run_lock(site.output):
        with pytest.raises(RunLocked, match="another extractor run"):
            site.run()
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(site.output)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        code = main(["run", "--input", str(site.corpus), "--output", str(site.output)])
    finally:
        holder.communicate("")
    assert code == EXIT_LOCKED
    assert f"pid {holder.pid}" in capsys.readouterr().err
    assert site.published_bytes() == before
    assert site.run()["docs_processed"] == 0  # the lock is gone with its holder


def test_an_output_directory_with_other_files_is_refused(site):
    (site.output / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match="notes.txt"):
        site.run()
    assert (site.output / "notes.txt").read_text() == "mine"


def test_readme_sync_recipe_brings_an_old_copy_up_to_date(site, tmp_path, monkeypatch):
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    recipe = readme.split("## Syncing a local copy")[1].split("```python")[1].split("```")[0]
    user = tmp_path / "user"
    user.mkdir()
    shutil.copy(site.output / "events.parquet", user / "events.parquet")  # a copy of the first release
    seeds = seed_records()
    site.write_corpus([dict(seeds[BASE_IDS[0]], source="Al Jazeera English"), seeds[ADDED_ID]])
    report = site.run()
    assert report["events_added"] and report["events_updated"] and report["events_deleted"]
    (user / "output").symlink_to(site.output)
    monkeypatch.chdir(user)
    exec(recipe, {})
    synced = pl.read_parquet(user / "events.parquet").sort("event_id_cnty")
    assert synced.equals(pl.read_parquet(site.output / "events.parquet").sort("event_id_cnty"))
