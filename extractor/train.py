"""Train the ACLED event classifier from an ACLED export CSV.

Labels are ACLED sub-event types (event_type follows from the taxonomy) plus NOT_EVENT, whose examples come
from the project's own sentence files, never from ACLED. Evaluation uses a held-out slice chosen by time or by
country, not at random, so the figure says how the model does on news it has not seen.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import shutil
import tempfile
import time
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy
import polars as pl
import spacy
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import DocBin
from spacy.training.initialize import init_nlp
from spacy.training.loop import train as run_spacy_training
from spacy.util import load_config

from extractor.classifier import (
    NOT_EVENT,
    EventTextClassifier,
    classifier_labels,
    clean_event_text,
    event_type_of,
    predict_sub_event,
)
from extractor.config import DATA_DIR

DEFAULT_CONFIG = DATA_DIR / "textcat_config.cfg"
NON_EVENT_FILES = (DATA_DIR / "non_event_sentences.txt", DATA_DIR / "seed_non_event_sentences.txt")
NEWS_EVENT_FILE = DATA_DIR / "news_event_sentences.tsv"
ANSI_ESCAPES = re.compile(r"\x1b\[[0-9;]*m")
MODEL_NAME = "acled_event_classifier"
MODEL_VERSION = "1.0.0"
ACLED_CREDIT = "Armed Conflict Location & Event Data Project (ACLED); acleddata.com"
DEV_FRACTION = 0.1
WRITTEN_HOLDOUT_BUCKETS = 2  # of 10 hash buckets: ~20% of the project's own sentences are held out
WRITTEN_DEV_BUCKETS = 1
KEYWORD_COVERAGE = 0.99
KEYWORD_MIN_EVENTS = 5
KEYWORD_MAX_NON_EVENT_RATE = 0.015


@dataclass(frozen=True)
class Holdout:
    """Which ACLED rows are kept out of training: those dated on/after from_date, and those in countries."""

    from_date: date | None = None
    countries: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if self.from_date is None and not self.countries:
            raise ValueError("a holdout needs from_date or countries: a random split would flatter the model")

    def describe(self) -> str:
        parts = []
        if self.from_date:
            parts.append(f"events dated on or after {self.from_date.isoformat()}")
        if self.countries:
            parts.append(f"events in {', '.join(sorted(self.countries))}")
        return " or ".join(parts)

    def mask(self, rows: pl.DataFrame) -> pl.Expr:
        selected = pl.lit(False)
        if self.from_date and "event_date" in rows.columns:
            event_date = pl.col("event_date").str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
            selected = selected | (event_date >= self.from_date).fill_null(False)
        if self.countries and "country" in rows.columns:
            selected = selected | pl.col("country").is_in(sorted(self.countries)).fill_null(False)
        return selected


# The dev data's 2022 global sample runs January-June; holding out May 2022 on keeps ~20% of rows, all later
# than anything trained on, from every region in the sample.
DEFAULT_HOLDOUT = Holdout(from_date=date(2022, 5, 1))


def load_acled_examples(path: Path) -> tuple[pl.DataFrame, dict[str, int]]:
    """Cleaned (text, label) rows from an ACLED CSV, and counts of rows skipped and why."""
    rows = pl.read_csv(path, infer_schema_length=0)
    missing = {"notes", "sub_event_type"} - set(rows.columns)
    if missing:
        raise ValueError(f"{path}: missing column(s) {sorted(missing)}")
    known = set(classifier_labels()) - {NOT_EVENT}
    rows = rows.with_columns(
        text=pl.col("notes").map_elements(clean_event_text, return_dtype=pl.String),
        label=pl.col("sub_event_type").str.strip_chars(),
    )
    no_notes = rows["notes"].is_null() | (rows["notes"].str.strip_chars() == "")
    unknown_label = ~no_notes & ~rows["label"].is_in(sorted(known)).fill_null(False)
    counts = {
        "rows_read": rows.height,
        "skipped_missing_notes": int(no_notes.sum()),
        "skipped_unknown_sub_event_type": int(unknown_label.sum()),
    }
    return rows.filter(~no_notes & ~unknown_label & (pl.col("text") != "")), counts


def read_sentence_file(path: Path) -> list[str]:
    """Non-empty, non-comment lines of a sentence file."""
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def read_labelled_sentence_file(path: Path) -> list[tuple[str, str]]:
    """(sentence, label) pairs from a `label<TAB>sentence` file."""
    return [(sentence, label) for label, sentence in (line.split("\t", 1) for line in read_sentence_file(path))]


def written_examples(
    non_event_files: Iterable[Path] = NON_EVENT_FILES, news_event_file: Path | None = NEWS_EVENT_FILE
) -> list[tuple[str, str]]:
    """The project's own training sentences: NOT_EVENT sentences and news-style event sentences."""
    examples = [(s, NOT_EVENT) for path in non_event_files for s in read_sentence_file(path)]
    return examples + (read_labelled_sentence_file(news_event_file) if news_event_file else [])


def split_written_examples(examples: Iterable[tuple[str, str]]) -> dict[str, list[tuple[str, str]]]:
    """Stable train/dev/holdout split of the project's own sentences by a hash of their text."""
    split: dict[str, list[tuple[str, str]]] = {"train": [], "dev": [], "holdout": []}
    for text, label in examples:
        bucket = zlib.crc32(text.encode("utf-8")) % 10
        if bucket < WRITTEN_HOLDOUT_BUCKETS:
            split["holdout"].append((text, label))
        elif bucket < WRITTEN_HOLDOUT_BUCKETS + WRITTEN_DEV_BUCKETS:
            split["dev"].append((text, label))
        else:
            split["train"].append((text, label))
    return split


def _keyword_candidates(doc) -> set[str]:
    """Lower-case content words as written (capitalised names are left out, so no place or actor names)."""
    return {
        token.text
        for token in doc
        if token.is_alpha and token.text.islower() and len(token.text) >= 3 and token.text not in STOP_WORDS
    }


def learn_event_keywords(nlp: Language, event_texts: list[str], non_event_texts: list[str]) -> list[str]:
    """Greedy set cover: few common words that between them occur in almost every training event, skipping
    words frequent in non-events. Used as a cheap prefilter before the classifier."""
    event_words = [_keyword_candidates(doc) for doc in nlp.tokenizer.pipe(event_texts)]
    non_event_counts = Counter(w for doc in nlp.tokenizer.pipe(non_event_texts) for w in _keyword_candidates(doc))
    max_non_event = KEYWORD_MAX_NON_EVENT_RATE * max(len(non_event_texts), 1)
    counts = Counter(w for words in event_words for w in words)
    eligible = {w for w, n in counts.items() if n >= KEYWORD_MIN_EVENTS and non_event_counts[w] <= max_non_event}
    uncovered = [words & eligible for words in event_words]
    keywords: list[str] = []
    target_uncovered = (1 - KEYWORD_COVERAGE) * len(event_words)
    while len(uncovered) > target_uncovered:
        gains = Counter(w for words in uncovered for w in words)
        if not gains:
            break
        word, gain = min(gains.items(), key=lambda item: (-item[1], item[0]))
        if gain < KEYWORD_MIN_EVENTS:
            break
        keywords.append(word)
        uncovered = [words for words in uncovered if word not in words]
    return sorted(keywords)


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def evaluate(classifier: EventTextClassifier, events: pl.DataFrame, written: list[tuple[str, str]]) -> dict:
    """Holdout metrics: event_type accuracy and sub-event F1 (weighted, per class) on ACLED notes; NOT_EVENT
    behaviour on ACLED notes and on the held-out NOT_EVENT sentences; accuracy on held-out news-style events."""
    non_events = [text for text, label in written if label == NOT_EVENT]
    news_events = [(text, label) for text, label in written if label != NOT_EVENT]
    started = time.perf_counter()
    predicted = [predict_sub_event(s)[0] for s in classifier.classify(events["text"].to_list())]
    texts_per_second = len(predicted) / (time.perf_counter() - started)
    gold = events["label"].to_list()
    pairs = list(zip(gold, predicted, strict=True))
    per_class = {}
    for label in classifier_labels():
        support = sum(g == label for g, _ in pairs)
        predicted_n = sum(p == label for _, p in pairs)
        hits = sum(g == p == label for g, p in pairs)
        precision = hits / predicted_n if predicted_n else 0.0
        recall = hits / support if support else 0.0
        per_class[label] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(_f1(precision, recall), 4),
            "support": support,
        }
    n = max(len(pairs), 1)
    weighted_f1 = sum(c["f1"] * c["support"] for c in per_class.values()) / n
    present = [c["f1"] for c in per_class.values() if c["support"]]
    rejected = [predict_sub_event(s)[0] == NOT_EVENT for s in classifier.classify(non_events)]
    news_predicted = [predict_sub_event(s)[0] for s in classifier.classify([text for text, _ in news_events])]
    return {
        "holdout_events": len(pairs),
        "event_type_accuracy": round(sum(event_type_of(g) == event_type_of(p) for g, p in pairs) / n, 4),
        "sub_event_type_accuracy": round(sum(g == p for g, p in pairs) / n, 4),
        "sub_event_type_weighted_f1": round(weighted_f1, 4),
        "sub_event_type_macro_f1_present_classes": round(sum(present) / max(len(present), 1), 4),
        "per_class": per_class,
        "not_event": {
            "events_predicted_not_event_rate": round(sum(p == NOT_EVENT for _, p in pairs) / n, 4),
            "holdout_non_event_sentences": len(rejected),
            "non_event_rejection_rate": round(sum(rejected) / max(len(rejected), 1), 4),
        },
        "news_style_events": {
            "holdout_sentences": len(news_events),
            "sub_event_type_accuracy": round(
                sum(p == g for p, (_, g) in zip(news_predicted, news_events, strict=True)) / max(len(news_events), 1), 4
            ),
            "predicted_not_event_rate": round(sum(p == NOT_EVENT for p in news_predicted) / max(len(news_events), 1), 4),
        },
        "holdout_notes_classified_per_second": round(texts_per_second),
        "prefilter": {
            "keywords": len(classifier.keywords),
            "holdout_events_passing": round(
                sum(classifier.is_candidate(t) for t in events["text"].to_list()) / n, 4
            ),
            "holdout_non_events_passing": round(
                sum(classifier.is_candidate(t) for t in non_events) / max(len(non_events), 1), 4
            ),
        },
    }


def _write_docbin(nlp: Language, examples: Iterable[tuple[str, str]], path: Path) -> None:
    labels = classifier_labels()
    docs = DocBin()
    for text, label in examples:
        doc = nlp.make_doc(text)
        doc.cats = {name: float(name == label) for name in labels}
        docs.add(doc)
    docs.to_disk(path)


def _train_textcat(
    config_path: Path, train: list[tuple[str, str]], dev: list[tuple[str, str]], seed: int
) -> tuple[Language, str]:
    """Run spaCy's own training loop on the versioned config; returns the best model on the dev split and
    spaCy's training log."""
    with tempfile.TemporaryDirectory(prefix="acled-textcat-") as tmp:
        tmp_dir = Path(tmp)
        blank = spacy.blank("en")
        _write_docbin(blank, train, tmp_dir / "train.spacy")
        _write_docbin(blank, dev, tmp_dir / "dev.spacy")
        config = load_config(
            config_path,
            overrides={
                "paths.train": str(tmp_dir / "train.spacy"),
                "paths.dev": str(tmp_dir / "dev.spacy"),
                "system.seed": seed,
                "initialize.components.textcat.labels": classifier_labels(),
            },
            interpolate=False,
        )
        nlp = init_nlp(config, use_gpu=-1)
        (tmp_dir / "model").mkdir()
        training_log = io.StringIO()
        run_spacy_training(nlp, tmp_dir / "model", use_gpu=-1, stdout=training_log, stderr=training_log)
        return spacy.load(tmp_dir / "model" / "model-best"), ANSI_ESCAPES.sub("", training_log.getvalue())


def _check_output_dir(out: Path) -> None:
    """Refuse, before any training, to replace a non-empty directory that is not a model directory."""
    if out.exists() and any(out.iterdir()) and not (out / "meta.json").exists():
        raise FileExistsError(f"{out} is not empty and does not look like a model directory")


def _prepare_output_dir(out: Path) -> None:
    """Replace a previous model directory."""
    _check_output_dir(out)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)


def train_classifier(
    data: Path,
    out: Path,
    *,
    seed: int = 0,
    holdout: Holdout = DEFAULT_HOLDOUT,
    config: Path = DEFAULT_CONFIG,
    written_files: tuple[tuple[Path, ...], Path | None] = (NON_EVENT_FILES, NEWS_EVENT_FILE),
    written_repeats: int = 6,
) -> dict:
    """Train on the ACLED rows outside the holdout plus the project's own sentences (NOT_EVENT and news-style
    events, repeated written_repeats times to offset their small number), evaluate on the holdout, and write
    the model, metrics.json, event_keywords.json, training_log.txt and MODEL_CARD.md to out. Returns the metrics."""
    _check_output_dir(Path(out))
    started = time.monotonic()
    rows, counts = load_acled_examples(Path(data))
    rows = rows.with_columns(is_holdout=holdout.mask(rows))
    train_rows = rows.filter(~pl.col("is_holdout"))
    # Notes repeated verbatim across dates (recurring protests) would be free hits; score only unseen texts.
    seen_texts = set(train_rows["text"].to_list())
    holdout_rows = rows.filter(pl.col("is_holdout"))
    unseen_holdout = holdout_rows.filter(~pl.col("text").is_in(sorted(seen_texts)))
    if train_rows.is_empty() or unseen_holdout.is_empty():
        raise ValueError(f"holdout ({holdout.describe()}) leaves {train_rows.height} training and "
                         f"{unseen_holdout.height} held-out rows; both must be non-empty")

    written = split_written_examples(written_examples(*written_files))
    is_dev = numpy.random.default_rng(seed).random(train_rows.height) < DEV_FRACTION
    pairs = list(zip(train_rows["text"].to_list(), train_rows["label"].to_list(), strict=True))
    train_examples = [p for p, dev in zip(pairs, is_dev, strict=True) if not dev]
    dev_examples = [p for p, dev in zip(pairs, is_dev, strict=True) if dev]
    train_examples += written["train"] * written_repeats
    dev_examples += written["dev"]

    nlp, training_log = _train_textcat(Path(config), train_examples, dev_examples, seed)
    training_seconds = time.monotonic() - started
    keywords = learn_event_keywords(
        nlp,
        train_rows["text"].to_list() + [t for t, label in written["train"] if label != NOT_EVENT],
        [t for t, label in written["train"] + written["dev"] if label == NOT_EVENT],
    )
    classifier = EventTextClassifier(nlp, keywords)
    metrics = evaluate(classifier, unseen_holdout, written["holdout"])
    metrics["data"] = {
        **counts,
        "source_file": Path(data).name,
        "holdout": holdout.describe(),
        "seed": seed,
        "train_events": len(pairs) - int(is_dev.sum()),
        "dev_events": int(is_dev.sum()),
        "holdout_events_total": holdout_rows.height,
        "holdout_events_dropped_as_seen_in_training": holdout_rows.height - unseen_holdout.height,
        "train_label_counts": dict(sorted(Counter(train_rows["label"].to_list()).items())),
        "non_event_sentences": {
            name: sum(label == NOT_EVENT for _, label in pairs) for name, pairs in written.items()
        },
        "news_event_sentences": {
            name: sum(label != NOT_EVENT for _, label in pairs) for name, pairs in written.items()
        },
        "written_repeats": written_repeats,
        "training_seconds": round(training_seconds, 1),
    }
    _prepare_output_dir(Path(out))
    nlp.meta.update(
        name=MODEL_NAME,
        version=MODEL_VERSION,
        description="ACLED sub-event type (and NOT_EVENT) classifier for event sentences; see MODEL_CARD.md",
        sources=[{"name": "ACLED", "author": ACLED_CREDIT, "url": "https://acleddata.com"}],
        license="Model card: MODEL_CARD.md (trained on ACLED data; obtain ACLED data from ACLED)",
        performance={k: metrics[k] for k in ("event_type_accuracy", "sub_event_type_weighted_f1")},
    )
    classifier.to_disk(out)
    (Path(out) / "training_log.txt").write_text(training_log, encoding="utf-8")
    (Path(out) / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    (Path(out) / "MODEL_CARD.md").write_text(render_model_card(metrics, Path(config)), encoding="utf-8")
    return metrics


def render_model_card(metrics: dict, config: Path) -> str:
    """The model card: data and credit, split, sizes, metrics, intended use and limits."""
    data = metrics["data"]
    textcat = load_config(config, interpolate=False)["components"]["textcat"]["model"]
    rows = "\n".join(
        f"| {label} | {m['f1']:.3f} | {m['precision']:.3f} | {m['recall']:.3f} | {m['support']} | "
        f"{data['train_label_counts'].get(label, 0) if label != NOT_EVENT else '-'} |"
        for label, m in metrics["per_class"].items()
        if label != NOT_EVENT
    )
    ne = metrics["not_event"]
    pf = metrics["prefilter"]
    news = metrics["news_style_events"]
    no_rows = [label for label in classifier_labels()[:-1] if not data["train_label_counts"].get(label)]
    return f"""# ACLED event classifier ({MODEL_NAME} {MODEL_VERSION})

Classifies an English sentence (or short passage) into one of ACLED's 25 sub-event types, or `NOT_EVENT`.
The event type follows from the sub-event type via the data contract's taxonomy (`schema/taxonomy.json`).

## Data and credit

Trained on event descriptions (`notes`) coded by the **{ACLED_CREDIT}**. The ACLED rows are not distributed
with this project: users who want to retrain or evaluate must obtain ACLED data from ACLED (acleddata.com)
under ACLED's terms of use. This model is a derived work published with this credit; it contains no ACLED text.

- Source file: `{data['source_file']}` ({data['rows_read']} rows; skipped {data['skipped_missing_notes']} without
  notes and {data['skipped_unknown_sub_event_type']} with a sub-event type outside the current taxonomy).
- Notes are cleaned of ACLED coder boilerplate (leading date clause, `Tag:` prefixes, `[size=...]`,
  `(coded to ...)`, `LOCATION:`/`FATALITIES:` trailers, fatality-coding remarks) by
  `extractor.classifier.clean_event_text`, which also runs on every sentence at prediction time.
- `NOT_EVENT` examples are not from ACLED: {sum(data['non_event_sentences'].values())} sentences written for
  this project (`extractor/data/non_event_sentences.txt`: disasters, accidents, ordinary crime and courts,
  meetings, visits, statements, threats, sanctions, elections, long-period totals, background) and
  hand-labelled sentences of the project's own corpus (`extractor/data/seed_non_event_sentences.txt`).
- {sum(data['news_event_sentences'].values())} news-style event sentences written for this project
  (`extractor/data/news_event_sentences.tsv`, a few per sub-event type) teach how events read in news prose
  rather than in ACLED notes. Training copies the project's own sentences {data['written_repeats']}x to offset
  their small number.

## Split

- Held out: **{data['holdout']}** ({data['holdout_events_total']} rows; {data['holdout_events_dropped_as_seen_in_training']}
  whose cleaned text also occurs in training were dropped, leaving {metrics['holdout_events']} scored).
  Not a random split: ACLED notes of one period and place share actors, places and phrasing, so a random
  split would overstate accuracy on unseen news. The default holds out the latest months of the data (from
  {DEFAULT_HOLDOUT.from_date}: about a fifth of the dev data, all later than anything trained on, from every
  region of the 2022 global sample), because the model is meant for news published after its training data;
  `--holdout-countries` (or `Holdout(countries=...)`) gives a country split instead.
- Training: {data['train_events']} ACLED rows + {data['non_event_sentences']['train']} NOT_EVENT and
  {data['news_event_sentences']['train']} news-style event sentences; early-stopping dev set: {data['dev_events']}
  random training-period rows + {data['non_event_sentences']['dev']} NOT_EVENT and
  {data['news_event_sentences']['dev']} news-style sentences. Held out from the project's own sentences (split by
  text hash): {data['non_event_sentences']['holdout']} NOT_EVENT and {data['news_event_sentences']['holdout']}
  news-style event sentences.
- Seed {data['seed']}; training took {data['training_seconds']} s on CPU.

## Model

spaCy `textcat` (exclusive classes), architecture `{textcat['@architectures']}`: a bag-of-words/bigram linear
model plus a small CNN over its own hash embeddings (it shares nothing with the statistical English pipeline),
config `extractor/data/textcat_config.cfg`. 26 labels: all 25 ACLED sub-event types plus `NOT_EVENT`.
Labels with no ACLED training rows ({', '.join(no_rows) or 'none'}) are learnt only from the few written
news-style sentences and are unreliable; they stay in the label set so that the scores always cover the full
taxonomy. Evaluation classified {metrics["holdout_notes_classified_per_second"]} held-out notes/s on the training machine (CPU).

A keyword prefilter (`event_keywords.json`, {pf['keywords']} lower-case words learnt by greedy set cover over the
training notes) lets the pipeline component skip sentences with none of them (recall below).

## Holdout metrics

| metric | value |
| --- | --- |
| event_type accuracy | {metrics['event_type_accuracy']:.3f} |
| sub_event_type weighted F1 | {metrics['sub_event_type_weighted_f1']:.3f} |
| sub_event_type accuracy | {metrics['sub_event_type_accuracy']:.3f} |
| sub_event_type macro F1 (classes present in holdout) | {metrics['sub_event_type_macro_f1_present_classes']:.3f} |
| held-out ACLED events predicted NOT_EVENT (false negatives) | {ne['events_predicted_not_event_rate']:.3f} |
| held-out NOT_EVENT sentences rejected ({ne['holdout_non_event_sentences']}) | {ne['non_event_rejection_rate']:.3f} |
| held-out news-style event sentences ({news['holdout_sentences']}): sub_event_type accuracy | {news['sub_event_type_accuracy']:.3f} |
| held-out news-style event sentences predicted NOT_EVENT | {news['predicted_not_event_rate']:.3f} |
| held-out events passing the keyword prefilter | {pf['holdout_events_passing']:.3f} |
| held-out NOT_EVENT sentences passing the prefilter | {pf['holdout_non_events_passing']:.3f} |

Per class on the ACLED holdout (support = held-out rows; ACLED rows = training-period rows incl. dev):

| sub_event_type | F1 | precision | recall | support | ACLED rows |
| --- | --- | --- | --- | --- | --- |
{rows}

## Intended use and limits

- Intended use: scoring sentences of English news articles as candidate ACLED events inside this project's
  pipeline (`acled_event_classifier` component, `Span._.acled_scores`), and as a baseline for research.
  It does not code actors, dates, locations or fatalities, and it is not a substitute for ACLED's coding.
- Trained on ACLED's own summaries, which are terser and more uniform than news prose; accuracy on news
  sentences will be lower than the holdout figures above. In particular, news is mostly sentences that are
  not events, and statements, diplomacy and analysis that mention fighting are still often scored as events
  (commonly `Peaceful protest` or `Change to group/activity`): treat a sentence as an event only with
  corroborating evidence downstream (actors, a date, a location) or a probability threshold, not on the
  argmax alone.
- Rare sub-event types (few training rows, see table) are unreliable; Strategic developments in general are
  hard. The NOT_EVENT class rests on a few hundred hand-written sentences, so the rejection rate above
  (measured on sentences of the same style) is optimistic for real news.
- Coverage follows the training data: a 2022 global sample plus older Kenya, Afghanistan, Benin and Argentina
  rows; other regions and periods are less well represented. English only.
"""


def add_train_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `extractor train` (shared by the project CLI and `python -m extractor.train`)."""
    parser.add_argument("--data", type=Path, required=True, help="ACLED export CSV with notes and sub_event_type")
    parser.add_argument("--out", type=Path, required=True, help="model directory to write")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--holdout-from", type=date.fromisoformat, default=None,
                        help=f"hold out events on/after this date (default {DEFAULT_HOLDOUT.from_date})")
    parser.add_argument("--holdout-countries", default="",
                        help="comma-separated countries to hold out (alone: a country split)")
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="spaCy training config")


def train_from_args(args: argparse.Namespace) -> int:
    countries = frozenset(c.strip() for c in args.holdout_countries.split(",") if c.strip())
    holdout = (
        DEFAULT_HOLDOUT if args.holdout_from is None and not countries
        else Holdout(from_date=args.holdout_from, countries=countries)
    )
    metrics = train_classifier(args.data, args.out, seed=args.seed, holdout=holdout, config=args.config)
    summary = {k: metrics[k] for k in ("event_type_accuracy", "sub_event_type_weighted_f1", "not_event")}
    print(json.dumps({"model": str(args.out), **summary, "data": metrics["data"]["holdout"]}, indent=2))
    return 0


def main(argv: list[str] | None = None) -> int:
    """`extractor train --data ACLED.csv --out DIR [--seed N] [--holdout-from DATE | --holdout-countries A,B]`."""
    parser = argparse.ArgumentParser(prog="extractor train", description=__doc__.splitlines()[0])
    add_train_arguments(parser)
    return train_from_args(parser.parse_args(argv))
