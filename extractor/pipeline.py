"""The whole path, stage by stage: ingest → NLP → detect → resolve → assemble → validate → publish.

`extract_events()` is the notebook API (events as a polars DataFrame); `run()` is the main job behind
`extractor run`: it extracts only the documents that are new or changed since the last run (the rest come from
the results cache, `extractor/cache.py`) and publishes the next release of the dataset, its run report and its
datasheet.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from itertools import chain
from pathlib import Path

import polars as pl
import spacy
from spacy.tokens import Doc
from tqdm import tqdm

from . import __version__
from .actors import ActorDictionary
from .assemble import assemble_events, event_rows, typed_frame
from .cache import ResultCache, extractor_fingerprint
from .config import CACHE_FILE, DEFAULT_ENGINE, DEFAULT_EXTRACTION_MODE, DEFAULT_INPUT, DEFAULT_OUTPUT, REPO_DIR, \
    SPACY_MODEL, run_state_dir
from .datasheet import render_datasheet
from .detect import detect_events
from .engines import Engine, LocalEngine, make_engine
from .geo import Gazetteer, load_countries
from .ingest import read_articles
from .nlp import parse_articles
from .publish import check_owned, deleted_events, new_release_dir, previous_release, published_events, recover, \
    release_changes, run_lock, stamp_timestamps, swap_in, write_table, write_text
from .records import Article, DocumentResult, EventCandidate, Quarantined
from .resolve import document_context, resolve_detection
from .schema import QuarantineSchema
from .triggers import load_lexicon
from .validate import validate_events, validate_mentions

log = logging.getLogger("extractor")


@dataclass
class Extraction:
    """Everything read from a corpus before assembly, with the counts the run report needs."""

    candidates: list[EventCandidate] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)
    docs_seen: int = 0
    docs_processed: int = 0
    docs_cached: int = 0


@dataclass
class RunResult:
    """One release of the dataset, as published, and the report of the run that made it."""

    events: pl.DataFrame
    mentions: pl.DataFrame
    quarantine: pl.DataFrame
    deleted: pl.DataFrame
    report: dict


def extract_documents(articles: Iterable[Article], mode: str = DEFAULT_EXTRACTION_MODE
                      ) -> Iterator[DocumentResult]:
    """NLP, detection and argument resolution, one result per article: the unit of caching and parallelism."""
    gazetteer, dictionary = Gazetteer.load(), ActorDictionary.load()
    for article, doc in parse_articles(articles, mode):
        yield detect_and_resolve(article, doc, mode, gazetteer, dictionary)


def detect_and_resolve(article: Article, doc: Doc, mode: str, gazetteer: Gazetteer,
                       dictionary: ActorDictionary) -> DocumentResult:
    """The events of one parsed article: detection, then each detection's arguments resolved or quarantined."""
    context = document_context(doc, gazetteer)
    candidates, rejected = [], []
    for detection in detect_events(doc, mode):
        outcome = resolve_detection(detection, article, context, gazetteer, dictionary)
        (rejected if isinstance(outcome, Quarantined) else candidates).append(outcome)
    return DocumentResult(article.id, tuple(candidates), tuple(rejected))


def extract_partition(articles: list[Article]) -> list[DocumentResult]:
    """One engine task (`extractor/engines.py`): a module-level function, so that workers can import it by name."""
    return list(extract_documents(articles))


def extract(records: Iterable[Article | Quarantined], cache: ResultCache | None = None,
            engine: Engine | None = None) -> Extraction:
    """Extraction over a stream of ingested records; documents found in `cache` are not extracted again.

    The documents to extract go to `engine` (default: this process); its results come back in input order.
    """
    result = Extraction()
    waiting: dict[str, Article] = {}  # sent to extraction, by id (ids are unique after ingest)

    def add(document: DocumentResult) -> None:
        result.candidates.extend(document.candidates)
        result.quarantined.extend(document.rejected)

    def articles_to_extract() -> Iterator[Article]:
        for record in records:
            result.docs_seen += 1
            if isinstance(record, Quarantined):
                result.quarantined.append(record)
            elif cache is not None and (cached := cache.get(record)) is not None:
                result.docs_cached += 1
                add(cached)
            else:
                waiting[record.id] = record
                yield record

    articles = articles_to_extract()
    first = next(articles, None)  # start extraction (which loads the NLP pipeline) only if a document needs it
    if first is None:
        return result
    engine = engine or LocalEngine(processes=1)
    for document in engine.map_partitions(extract_partition, chain([first], articles)):
        result.docs_processed += 1
        add(document)
        article = waiting.pop(document.doc_id)
        if cache is not None:
            cache.put(article, document)
    return result


def tables(extraction: Extraction) -> tuple[pl.DataFrame, pl.DataFrame, list[Quarantined]]:
    """Assembled and validated events (internal form), their mentions, and every quarantine record."""
    countries = load_countries()
    events = assemble_events(extraction.candidates)
    iso3_of = {iso2: countries[iso2].iso3 for iso2 in {e.lead.place.iso2 for e in events}}
    event_frame, mention_frame = event_rows(events, iso3_of)
    valid, rejected = validate_events(event_frame)
    mentions = validate_mentions(mention_frame, valid["event_id_cnty"])
    return valid, mentions, extraction.quarantined + rejected


def extract_events(input_path: Path | str = DEFAULT_INPUT) -> pl.DataFrame:
    """Events of a corpus (a JSONL file or a directory of them) as a polars DataFrame in ACLED's columns."""
    valid, _, _ = tables(extract(read_articles(Path(input_path))))
    return published_events(valid)


def quarantine_frame(records: list[Quarantined]) -> pl.DataFrame:
    rows = [{"stage": q.stage, "input_file": q.input_file, "line_no": q.line_no, "doc_id": q.doc_id,
             "event_id_cnty": q.event_id_cnty, "reason": q.reason} for q in records]
    frame = typed_frame(rows, QuarantineSchema)
    return QuarantineSchema.validate(frame.sort(["stage", "input_file", "line_no", "doc_id", "event_id_cnty",
                                                 "reason"]), lazy=True)


def run(input_path: Path | str = DEFAULT_INPUT, output_dir: Path | str = DEFAULT_OUTPUT,
        cache_path: Path | str | None = None, engine: Engine | None = None) -> RunResult:
    """The main job: extract what is new or changed, validate, and publish the next release atomically.

    One run at a time per output directory (`publish.RunLocked` otherwise). The results cache defaults to
    `<output>/../.cache/<output name>/results.sqlite` (see `config.run_state_dir`). Extraction runs on `engine`
    (default: local processes, one per core; see `extractor/engines.py`), which the run closes when done.
    """
    started = time.monotonic()
    input_path, output_dir = Path(input_path), Path(output_dir).resolve()
    datasheet_path = REPO_DIR / "DATASHEET.md" if output_dir == DEFAULT_OUTPUT.resolve() \
        else output_dir / "DATASHEET.md"
    with run_lock(output_dir):
        recover(output_dir)
        check_owned(output_dir)
        fingerprint = extractor_fingerprint()
        with ResultCache(Path(cache_path or run_state_dir(output_dir) / CACHE_FILE), fingerprint) as cache, \
                engine or make_engine(DEFAULT_ENGINE) as engine:
            documents = tqdm(read_articles(input_path), desc="documents", unit=" docs", disable=None)
            extraction = extract(documents, cache, engine)
            valid, mentions, quarantined = tables(extraction)
            now = int(time.time())
            previous, previously_deleted = previous_release(output_dir)
            events = stamp_timestamps(published_events(valid), previous, now)
            deleted = deleted_events(previous, previously_deleted, events, now)
            stage_counts = Counter(q.stage for q in quarantined)
            report = {
                "input": str(input_path),
                "docs_seen": extraction.docs_seen,
                "docs_processed": extraction.docs_processed,
                "docs_cached": extraction.docs_cached,
                "docs_quarantined": stage_counts["ingest"],
                "candidates": len(extraction.candidates),
                "candidates_rejected": stage_counts["resolve"],
                "events": events.height,
                **release_changes(previous, events),
                "events_quarantined": stage_counts["validate"],
                "mentions": mentions.height,
                "engine": engine.report(),
                "extractor_fingerprint": fingerprint,
                "versions": versions(),
                "duration_seconds": round(time.monotonic() - started, 2),
            }
            result = RunResult(events, mentions, quarantine_frame(quarantined), deleted, report)
            publish(output_dir, result, datasheet_path)
            cache.keep_only_seen()
    log.info("published %s: %d events (%d added, %d updated, %d unchanged, %d deleted), %d mentions, "
             "%d quarantined records; %d documents seen, %d extracted, %d from cache, in %.1fs",
             output_dir, events.height, report["events_added"], report["events_updated"],
             report["events_unchanged"], report["events_deleted"], mentions.height, result.quarantine.height,
             extraction.docs_seen, extraction.docs_processed, extraction.docs_cached, report["duration_seconds"])
    return result


def publish(output_dir: Path, result: RunResult, datasheet_path: Path) -> None:
    """Build the whole release beside the output directory, then swap it in at once (`publish.swap_in`).

    A failure or kill before the swap leaves the previous release as it was; after it, the new one is complete.
    The repository's DATASHEET.md (default output only) is replaced just after the swap: a kill in between
    leaves it one release behind until the next run rewrites it.
    """
    datasheet = render_datasheet(result.events, result.mentions, result.quarantine, dataset_facts(result.report))
    in_release = datasheet_path.parent == output_dir
    staging = new_release_dir(output_dir)
    try:
        for name, frame in (("events", result.events), ("mentions", result.mentions),
                            ("quarantine", result.quarantine), ("deleted", result.deleted)):
            write_table(frame, staging, name)
        write_text(staging / "run.json", json.dumps(result.report, indent=2, sort_keys=True) + "\n")
        if in_release:
            write_text(staging / datasheet_path.name, datasheet)
        swap_in(staging, output_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if not in_release:  # the repository's copy: written in the run state directory, then renamed over the old
        scratch = staging.with_name(datasheet_path.name)
        write_text(scratch, datasheet)
        os.replace(scratch, datasheet_path)


def dataset_facts(report: dict) -> dict:
    """The run report as the datasheet needs it: about the release, so documents extracted in earlier runs count."""
    return report | {"docs_processed": report["docs_processed"] + report["docs_cached"]}


def versions() -> dict:
    """Versions that decide the output: extractor, model, dictionaries and lexicons (read without loading them)."""
    return {
        "extractor": __version__,
        "spacy": spacy.__version__,
        "spacy_model": f"{SPACY_MODEL} {metadata.version(SPACY_MODEL)}",
        "actor_dictionary": ActorDictionary.load().version,
        "trigger_lexicon": load_lexicon()["version"],
        "gazetteer": Gazetteer.version(),
    }
