"""The trigger rules matched only where a pattern can start (`extractor/triggers.py`) find exactly what spaCy's
matchers find over the whole doc, and keep the same triggers."""

from __future__ import annotations

import pytest
from spacy.tokens import Doc, Span

from extractor.benchmark import scale_corpus
from extractor.triggers import longest_match


def whole_doc_matches(component, doc: Doc) -> list[tuple[str, int, int, int]]:
    """The trigger patterns' matches over the whole doc, in the order the matchers give them."""
    strings = doc.vocab.strings
    found = [(strings[key], start, end, component._span_head(doc, start, end))
             for key, start, end in component.matcher(doc)]
    found += [(strings[key], min(ids), max(ids) + 1, ids[0]) for key, ids in component.dep_matcher(doc)]
    return found


def assert_same_as_whole_doc(component, doc: Doc) -> int:
    expected = whole_doc_matches(component, doc)
    assert sorted(component.matches(doc)) == sorted(expected)
    kept: dict = {}
    for rule_id, start, end, head in expected:
        component._keep(doc, kept, rule_id, start, end, head)
    assert doc._.acled_triggers == sorted(kept.values(), key=lambda m: (m.token_i, m.sub_event_type))
    return len(expected)


def test_matches_where_patterns_start_are_the_whole_docs_matches(nlp, seed_articles):
    component = nlp.get_pipe("acled_triggers")
    texts = [a["text"] for a in seed_articles.values()]
    texts += [a.text for a in scale_corpus(200, seed=5, dev_data=None)]
    texts += ["", "Clashes.", "Troops clashed", "They exchanged fire. Then gun battle. Suicide bomber kills 3"]
    matched = sum(assert_same_as_whole_doc(component, doc) for doc in nlp.pipe(texts))
    assert matched > 100
    skipped = [len(doc) - len(component.token_pattern_starts.positions(doc)) for doc in nlp.pipe(texts[:5])]
    assert min(skipped) > 0  # the filter does leave tokens out


def test_an_entity_across_a_sentence_edge_keeps_its_type(nlp):
    """'St.' ends a sentence for the parser but starts the GPE 'St. Petersburg': the place is still captured."""
    words = ["Rebels", "captured", "St.", "Petersburg", "and", "left", "."]
    doc = Doc(nlp.vocab, words=words, heads=[1, 1, 1, 3, 3, 3, 3],
              deps=["nsubj", "ROOT", "dobj", "ROOT", "cc", "conj", "punct"],
              pos=["NOUN", "VERB", "PROPN", "PROPN", "CCONJ", "VERB", "PUNCT"],
              lemmas=["rebel", "capture", "St.", "Petersburg", "and", "leave", "."],
              tags=["NNS", "VBD", "NNP", "NNP", "CC", "VBD", "."])
    doc.ents = [Span(doc, 2, 4, label="GPE")]
    assert [s.text for s in doc.sents] == ["Rebels captured St.", "Petersburg and left ."]
    component = nlp.get_pipe("acled_triggers")
    component(doc)
    assert assert_same_as_whole_doc(component, doc) == 1
    assert [(m.rule_id, m.token_i, m.end) for m in doc._.acled_triggers] == [("territory_capture", 1, 3)]


@pytest.mark.parametrize(("patterns", "longest"), [
    ([[{"LOWER": "gun"}, {"LEMMA": "battle"}], [{"LEMMA": "burn"}, {"OP": "?"}, {"OP": "?"}, {"LOWER": "house"}]], 4),
    ([[{"LOWER": "a"}, {"OP": "{2}"}], [{"LOWER": "b"}, {"OP": "{1,3}"}]], 4),
    ([[{"LOWER": "a"}, {"OP": "+"}]], None),
    ([[{"LOWER": "a"}, {"OP": "{2,}"}]], None),
])
def test_window_length_is_the_longest_possible_match(patterns, longest):
    assert longest_match(patterns) == longest
