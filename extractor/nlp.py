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

# Articles parsed together: at most this many, and this many characters, as the models' working memory grows
# with the text read at once (about 2 GB for 500,000 characters); a longer article goes through alone.
NLP_BATCH_SIZE = 16
NLP_BATCH_CHARS = 100_000


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
    """Stream (article, parsed doc) pairs, parsed in batches; nothing is held for the whole corpus."""
    nlp = build_pipeline(mode)
    for batch in batches(articles, NLP_BATCH_SIZE, NLP_BATCH_CHARS):
        for doc, article in nlp.pipe(((a.text, a) for a in batch), as_tuples=True, batch_size=len(batch)):
            yield article, doc


def batches(articles: Iterable[Article], max_articles: int, max_chars: int) -> Iterator[list[Article]]:
    """Consecutive articles grouped up to `max_articles` and `max_chars` (a longer article makes its own batch)."""
    batch: list[Article] = []
    size = 0
    for article in articles:
        if batch and (len(batch) == max_articles or size + len(article.text) > max_chars):
            yield batch
            batch, size = [], 0
        batch.append(article)
        size += len(article.text)
    if batch:
        yield batch
