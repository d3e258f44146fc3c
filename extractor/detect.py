"""Stage 3 — detect: which trigger matches are reports of an event that happened.

A trigger word is not an event. News is full of violence that is threatened, planned, denied, hypothetical,
remembered ("after fierce battles last year") or totalled over months. Each test below removes one of those
readings; what is left is a `Detection`: a sentence, a trigger and the sub-event type the rule proposes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span, Token

from .classifier import NOT_EVENT, predict_sub_event
from .config import (DEFAULT_EXTRACTION_MODE, MODEL_MIN_CONFIDENCE, MODEL_ONLY_EXCLUDED, MODEL_OVERRIDE_CONFIDENCE,
                     MODEL_VETO_CONFIDENCE, RULE_VETO_PROOF_CONFIDENCE)
from .fatalities import is_aggregate_total
from .triggers import TriggerMatch, load_lexicon

RULE_EXTRACTOR = "rules:acled_triggers"
MODEL_EXTRACTOR = "model:acled_event_classifier"
COMBINED_EXTRACTOR = "rules+model:acled_triggers+acled_event_classifier"
CONTESTED_TERRITORY = frozenset({"Government regains territory", "Non-state actor overtakes territory"})

MODALS = frozenset({"will", "would", "could", "may", "might", "should", "must", "can", "shall", "'ll"})
# Verbs that make the clause below them an intention, a threat, an accusation or a denial, not a report.
NON_FACTUAL_GOVERNORS = frozenset({
    "threaten", "plan", "vow", "call", "urge", "warn", "deny", "prepare", "intend", "seek", "aim", "try",
    "attempt", "refuse", "demand", "want", "hope", "fear", "accuse", "allege", "pledge", "promise", "order",
    "ask", "propose", "consider", "discuss", "prevent", "avoid", "stop", "halt", "need", "expect", "threat",
})
# Verbs whose infinitive complement did happen ("managed to impose control").
FACTUAL_INFINITIVE_GOVERNORS = frozenset({"manage", "succeed"})
# A trigger noun under these prepositions is background or did not happen: "after fierce battles", "without
# clashes", "the use of landmines", "calls for protests".
NON_EVENT_PREPOSITIONS = frozenset({"after", "since", "before", "following", "despite", "of", "for", "like",
                                    "without", "against"})
PAST_TAGS = frozenset({"VBD", "VBN"})
MODEL_ONLY_EXCLUDED_LEMMAS = frozenset(load_lexicon()["model_only_exclude_lemmas"])
NAME_ENTITY_TYPES = frozenset({"ORG", "PERSON", "WORK_OF_ART", "LAW", "PRODUCT", "ACTOR"})
FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP"})


@dataclass(frozen=True)
class Detection:
    sent: Span
    trigger: TriggerMatch
    sub_event_type: str
    extractor: str
    confidence: float


def detect_events(doc: Doc, mode: str = DEFAULT_EXTRACTION_MODE) -> list[Detection]:
    """The events a parsed article reports, by the policy of `mode`.

    - rules: trigger matches that report something that happened, at most one per clause and type (two verbs
      of one sentence can report two events: "took Tripoli on Thursday and entered Tarhuna today"; a verb and
      its nouns, "clashed ... in heavy fighting", report one);
    - model: sentences the classifier gives an ACLED sub-event type with at least MODEL_MIN_CONFIDENCE;
    - combined: the rules find events where they fire, unless the model is at least MODEL_VETO_CONFIDENCE sure
      the sentence is not an event (natural disasters, crime, diplomacy) and the rule is not one of the most
      precise (RULE_VETO_PROOF_CONFIDENCE: "prisoner exchange", "airstrike", "suicide bomber"); where the
      model is at least MODEL_OVERRIDE_CONFIDENCE sure of another sub-event type, its label wins; the model
      alone decides in sentences where no rule fired.
    """
    rule_found = _rule_detections(doc) if mode in ("rules", "combined") else []
    if mode == "rules":
        return rule_found
    kept = [_arbitrated(d) for d in rule_found if d.confidence >= RULE_VETO_PROOF_CONFIDENCE or not _vetoed(d.sent)]
    covered = {d.sent.start for d in rule_found}
    model_found = [d for d in _model_detections(doc) if d.sent.start not in covered]
    return sorted(kept + model_found, key=lambda d: (d.sent.start, d.trigger.token_i))


def _rule_detections(doc: Doc) -> list[Detection]:
    detections: dict[tuple[int, str], Detection] = {}
    for match in doc._.acled_triggers or []:
        token = doc[match.token_i]
        sent = token.sent
        if not is_factual_report(token) or is_aggregate_total(sent.text):
            continue
        key = (governing_verb(token).i, match.sub_event_type)
        if key not in detections or match.confidence > detections[key].confidence:
            detections[key] = Detection(sent, match, match.sub_event_type, RULE_EXTRACTOR, match.confidence)
    return sorted(detections.values(), key=lambda d: (d.sent.start, d.trigger.token_i))


def _arbitrated(detection: Detection) -> Detection:
    """Where the model is at least MODEL_OVERRIDE_CONFIDENCE sure of another event type, it relabels the rule's
    event (the rule still anchors it); the territory rules keep their own decision (too rare in training)."""
    scores = detection.sent._.acled_scores
    if not scores or detection.sub_event_type == "territory":
        return detection
    label, probability = predict_sub_event(scores)
    if label in (NOT_EVENT, detection.sub_event_type) or probability < MODEL_OVERRIDE_CONFIDENCE:
        return detection
    return replace(detection, sub_event_type=label, extractor=COMBINED_EXTRACTOR, confidence=probability)


def _vetoed(sent: Span) -> bool:
    scores = sent._.acled_scores
    return scores is not None and scores.get(NOT_EVENT, 0.0) >= MODEL_VETO_CONFIDENCE


def _model_detections(doc: Doc) -> list[Detection]:
    """One detection per sentence the classifier labels an event; the sentence's main verb anchors it."""
    found = []
    for sent in doc.sents:
        scores = sent._.acled_scores
        if not scores:
            continue
        label, probability = predict_sub_event(scores)
        if label == NOT_EVENT or label in MODEL_ONLY_EXCLUDED or probability < MODEL_MIN_CONFIDENCE:
            continue
        anchor = sent.root
        if anchor.tag_ not in PAST_TAGS or not is_factual_report(anchor) or is_aggregate_total(sent.text):
            continue  # news reports events in the past tense; "our battle continues" is not one
        lemmas = {t.lemma_.lower() for t in sent}
        if anchor.lemma_.lower() in NON_FACTUAL_GOVERNORS or lemmas & MODEL_ONLY_EXCLUDED_LEMMAS:
            continue  # "the speaker called on members to join ...": a call, not an event
        match = TriggerMatch(MODEL_EXTRACTOR, label, anchor.i, anchor.i, anchor.i + 1, probability,
                             contested=label in CONTESTED_TERRITORY)
        found.append(Detection(sent, match, label, MODEL_EXTRACTOR, probability))
    return found


def governing_verb(token: Token) -> Token:
    """The verb whose clause the token belongs to (the token itself for a verb)."""
    verb = token
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    return verb


def is_factual_report(token: Token) -> bool:
    """True when the trigger reports something that happened, by its grammar and what governs it."""
    if token.ent_type_ in NAME_ENTITY_TYPES:
        return False  # part of a name: "the International Campaign to Ban Landmines"
    if token.pos_ in ("NOUN", "PROPN"):
        return _noun_is_reported(token)
    return _verb_is_reported(token)


def _verb_is_reported(verb: Token) -> bool:
    if _negated_or_modal(verb):
        return False
    aux = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    if verb.tag_ == "VB":
        # infinitive: only "managed to take" or "to have taken" (a claim of something done) count
        if any(a.lower_ == "have" for a in aux) and verb.dep_ in ("xcomp", "ccomp", "ROOT"):
            pass
        elif not (verb.dep_ == "xcomp" and verb.head.lemma_ in FACTUAL_INFINITIVE_GOVERNORS):
            return False
    elif verb.tag_ == "VBG":
        if not any(a.lemma_ == "be" for a in aux):
            return False  # gerund: "after regaining control", "had a role in destroying"
    elif verb.tag_ == "VBN":
        if not aux and verb.dep_ not in ("ROOT", "acl", "conj", "ccomp", "advcl", "relcl"):
            return False
    elif verb.tag_ not in FINITE_TAGS:
        return False
    return not _governed_by_non_factual(verb)


def _noun_is_reported(noun: Token) -> bool:
    head = noun.head
    # compounds ("prisoner exchange") speak through the noun they modify
    while noun.dep_ == "compound" and head.i != noun.i:
        noun, head = head, head.head
    if noun.dep_ == "pobj" and head.lower_ in NON_EVENT_PREPOSITIONS:
        return False
    verb = governing_verb(noun)
    if verb.pos_ not in ("VERB", "AUX"):
        return True  # a headline or a fragment: "Clashes in Tripoli"
    if verb.lemma_ == "be" and not any(c.dep_ == "expl" for c in verb.children):
        return False  # a judgement about it ("any use of landmines is unconscionable"), not a report
    return _verb_is_reported(verb) and not _governed_by_non_factual(verb, include_self=True)


def _negated_or_modal(verb: Token) -> bool:
    return any(c.dep_ == "neg" or (c.dep_ == "aux" and c.lower_ in MODALS) for c in verb.children) or any(
        c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in verb.children)


def _governed_by_non_factual(token: Token, include_self: bool = False) -> bool:
    chain = [token] if include_self else []
    chain += list(token.ancestors)
    for governor in chain:
        if governor.lemma_.lower() in NON_FACTUAL_GOVERNORS:
            return True
        if governor.i != token.i and governor.pos_ in ("VERB", "AUX") and _negated_or_modal(governor):
            return True
    return False
