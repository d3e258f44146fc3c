"""Stage 2 — NLP: one spaCy pipeline, the statistical English model plus this project's rule components.

Order: tokenizer → line_breaks (a line break ends a sentence: headings, captions and datelines of scraped pages
are not part of the next sentence) → tok2vec → tagger → parser → attribute_ruler → lemmatizer → entity_ruler
(actor dictionary and gazetteer supplement, so dictionary names win over the statistical guess) → ner →
acled_triggers.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from . import triggers  # noqa: F401  (registers the acled_triggers factory)
from .actors import ActorDictionary
from .config import SPACY_MODEL
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
def build_pipeline() -> Language:
    """Load the English model once per process and add the rule components."""
    nlp = spacy.load(SPACY_MODEL)
    nlp.add_pipe("line_breaks", first=True)
    ruler = nlp.add_pipe("entity_ruler", before="ner", config={"phrase_matcher_attr": "LOWER"})
    ruler.add_patterns(ActorDictionary.load().ruler_patterns() + Gazetteer.load().ruler_patterns())
    nlp.add_pipe("acled_triggers", last=True)
    return nlp


def parse_articles(articles: Iterable[Article], nlp: Language | None = None) -> Iterator[tuple[Article, Doc]]:
    """Stream (article, parsed doc) pairs; spaCy batches internally, nothing is held for the whole corpus."""
    nlp = nlp or build_pipeline()
    pairs = ((article.text, article) for article in articles)
    for doc, article in nlp.pipe(pairs, as_tuples=True, batch_size=NLP_BATCH_SIZE):
        yield article, doc
