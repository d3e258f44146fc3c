"""ACLED event classifier as a spaCy pipeline component.

The trained model (see ``extractor/train.py``) is a small self-contained spaCy pipeline with one exclusive
``textcat`` over ACLED's 25 sub-event types plus ``NOT_EVENT``. This module loads it, cleans text the same way
training did, and scores every sentence of a document so that downstream code can read
``sent._.acled_scores`` (a dict label -> probability, or ``None`` for sentences the cheap keyword prefilter
skipped).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

import numpy
import spacy
from spacy.attrs import LOWER
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import load_model_from_config

from extractor.config import MODELS_DIR
from extractor.schema import TAXONOMY

NOT_EVENT = "NOT_EVENT"
DEFAULT_MODEL_DIR = MODELS_DIR / "event_classifier"
KEYWORDS_FILE = "event_keywords.json"
TEXTCAT_PIPE = "textcat"

if not Span.has_extension("acled_scores"):
    Span.set_extension("acled_scores", default=None)


def classifier_labels() -> list[str]:
    """All labels the classifier knows: the 25 ACLED sub-event types (the data contract's taxonomy), then
    NOT_EVENT."""
    return [*TAXONOMY.sub_event_types, NOT_EVENT]


def event_type_of(label: str) -> str:
    """ACLED event_type for a sub-event type; NOT_EVENT maps to itself."""
    return NOT_EVENT if label == NOT_EVENT else TAXONOMY.event_type(label)


def predict_sub_event(scores: dict[str, float]) -> tuple[str, float]:
    """The most probable label and its probability (label may be NOT_EVENT)."""
    label = max(scores, key=scores.__getitem__)
    return label, scores[label]


# ACLED notes carry coder annotations that never appear in news text; left in, the model would learn them
# as label cues (e.g. "[size=...]" marks protests) and lean on them. The same cleaning runs on news
# sentences, where it is almost always a no-op.
_CODER_TAG_PREFIX = re.compile(r"^\s*[A-Z][A-Za-z/ -]{1,40}:\s+(?=\S)")
_DATE_OPENING = re.compile(
    r"^\s*(?:On|Around|Between|From|During|As of|Since|In|Overnight on|On or around)\s+"
    r"(?:the\s+)?(?:night\s+of\s+|week\s+of\s+|weekend\s+of\s+)?"
    r"[0-9][0-9A-Za-z ,/-]{0,40}?\b(?:19|20)\d\d\b(?:\s*\([^)]{0,40}\))?\s*,?\s*"
)
_BRACKET_ANNOTATION = re.compile(
    r"\s*\[(?:size|coded|women targeted|counter-demonstration|as reported)[^\]]*\]?", re.IGNORECASE
)
_CODER_PARENTHESES = re.compile(r"\s*\((?:[^()]*\bcoded\b[^()]*|as reported|approx[^()]*)\)", re.IGNORECASE)
_CODER_SENTENCE = re.compile(r"(?<=[.!?])\s+[^.!?]*\bcoded\b[^.!?]*(?:[.!?]|$)")
_CODER_TRAILER = re.compile(
    r"\s*(?:LOCATIONS?|Locations?|FATALIT\w*|Fatalities|FATALIES|CONFLIT|ESTIMATE(?: ONLY)?)\s*[:\-].*$", re.DOTALL
)
_CODER_PHRASES = re.compile(
    r"(?:Fatalities (?:coded|split)[^.]*\.?"
    r"|\(?VoJ reported[^).]*\)?\.?"
    r"|(?:DETAILS|ACTORS) NOT SPECIFIED[/.]?"
    r"|Casualties unknown\.?"
    r"|\b\d+ fatalit(?:y|ies)\.?$"
    r"|\*+)"
)
_SQUARE_BRACKETS = re.compile(r"\[([^\]]*)\]")
_SPACES = re.compile(r"\s+")


def clean_event_text(text: str) -> str:
    """Strip ACLED coder boilerplate (tags, dates, size notes, fatality notes) so notes read like news."""
    text = _CODER_TAG_PREFIX.sub("", text, count=1)
    text = _DATE_OPENING.sub("", text, count=1)
    text = _BRACKET_ANNOTATION.sub("", text)
    text = _CODER_PARENTHESES.sub("", text)
    text = _CODER_SENTENCE.sub("", text)
    text = _CODER_TRAILER.sub("", text)
    text = _CODER_PHRASES.sub("", text)
    text = _SQUARE_BRACKETS.sub(r"\1", text)
    text = _SPACES.sub(" ", text).strip()
    return text[:1].upper() + text[1:]


class EventTextClassifier:
    """A loaded model directory: the textcat pipeline plus the keyword prefilter learnt with it."""

    def __init__(self, nlp: Language, keywords: Iterable[str]):
        self.nlp = nlp
        self.keywords = frozenset(keywords)
        self.keyword_ids = numpy.array(sorted(nlp.vocab.strings.add(word) for word in self.keywords), dtype="uint64")

    @classmethod
    def load(cls, path: Path | str) -> EventTextClassifier:
        path = Path(path)
        nlp = spacy.load(path)
        keywords = json.loads((path / KEYWORDS_FILE).read_text(encoding="utf-8"))["keywords"]
        return cls(nlp, keywords)

    def to_disk(self, path: Path | str) -> None:
        """Write the model directory: the pipeline, with a fresh vocabulary, and the keywords."""
        path = Path(path)
        _with_fresh_vocab(self.nlp).to_disk(path)
        (path / KEYWORDS_FILE).write_text(
            json.dumps({"keywords": sorted(self.keywords)}, indent=0) + "\n", encoding="utf-8"
        )

    def is_candidate(self, text: str) -> bool:
        """Cheap prefilter: does the text contain any event keyword?"""
        return any(token.lower_ in self.keywords for token in self.nlp.tokenizer(text))

    def candidate_mask(self, doc: Doc) -> numpy.ndarray:
        """Per-token booleans: is this token an event keyword (vectorised over the doc)."""
        return numpy.isin(doc.to_array(LOWER), self.keyword_ids)

    def classify(self, texts: list[str], batch_size: int = 256) -> list[dict[str, float]]:
        """Label probabilities for each text, after the training-time cleaning. Text that is only coder
        boilerplate cleans to nothing: that is not an event (and spaCy's textcat cannot score empty docs)."""
        cleaned = [clean_event_text(text) for text in texts]
        docs = self.nlp.pipe((text for text in cleaned if text), batch_size=batch_size)
        empty_scores = {label: float(label == NOT_EVENT) for label in self.nlp.get_pipe(TEXTCAT_PIPE).labels}
        return [dict(next(docs).cats) if text else dict(empty_scores) for text in cleaned]


def _with_fresh_vocab(nlp: Language) -> Language:
    """The same pipeline without the strings of every text it has processed (training notes included): the
    weights are hash-based and do not need them, and saving them would bloat and leak the model."""
    fresh = load_model_from_config(nlp.config, auto_fill=True)
    for name, pipe in nlp.pipeline:
        fresh.get_pipe(name).from_bytes(pipe.to_bytes(exclude=["vocab"]), exclude=["vocab"])
    fresh.meta.update(nlp.meta)
    return fresh


@lru_cache(maxsize=4)
def load_event_classifier(path: str | None = None) -> EventTextClassifier:
    """Load (once per process) a model directory, by default the committed one."""
    return EventTextClassifier.load(Path(path) if path else DEFAULT_MODEL_DIR)


def classify_texts(texts: list[str], model_path: Path | str | None = None) -> list[dict[str, float]]:
    """Label probabilities for plain texts, without the main pipeline (e.g. for the evaluation harness)."""
    return load_event_classifier(str(model_path) if model_path else None).classify(texts)


@Language.factory(
    "acled_event_classifier",
    default_config={"model_path": None, "candidates_only": True, "batch_size": 512},
)
def make_acled_event_classifier(
    nlp: Language, name: str, model_path: str | None, candidates_only: bool, batch_size: int
) -> AcledEventClassifier:
    """Factory for the pipeline; model_path None means the committed model (or the one saved with the pipeline)."""
    return AcledEventClassifier(name, model_path=model_path, candidates_only=candidates_only, batch_size=batch_size)


class AcledEventClassifier:
    """Sets ``sent._.acled_scores`` for each sentence; with candidates_only, only keyword-bearing sentences
    are classified and the rest keep ``None`` (read as: not an event)."""

    def __init__(self, name: str, *, model_path: str | None, candidates_only: bool, batch_size: int):
        self.name = name
        self.model_path = model_path
        self.candidates_only = candidates_only
        self.batch_size = batch_size
        self._model: EventTextClassifier | None = None

    @property
    def model(self) -> EventTextClassifier:
        """Loaded on first use, so a pipeline restored with from_disk never loads the default model too."""
        if self._model is None:
            self._model = load_event_classifier(self.model_path)
        return self._model

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, stream: Iterable[Doc], *, batch_size: int | None = None) -> Iterator[Doc]:
        """Classify sentences batched across docs: one textcat pass per batch of docs, not per sentence."""
        batch: list[Doc] = []
        for doc in stream:
            batch.append(doc)
            if len(batch) >= (batch_size or self.batch_size):
                yield from self._classify_batch(batch)
                batch = []
        if batch:
            yield from self._classify_batch(batch)

    def _classify_batch(self, docs: list[Doc]) -> list[Doc]:
        selected = []
        for doc in docs:
            for sent, is_candidate in self._sentences(doc):
                sent._.acled_scores = None
                if is_candidate:
                    selected.append(sent)
        scores = self.model.classify([sent.text for sent in selected], batch_size=self.batch_size)
        for sent, sent_scores in zip(selected, scores, strict=True):
            sent._.acled_scores = sent_scores
        return docs

    def _sentences(self, doc: Doc) -> Iterator[tuple[Span, bool]]:
        """Each sentence and whether to classify it; a doc without sentence boundaries is one sentence."""
        sentences = doc.sents if doc.has_annotation("SENT_START") else [doc[:]]
        if not self.candidates_only:
            yield from ((sent, True) for sent in sentences)
            return
        is_keyword = self.model.candidate_mask(doc)
        yield from ((sent, bool(is_keyword[sent.start : sent.end].any())) for sent in sentences)

    def to_disk(self, path: Path | str, *, exclude: Iterable[str] = ()) -> None:
        """Save the model with the pipeline, so the saved pipeline needs nothing else to load."""
        path = Path(path)
        if path.exists():
            shutil.rmtree(path)
        self.model.to_disk(path)

    def from_disk(self, path: Path | str, *, exclude: Iterable[str] = ()) -> AcledEventClassifier:
        self._model = EventTextClassifier.load(path)
        return self
