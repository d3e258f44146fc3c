"""The committed event classifier: loads offline, classifies obvious sentences, works as a pipeline component."""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import spacy

from extractor.schema import TAXONOMY
from extractor.classifier import (
    DEFAULT_MODEL_DIR,
    NOT_EVENT,
    classifier_labels,
    classify_texts,
    clean_event_text,
    event_type_of,
    load_event_classifier,
    predict_sub_event,
)
from extractor.config import DATA_DIR, REPO_DIR, SPACY_MODEL

AIR_STRIKE = "Warplanes bombed the town on Tuesday, killing five civilians and destroying a school."
PROTEST = "Hundreds of teachers marched peacefully through the capital on Monday to demand higher wages."
CLASH = "Government troops clashed with rebel fighters near the border, and twelve fighters were killed."
MEETING = "The foreign ministers of the two countries met in Geneva on Friday to discuss trade and tourism."


@pytest.fixture(scope="module")
def nlp():
    """The statistical English pipeline with the classifier after the parser (sentences from the parser)."""
    pipeline = spacy.load(SPACY_MODEL, exclude=["ner", "lemmatizer"])
    pipeline.add_pipe("acled_event_classifier", after="parser", config={"candidates_only": False})
    return pipeline


def test_taxonomy_has_the_25_acled_sub_event_types():
    taxonomy = {sub: {'event_type': et, 'disorder_type': dt} for sub, (et, dt) in TAXONOMY.sub_event_types.items()}
    assert len(taxonomy) == 25
    assert taxonomy["Chemical weapon"]["event_type"] == "Explosions/Remote violence"
    assert taxonomy["Excessive force against protesters"]["disorder_type"] == "Political violence; Demonstrations"
    assert taxonomy["Violent demonstration"]["disorder_type"] == "Demonstrations"
    assert taxonomy["Mob violence"]["disorder_type"] == "Political violence"
    assert {v["event_type"] for v in taxonomy.values()} == {
        "Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots",
        "Strategic developments",
    }


def test_committed_model_knows_every_label_and_is_small():
    model = load_event_classifier()
    assert set(model.nlp.get_pipe("textcat").labels) == set(classifier_labels())
    size = sum(f.stat().st_size for f in DEFAULT_MODEL_DIR.rglob("*") if f.is_file())
    assert size < 20 * 1024 * 1024
    card = (DEFAULT_MODEL_DIR / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "Armed Conflict Location & Event Data Project (ACLED); acleddata.com" in card


@pytest.mark.parametrize(
    ("text", "sub_event_type"),
    [(AIR_STRIKE, "Air/drone strike"), (PROTEST, "Peaceful protest"), (MEETING, NOT_EVENT)],
)
def test_obvious_sentences_get_the_right_sub_event_type(text, sub_event_type):
    assert predict_sub_event(classify_texts([text])[0])[0] == sub_event_type


def test_a_clash_is_a_battle():
    label, _ = predict_sub_event(classify_texts([CLASH])[0])
    assert event_type_of(label) == "Battles"


def test_scores_cover_all_labels_and_sum_to_one():
    (scores,) = classify_texts([AIR_STRIKE])
    assert set(scores) == set(classifier_labels())
    assert math.isclose(sum(scores.values()), 1.0, abs_tol=1e-4)


def test_boilerplate_only_text_is_not_an_event():
    (scores,) = classify_texts(["[size=no report]"])
    assert predict_sub_event(scores) == (NOT_EVENT, 1.0)


def test_cleaning_strips_coder_boilerplate_but_keeps_the_event():
    note = (
        "Property destruction: On 3 March 2021, unknown men burned a shop in Xville (coded to Yville). "
        "Fatalities coded as 0. [size=no report] LOCATION: Zed district"
    )
    assert clean_event_text(note) == "Unknown men burned a shop in Xville."
    assert clean_event_text("Around 2 May 2020 (as reported), a crowd marched.") == "A crowd marched."
    assert clean_event_text(PROTEST) == PROTEST


def test_predict_sub_event_returns_the_most_probable_label():
    assert predict_sub_event({"Attack": 0.2, "Armed clash": 0.7, NOT_EVENT: 0.1}) == ("Armed clash", 0.7)


def test_component_scores_each_sentence_in_a_pipeline(nlp):
    doc = nlp(f"{MEETING} {AIR_STRIKE}")
    sentences = list(doc.sents)
    assert len(sentences) == 2
    assert all(set(sent._.acled_scores) == set(classifier_labels()) for sent in sentences)
    assert predict_sub_event(sentences[0]._.acled_scores)[0] == NOT_EVENT
    assert predict_sub_event(sentences[1]._.acled_scores)[0] == "Air/drone strike"


def test_pipe_batches_across_docs_with_the_same_scores_as_call(nlp):
    texts = [AIR_STRIKE, f"{PROTEST} {CLASH}", MEETING]
    piped = [[s._.acled_scores for s in doc.sents] for doc in nlp.pipe(texts, batch_size=2)]
    single = [[s._.acled_scores for s in nlp(text).sents] for text in texts]
    assert [[predict_sub_event(s) for s in doc] for doc in piped] == [
        [predict_sub_event(s) for s in doc] for doc in single
    ]


def test_candidates_only_skips_sentences_without_event_keywords():
    pipeline = spacy.load(SPACY_MODEL, exclude=["ner", "lemmatizer"])
    pipeline.add_pipe("acled_event_classifier", after="parser")
    doc = pipeline(f"The museum reopened on Sunday. {AIR_STRIKE}")
    first, second = doc.sents
    assert first._.acled_scores is None
    assert predict_sub_event(second._.acled_scores)[0] == "Air/drone strike"


def test_saved_pipeline_carries_the_model_and_loads_back(nlp, tmp_path):
    nlp.to_disk(tmp_path / "pipeline")
    assert (tmp_path / "pipeline" / "acled_event_classifier" / "event_keywords.json").exists()
    reloaded = spacy.load(tmp_path / "pipeline")
    (sent,) = reloaded(AIR_STRIKE).sents
    assert predict_sub_event(sent._.acled_scores)[0] == "Air/drone strike"


def test_committed_model_loads_offline_in_a_fresh_process():
    code = (
        "from extractor.classifier import classify_texts, predict_sub_event;"
        f"print(predict_sub_event(classify_texts([{AIR_STRIKE!r}])[0])[0])"
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "no_proxy": "*", "http_proxy": "http://0.0.0.0:9", "https_proxy": "http://0.0.0.0:9"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_DIR, env=env, capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.strip() == "Air/drone strike"


def test_seed_non_event_sentences_come_from_the_bundled_corpus():
    corpus = " ".join(
        re.sub(r"\s+", " ", json.loads(line)["text"])
        for line in (REPO_DIR / "corpus" / "seeds.jsonl").read_text(encoding="utf-8").splitlines()
    )
    lines = (DATA_DIR / "seed_non_event_sentences.txt").read_text(encoding="utf-8").splitlines()
    sentences = [re.sub(r"\s+", " ", line.strip()) for line in lines if line.strip() and not line.startswith("#")]
    assert sentences and all(sentence in corpus for sentence in sentences)


def test_news_event_sentences_use_taxonomy_labels():
    lines = Path(DATA_DIR / "news_event_sentences.tsv").read_text(encoding="utf-8").splitlines()
    labels = {line.split("\t", 1)[0] for line in lines if line.strip() and not line.startswith("#")}
    assert labels == set(TAXONOMY.sub_event_types)
