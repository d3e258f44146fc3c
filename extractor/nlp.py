"""Stage 2 — NLP: one spaCy pipeline, the statistical English model plus this project's rule components.

Order: tokenizer → line_breaks (a line break ends a sentence: headings, captions and datelines of scraped pages
are not part of the next sentence) → tok2vec → tagger → parser → attribute_ruler → lemmatizer → entity_ruler
(actor dictionary and gazetteer supplement, so dictionary names win over the statistical guess) → ner →
acled_triggers (rule modes) → acled_event_classifier (model modes: scores each candidate sentence).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from . import classifier, triggers  # noqa: F401  (register the acled_event_classifier and acled_triggers factories)
from .actors import ActorDictionary
from .config import DEFAULT_EXTRACTION_MODE, EVENT_CLASSIFIER_DIR, SPACY_MODEL
from .geo import Gazetteer
from .records import Article

NLP_BATCH_SIZE = 16


@Language.component("line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """Start a sentence after every line break; the parser keeps these boundaries and adds its own."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n" in previous.whitespace_ or (previous.is_space and "\n" in previous.text):
            token.is_sent_start = True
    return doc


@cache
def build_pipeline(mode: str = DEFAULT_EXTRACTION_MODE) -> Language:
    """Load the English model once per process and mode, and add the components the mode needs."""
    nlp = spacy.load(SPACY_MODEL)
    nlp.add_pipe("line_breaks", first=True)
    ruler = nlp.add_pipe("entity_ruler", before="ner", config={"phrase_matcher_attr": "LOWER"})
    ruler.add_patterns(ActorDictionary.load().ruler_patterns() + Gazetteer.load().ruler_patterns())
    if mode in ("rules", "combined"):
        nlp.add_pipe("acled_triggers", last=True)
    if mode in ("model", "combined"):
        nlp.add_pipe("acled_event_classifier", last=True, config={"model_path": str(EVENT_CLASSIFIER_DIR)})
    return nlp


def parse_articles(articles: Iterable[Article], mode: str = DEFAULT_EXTRACTION_MODE) -> Iterator[tuple[Article, Doc]]:
    """Stream (article, parsed doc) pairs; spaCy batches internally, nothing is held for the whole corpus."""
    nlp = build_pipeline(mode)
    pairs = ((article.text, article) for article in articles)
    for doc, article in nlp.pipe(pairs, as_tuples=True, batch_size=NLP_BATCH_SIZE):
        yield article, doc
