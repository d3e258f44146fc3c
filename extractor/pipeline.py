"""The whole path, stage by stage: ingest → NLP → detect → resolve → assemble → validate → publish.

`extract_events()` is the notebook API (events as a polars DataFrame); `run()` is the main job behind
`extractor run`, which also publishes the files and the datasheet.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import spacy

from . import __version__
from .actors import ActorDictionary
from .assemble import assemble_events, event_rows, typed_frame
from .config import DEFAULT_INPUT, DEFAULT_OUTPUT, REPO_DIR, SPACY_MODEL
from .datasheet import render_datasheet
from .detect import detect_events
from .geo import Gazetteer
from .ingest import read_articles
from .nlp import build_pipeline, parse_articles
from .publish import published_events, read_previous_events, replace_into, stamp_timestamps, write_table, \
    write_text
from .records import Article, DocumentResult, EventCandidate, Quarantined
from .resolve import document_context, resolve_detection
from .schema import QuarantineSchema
from .validate import validate_events, validate_mentions

log = logging.getLogger("extractor")


@dataclass
class Extraction:
    """Everything read from a corpus before assembly, with the counts the run report needs."""

    candidates: list[EventCandidate] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)
    docs_seen: int = 0
    docs_processed: int = 0


@dataclass
class RunResult:
    events: pl.DataFrame
    mentions: pl.DataFrame
    quarantine: pl.DataFrame
    report: dict


def extract_documents(articles: Iterable[Article]) -> Iterator[DocumentResult]:
    """NLP, detection and argument resolution, one result per article: the unit of caching and parallelism."""
    gazetteer, dictionary = Gazetteer.load(), ActorDictionary.load()
    for article, doc in parse_articles(articles):
        context = document_context(doc, gazetteer)
        candidates, rejected = [], []
        for detection in detect_events(doc):
            outcome = resolve_detection(detection, article, context, gazetteer, dictionary)
            (rejected if isinstance(outcome, Quarantined) else candidates).append(outcome)
        yield DocumentResult(article.id, tuple(candidates), tuple(rejected))


def extract(records: Iterable[Article | Quarantined]) -> Extraction:
    """Extraction over a stream of ingested records (articles and ingest quarantine records)."""
    result = Extraction()

    def articles() -> Iterator[Article]:
        for record in records:
            result.docs_seen += 1
            if isinstance(record, Quarantined):
                result.quarantined.append(record)
            else:
                yield record

    for document in extract_documents(articles()):
        result.docs_processed += 1
        result.candidates.extend(document.candidates)
        result.quarantined.extend(document.rejected)
    return result


def tables(extraction: Extraction) -> tuple[pl.DataFrame, pl.DataFrame, list[Quarantined]]:
    """Assembled and validated events (internal form), their mentions, and every quarantine record."""
    gazetteer = Gazetteer.load()
    events = assemble_events(extraction.candidates)
    iso3_of = {iso2: gazetteer.iso3(iso2) for iso2 in {e.lead.place.iso2 for e in events}}
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


def run(input_path: Path | str = DEFAULT_INPUT, output_dir: Path | str = DEFAULT_OUTPUT) -> RunResult:
    """The main job: extract, validate, and publish events, mentions, quarantine, run report and datasheet."""
    started = time.monotonic()
    input_path, output_dir = Path(input_path), Path(output_dir)
    extraction = extract(read_articles(input_path))
    valid, mentions, quarantined = tables(extraction)
    events = stamp_timestamps(published_events(valid), read_previous_events(output_dir), int(time.time()))
    quarantine = quarantine_frame(quarantined)
    stage_counts = Counter(q.stage for q in quarantined)
    report = {
        "input": str(input_path),
        "docs_seen": extraction.docs_seen,
        "docs_processed": extraction.docs_processed,
        "docs_quarantined": stage_counts["ingest"],
        "candidates": len(extraction.candidates),
        "candidates_rejected": stage_counts["resolve"],
        "events": events.height,
        "events_quarantined": stage_counts["validate"],
        "mentions": mentions.height,
        "duration_seconds": round(time.monotonic() - started, 2),
        "versions": versions(),
    }
    datasheet_path = REPO_DIR / "DATASHEET.md" if output_dir.resolve() == DEFAULT_OUTPUT.resolve() \
        else output_dir / "DATASHEET.md"
    publish(output_dir, events, mentions, quarantine, report, datasheet_path)
    log.info("published %d events (%d mentions), %d quarantined records, from %d documents in %.1fs",
             events.height, mentions.height, quarantine.height, extraction.docs_seen, report["duration_seconds"])
    return RunResult(events, mentions, quarantine, report)


def publish(output_dir: Path, events: pl.DataFrame, mentions: pl.DataFrame, quarantine: pl.DataFrame,
            report: dict, datasheet_path: Path) -> None:
    """Write every file into a staging directory beside the output, then move them into place."""
    output_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=output_dir))
    try:
        staged = write_table(events, staging, "events") + write_table(mentions, staging, "mentions") \
            + write_table(quarantine, staging, "quarantine")
        staged.append(write_text(staging / "run.json", json.dumps(report, indent=2, sort_keys=True) + "\n"))
        datasheet = write_text(staging / "DATASHEET.md", render_datasheet(events, mentions, quarantine, report))
        replace_into(staged, output_dir)
        replace_into([datasheet], datasheet_path.parent)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def versions() -> dict:
    """Versions that decide the output: extractor, model, dictionaries and lexicons."""
    nlp = build_pipeline()
    return {
        "extractor": __version__,
        "spacy": spacy.__version__,
        "spacy_model": f"{SPACY_MODEL} {nlp.meta.get('version', '')}",
        "actor_dictionary": ActorDictionary.load().version,
        "trigger_lexicon": nlp.get_pipe("acled_triggers").version,
        "gazetteer": Gazetteer.load().version,
    }
