"""Training end to end on a tiny hand-written ACLED-format CSV (no ACLED text), with a short spaCy config."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from spacy.util import load_config

from extractor.classifier import NOT_EVENT, EventTextClassifier, classifier_labels, predict_sub_event
from extractor.train import DEFAULT_CONFIG, Holdout, load_acled_examples, main, train_classifier

PLACES = ["Amberton", "Brisk", "Coldwater", "Dunmore", "Eastleigh", "Fairview", "Glenmoor", "Hillcrest",
          "Ironbridge", "Juniper", "Kestrel", "Lowmarsh", "Millbrook", "Northgate", "Oakfield"]
TEMPLATES = {
    "Armed clash": "On {date}, soldiers and rebels exchanged fire near {place}, and {n} fighters were killed.",
    "Air/drone strike": "On {date}, a drone strike hit a compound in {place}, killing {n} militants.",
    "Peaceful protest": "On {date}, about {n}0 traders marched in {place} to demand lower taxes. [size=about {n}0]",
    "Attack": "On {date}, gunmen shot {n} villagers in {place}. Fatalities coded as {n}.",
    "Arrests": "Arrests: On {date}, police arrested {n} opposition members in {place}.",
}


def write_tiny_acled_csv(path: Path, rows: int = 300) -> Path:
    """An ACLED-shaped CSV of templated, hand-written notes spread over 2021-2022, plus two rows without notes."""
    labels = list(TEMPLATES)
    records = []
    for i in range(rows):
        label = labels[i % len(labels)]
        day = date(2021, 1, 1) + timedelta(days=(i * 37) % 700)
        place = PLACES[(i // len(labels)) % len(PLACES)]
        records.append({
            "event_date": day.isoformat(),
            "country": "Alphaland" if i % 3 else "Betaland",
            "event_type": "",
            "sub_event_type": label,
            "notes": TEMPLATES[label].format(date=f"{day.day} {day:%B %Y}", place=place, n=i % 9 + 2),
        })
    records += [{"event_date": "2021-05-05", "country": "Alphaland", "event_type": "Battles",
                 "sub_event_type": "Armed clash", "notes": None}] * 2
    pl.DataFrame(records).write_csv(path)
    return path


@pytest.fixture(scope="module")
def tiny_csv(tmp_path_factory) -> Path:
    return write_tiny_acled_csv(tmp_path_factory.mktemp("data") / "acled.csv")


@pytest.fixture(scope="module")
def fast_config(tmp_path_factory) -> Path:
    """The versioned config with a short training schedule, so a test run takes seconds."""
    config = load_config(
        DEFAULT_CONFIG,
        overrides={"training.max_steps": 60, "training.eval_frequency": 30, "training.patience": 60},
        interpolate=False,
    )
    path = tmp_path_factory.mktemp("config") / "textcat_fast.cfg"
    config.to_disk(path)
    return path


@pytest.fixture(scope="module")
def cli_model(tiny_csv, fast_config, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("models") / "via_cli"
    argv = ["--data", str(tiny_csv), "--out", str(out), "--seed", "3", "--holdout-from", "2022-07-01",
            "--config", str(fast_config)]
    assert main(argv) == 0
    return out


def test_cli_training_writes_a_loadable_model_with_card_and_metrics(cli_model):
    for name in ("meta.json", "config.cfg", "metrics.json", "event_keywords.json", "MODEL_CARD.md"):
        assert (cli_model / name).exists(), name
    classifier = EventTextClassifier.load(cli_model)
    assert set(classifier.nlp.get_pipe("textcat").labels) == set(classifier_labels())
    (scores,) = classifier.classify(["A drone strike hit a compound in Brisk."])
    label, probability = predict_sub_event(scores)
    assert label in classifier_labels() and 0 < probability <= 1
    card = (cli_model / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "Armed Conflict Location & Event Data Project (ACLED); acleddata.com" in card
    assert "events dated on or after 2022-07-01" in card


def test_metrics_report_holdout_and_not_event_figures(cli_model):
    metrics = json.loads((cli_model / "metrics.json").read_text(encoding="utf-8"))
    assert 0 <= metrics["event_type_accuracy"] <= 1
    assert 0 <= metrics["sub_event_type_weighted_f1"] <= 1
    assert set(metrics["per_class"]) == set(classifier_labels())
    assert {"events_predicted_not_event_rate", "non_event_rejection_rate"} <= set(metrics["not_event"])
    assert metrics["data"]["skipped_missing_notes"] == 2
    assert metrics["data"]["holdout_events_total"] > 0 and metrics["data"]["train_events"] > 0
    assert metrics["data"]["seed"] == 3


def test_training_is_reproducible_with_a_fixed_seed(cli_model, tiny_csv, fast_config, tmp_path):
    again = train_classifier(
        tiny_csv, tmp_path / "again", seed=3, holdout=Holdout(from_date=date(2022, 7, 1)), config=fast_config
    )
    first = json.loads((cli_model / "metrics.json").read_text(encoding="utf-8"))
    for key in ("event_type_accuracy", "sub_event_type_weighted_f1", "per_class", "not_event"):
        assert again[key] == first[key], key


def test_loading_skips_rows_without_notes_and_cleans_boilerplate(tiny_csv):
    rows, counts = load_acled_examples(tiny_csv)
    assert counts["skipped_missing_notes"] == 2
    assert rows.height == 300
    assert not rows["text"].str.contains(r"\[size=|coded|^On \d").any()


def test_holdout_by_country_or_date():
    rows = pl.DataFrame({"event_date": ["2021-01-01", "2022-08-01", "2021-03-03"],
                         "country": ["Alphaland", "Alphaland", "Betaland"]})
    by_country = rows.select(Holdout(countries=frozenset({"Betaland"})).mask(rows))
    by_date = rows.select(Holdout(from_date=date(2022, 7, 1)).mask(rows))
    assert by_country.to_series().to_list() == [False, False, True]
    assert by_date.to_series().to_list() == [False, True, False]
    with pytest.raises(ValueError):
        Holdout()


def test_refuses_to_overwrite_a_directory_that_is_not_a_model(tiny_csv, fast_config, tmp_path):
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(FileExistsError):
        train_classifier(tiny_csv, tmp_path, config=fast_config, holdout=Holdout(from_date=date(2022, 7, 1)))
    assert (tmp_path / "notes.txt").exists()


def test_not_event_is_a_label():
    assert NOT_EVENT in classifier_labels() and len(classifier_labels()) == 26
