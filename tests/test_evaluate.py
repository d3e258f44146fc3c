"""The accuracy harness: metrics on a tiny hand-made gold set whose answers are known."""

from __future__ import annotations

import csv
import json
from datetime import date

import pytest

from extractor.cli import main as cli_main
from extractor.evaluate import GoldEvent, evaluate, f1_scores, score
from extractor.records import Actor, EventCandidate, Mention, Place, ResolvedDate

SIRTE = Place("Sirte", "Libya", 434, "LY", "Northern Africa", "Surt", "", "", 31.2089, 16.5887, 1, "test")


def gold(row: int, sub_event_type: str, event_type: str, **fields) -> GoldEvent:
    values = dict(notes="n", event_date=date(2021, 3, 3), latitude=31.2089, longitude=16.5887, admin1="Surt",
                  fatalities=2, interaction=37, actor1="Unidentified Armed Group (Libya)", actor2="Civilians (Libya)")
    values.update(fields)
    return GoldEvent(row=row, event_type=event_type, sub_event_type=sub_event_type, **values)


def candidate(sub_event_type: str, event_type: str, *, day=date(2021, 3, 3), place=SIRTE, fatalities=2,
              actor2=Actor("Civilians (Libya)", 7)) -> EventCandidate:
    mention = Mention("d", "s", 0, 1, "rules", 0.9, "gold", day)
    return EventCandidate(event_type, sub_event_type, ResolvedDate(day, 1, "x"),
                          Actor("Unidentified Armed Group (Libya)", 3), actor2, place, fatalities, True, "s", mention)


def test_metrics_on_known_answers():
    golds = [gold(0, "Attack", "Violence against civilians"),
             gold(1, "Attack", "Violence against civilians"),
             gold(2, "Peaceful protest", "Protests", fatalities=0, interaction=60),
             gold(3, "Armed clash", "Battles", interaction=13)]
    far = Place("Tripoli", "Libya", 434, "LY", "Northern Africa", "Tripoli", "", "", 32.8874, 13.1873, 1, "test")
    predictions = [
        candidate("Attack", "Violence against civilians"),  # all right
        candidate("Armed clash", "Battles", day=date(2021, 3, 2), place=far, fatalities=3),  # all wrong
        None,  # missed
        candidate("Armed clash", "Battles"),  # right type, right place
    ]
    report = score(golds, predictions, [False, False, True, False])
    assert report["notes"] == 4
    assert report["share_with_event"] == 0.75
    assert report["share_quarantined"] == 0.25
    assert report["event_type_accuracy"] == 0.5  # rows 0 and 3
    assert report["event_type_accuracy_when_found"] == round(2 / 3, 4)
    assert report["event_date_exact"] == round(2 / 3, 4)
    assert report["location_within_25km"] == round(2 / 3, 4)
    assert report["admin1_match"] == round(2 / 3, 4)
    assert report["fatalities_exact"] == round(2 / 3, 4)
    assert report["inter_pair_match"] == round(2 / 3, 4)
    # Attack: P 1/1, R 1/2 -> F1 2/3; Armed clash: P 1/2, R 1/1 -> 2/3; Peaceful protest: 0 -> weighted 0.5
    assert report["sub_event_type_weighted_f1"] == 0.5
    assert report["per_class"]["Attack"]["f1"] == round(2 / 3, 4)
    assert {"gold": "Peaceful protest", "predicted": "NO_EVENT", "count": 1} in report["confusion"]


def test_f1_is_weighted_by_gold_support():
    weighted, per_class = f1_scores(["a", "a", "a", "b"], ["a", "a", "a", "a"])
    assert per_class["a"]["f1"] == round(2 * 0.75 * 1.0 / 1.75, 4) and per_class["b"]["f1"] == 0.0
    assert weighted == round(per_class["a"]["f1"] * 3 / 4, 4)


@pytest.fixture
def tiny_gold(tmp_path):
    rows = [
        {"notes": "On 3 March 2021, gunmen shot dead two civilians in Sirte, Libya.", "event_date": "2021-03-03",
         "event_type": "Violence against civilians", "sub_event_type": "Attack", "latitude": "31.2089",
         "longitude": "16.5887", "admin1": "Surt", "fatalities": "2", "interaction": "37",
         "actor1": "Unidentified Armed Group (Libya)", "actor2": "Civilians (Libya)"},
        {"notes": "On 5 March 2021, hundreds of students protested in Nairobi, Kenya, against fee increases.",
         "event_date": "2021-03-05", "event_type": "Protests", "sub_event_type": "Peaceful protest",
         "latitude": "-1.2833", "longitude": "36.8167", "admin1": "Nairobi", "fatalities": "0",
         "interaction": "60", "actor1": "Protesters (Kenya)", "actor2": ""},
        {"notes": "", "event_date": "2021-03-06", "event_type": "Protests", "sub_event_type": "Peaceful protest"},
    ]
    path = tmp_path / "gold.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_harness_runs_the_real_pipeline_on_a_tiny_gold(tiny_gold):
    report = evaluate(tiny_gold, mode="rules")
    assert report["notes"] == 2  # the row without notes is skipped
    assert report["share_with_event"] == 1.0
    assert report["event_type_accuracy"] == 1.0 and report["sub_event_type_weighted_f1"] == 1.0
    assert report["event_date_exact"] == 1.0 and report["location_within_25km"] == 1.0
    assert report["fatalities_exact"] == 1.0 and report["inter_pair_match"] == 1.0


def test_evaluate_command_writes_json_for_each_mode(tiny_gold, tmp_path, capsys):
    out = tmp_path / "report.json"
    assert cli_main(["evaluate", "--gold", str(tiny_gold), "--mode", "rules", "--mode", "combined",
                     "--out", str(out)]) == 0
    reports = json.loads(out.read_text())
    assert [r["mode"] for r in reports] == ["rules", "combined"]
    assert "sub_event_type_weighted_f1" in capsys.readouterr().out
