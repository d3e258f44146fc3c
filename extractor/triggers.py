"""spaCy component `acled_triggers`: finds ACLED event triggers with rules from a versioned lexicon.

The lexicon (`data/triggers.json`) maps token patterns (spaCy Matcher syntax) and dependency patterns
(DependencyMatcher syntax) to ACLED sub-event types. Each rule may require context words in the same sentence
(e.g. "bombed" is an air strike only next to plane/jet/drone words) and may be vetoed by exclusion words.
Matches are stored on `doc._.acled_triggers` as `TriggerMatch` records; nothing else is decided here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from spacy.language import Language
from spacy.matcher import DependencyMatcher, Matcher
from spacy.tokens import Doc

from .config import DATA_DIR

TRIGGER_LEXICON = DATA_DIR / "triggers.json"


@dataclass(frozen=True)
class TriggerMatch:
    rule_id: str
    sub_event_type: str
    token_i: int  # the head token of the trigger (where syntax starts looking for actors)
    start: int  # token span of the matched words
    end: int
    confidence: float
    contested: bool  # territory rules: the wording itself says the place was fought over


@dataclass(frozen=True)
class TriggerRule:
    rule_id: str
    sub_event_type: str
    confidence: float
    contested: bool
    context_lemmas: frozenset[str]
    exclude_lemmas: frozenset[str]


@cache
def load_lexicon(path: Path = TRIGGER_LEXICON) -> dict:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


if not Doc.has_extension("acled_triggers"):
    Doc.set_extension("acled_triggers", default=None)


@Language.factory("acled_triggers", default_config={"lexicon_path": str(TRIGGER_LEXICON)})
def make_trigger_matcher(nlp: Language, name: str, lexicon_path: str) -> "TriggerMatcher":
    return TriggerMatcher(nlp, name, Path(lexicon_path))


class TriggerMatcher:
    """Runs the lexicon's Matcher and DependencyMatcher patterns and keeps the matches that pass context."""

    def __init__(self, nlp: Language, name: str, lexicon_path: Path):
        self.name = name
        lexicon = load_lexicon(lexicon_path)
        self.version = lexicon["version"]
        self.rules: dict[str, TriggerRule] = {}
        self.matcher = Matcher(nlp.vocab)
        self.dep_matcher = DependencyMatcher(nlp.vocab)
        for rule in lexicon["rules"]:
            self.rules[rule["id"]] = TriggerRule(
                rule_id=rule["id"], sub_event_type=rule["sub_event_type"], confidence=float(rule["confidence"]),
                contested=bool(rule.get("contested", False)),
                context_lemmas=frozenset(rule.get("context_lemmas", [])),
                exclude_lemmas=frozenset(rule.get("exclude_lemmas", [])))
            if rule.get("token_patterns"):
                self.matcher.add(rule["id"], rule["token_patterns"])
            if rule.get("dep_patterns"):
                self.dep_matcher.add(rule["id"], rule["dep_patterns"])

    def __call__(self, doc: Doc) -> Doc:
        found: dict[tuple[int, str], TriggerMatch] = {}
        vocab = doc.vocab.strings
        for match_id, start, end in self.matcher(doc):
            self._keep(doc, found, vocab[match_id], start, end, head=self._span_head(doc, start, end))
        for match_id, token_ids in self.dep_matcher(doc):
            self._keep(doc, found, vocab[match_id], min(token_ids), max(token_ids) + 1, head=token_ids[0])
        doc._.acled_triggers = sorted(found.values(), key=lambda m: (m.token_i, m.sub_event_type))
        return doc

    @staticmethod
    def _span_head(doc: Doc, start: int, end: int) -> int:
        """The verb of a multi-word trigger ("burned ... houses") carries its grammar; else the span's root."""
        verbs = [t.i for t in doc[start:end] if t.pos_ == "VERB"]
        return verbs[0] if verbs else doc[start:end].root.i

    def _keep(self, doc: Doc, found: dict, rule_id: str, start: int, end: int, head: int) -> None:
        rule = self.rules[rule_id]
        sentence_lemmas = {t.lemma_.lower() for t in doc[head].sent}
        if rule.context_lemmas and not rule.context_lemmas & sentence_lemmas:
            return
        if rule.exclude_lemmas & sentence_lemmas:
            return
        key = (head, rule.sub_event_type)
        current = found.get(key)
        if current is None or rule.confidence > current.confidence:
            found[key] = TriggerMatch(rule_id, rule.sub_event_type, head, start, end, rule.confidence, rule.contested)
