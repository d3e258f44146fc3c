"""Stage 2 — NLP: one spaCy pipeline, the statistical English model plus this project's rule components.

Order: tokenizer → line_breaks (a line break ends a sentence: headings, captions and datelines of scraped pages
are not part of the next sentence) → tok2vec → tagger → parser → attribute_ruler → lemmatizer → entity_ruler
(actor dictionary and gazetteer supplement, so dictionary names win over the statistical guess) → ner →
acled_triggers (rule modes) → acled_event_classifier (model modes: scores each candidate sentence).

Every component of the English model is needed: the tagger's tags and the attribute ruler's coarse POS feed the
lemmatizer, the triggers match on LEMMA and POS, detection reads tags and the parse, resolution the entities. The
model's attribute ruler was the one component whose cost could go without changing a single annotation: its 179
rules are matched by a spaCy Matcher at every token, yet all but a few look at that token alone, so their
matches are looked up per distinct token instead (`MemoizedRuleMatch`: the same annotations, the matching ~6x
faster once the memo is warm; see README, "Performance and scale-out").
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache

import spacy
from spacy.attrs import DEP, ORTH, TAG
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler
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
# Distinct (word, tag, dependency) triples whose attribute rules are remembered (~15,000 after 150 articles of the
# benchmark corpus, growing ever slower); past this the memo starts again, so its memory stays bounded.
RULE_MEMO_SIZE = 200_000


@Language.component("line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """Start a sentence after every line break; the parser keeps these boundaries and adds its own."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n" in previous.whitespace_ or (previous.is_space and "\n" in previous.text):
            token.is_sent_start = True
    return doc


class MemoizedRuleMatch:
    """`AttributeRuler.match`, the same matches in the same order, with the rules of one token looked up.

    A single-token rule matches depending on nothing but that token's text, tag and dependency label (the only
    attributes the model's rules read), so its matches are computed once per distinct (ORTH, TAG, DEP), by the
    same spaCy Matcher on a one-token doc, and remembered; the few rules over several tokens still run on the doc.
    """

    def __init__(self, ruler: AttributeRuler):
        self.vocab = ruler.vocab
        self.single_token = Matcher(self.vocab)
        self.multi_token = Matcher(self.vocab)
        for rule in range(len(ruler.attrs)):  # the ruler keys rule i as the string "i"
            key = self.vocab.strings[str(rule)]
            for pattern in ruler.matcher.get(key)[1]:
                (self.single_token if len(pattern) == 1 else self.multi_token).add(key, [pattern])
        self.memo: dict[tuple[int, int, int], tuple[tuple[int, int], ...]] = {}

    def _token_rules(self, orth: int, tag: int, dep: int) -> tuple[tuple[int, int], ...]:
        token_doc = Doc(self.vocab, words=[self.vocab.strings[orth]], spaces=[False])
        token_doc[0].tag, token_doc[0].dep = tag, dep
        return tuple((int(self.vocab.strings[key]), key) for key, _, _ in
                     self.single_token(token_doc, allow_missing=True))

    def __call__(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        """(rule, key, start, end) for every match, sorted, as the ruler applies them (later rules win)."""
        if len(self.memo) > RULE_MEMO_SIZE:
            self.memo.clear()
        matches = []
        for i, token_key in enumerate(map(tuple, doc.to_array([ORTH, TAG, DEP]).tolist())):
            rules = self.memo.get(token_key)
            if rules is None:
                rules = self.memo[token_key] = self._token_rules(*token_key)
            matches.extend((rule, key, i, i + 1) for rule, key in rules)
        matches.extend((int(self.vocab.strings[key]), key, start, end)
                       for key, start, end in self.multi_token(doc, allow_missing=True))
        matches.sort()
        return matches


@cache
def build_pipeline(mode: str = DEFAULT_EXTRACTION_MODE) -> Language:
    """Load the English model once per process and mode, and add the components the mode needs."""
    nlp = spacy.load(SPACY_MODEL)
    attribute_ruler = nlp.get_pipe("attribute_ruler")
    attribute_ruler.match = MemoizedRuleMatch(attribute_ruler)
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
