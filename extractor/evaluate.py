"""Accuracy harness: the whole pipeline measured against human ACLED coding, field by field.

Each gold row's `notes` is treated as an article published on the row's `event_date` and run through the full
pipeline (ingest checks aside). The note's prediction is its most confident event candidate (ties: the first in
the text). Field metrics (date, place, fatalities, actors) are computed over the notes that yielded an event;
detection and type metrics over all notes, a missed note counting as the class `NO_EVENT`.
"""

from __future__ import annotations

import json
import math
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from .config import EXTRACTION_MODES
from .pipeline import extract_documents
from .records import Article, EventCandidate

NO_EVENT = "NO_EVENT"
NEAR_KM = 25.0
GOLD_COLUMNS = ("notes", "event_date", "event_type", "sub_event_type")


@dataclass(frozen=True)
class GoldEvent:
    row: int
    notes: str
    event_date: date
    event_type: str
    sub_event_type: str
    latitude: float | None
    longitude: float | None
    admin1: str
    fatalities: int | None
    interaction: int | None
    actor1: str
    actor2: str


def read_gold(path: Path, limit: int | None = None, holdout_only: bool = False) -> list[GoldEvent]:
    """Gold rows from an ACLED export CSV (rows without notes or a date are skipped)."""
    frame = pl.read_csv(path, infer_schema_length=0)
    missing = [c for c in GOLD_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: missing column(s) {missing}")
    if holdout_only:
        from .train import DEFAULT_HOLDOUT

        frame = frame.filter(DEFAULT_HOLDOUT.mask(frame))
    frame = frame.with_row_index("row").filter(
        pl.col("notes").str.strip_chars().str.len_chars().fill_null(0) > 0,
        pl.col("event_date").str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False).is_not_null())
    if limit:
        frame = frame.head(limit)
    gold = []
    for r in frame.iter_rows(named=True):
        gold.append(GoldEvent(
            row=r["row"], notes=r["notes"], event_date=date.fromisoformat(r["event_date"][:10]),
            event_type=r["event_type"] or "", sub_event_type=r["sub_event_type"] or "",
            latitude=_float(r.get("latitude")), longitude=_float(r.get("longitude")),
            admin1=r.get("admin1") or "", fatalities=_int(r.get("fatalities")), interaction=_int(r.get("interaction")),
            actor1=r.get("actor1") or "", actor2=r.get("actor2") or ""))
    return gold


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def _int(value: str | None) -> int | None:
    number = _float(value)
    return int(number) if number is not None else None


def predict(gold: list[GoldEvent], mode: str) -> tuple[list[EventCandidate | None], list[bool]]:
    """The pipeline's event for each note (None when it found none), and whether it quarantined any."""
    articles = [Article(id=str(g.row), text=g.notes, published=g.event_date, source="gold") for g in gold]
    predictions, quarantined = [], []
    for result in extract_documents(articles, mode=mode):
        best = max(result.candidates, key=lambda c: (c.mention.confidence, -c.mention.start_char), default=None)
        predictions.append(best)
        quarantined.append(bool(result.rejected) and not result.candidates)
    return predictions, quarantined


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold().strip()


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def f1_scores(gold: list[str], predicted: list[str]) -> tuple[float, dict[str, dict[str, float]]]:
    """Support-weighted F1 over the gold classes, and precision/recall/F1/support per gold class."""
    per_class = {}
    for label in sorted(set(gold)):
        tp = sum(1 for g, p in zip(gold, predicted) if g == label and p == label)
        fp = sum(1 for g, p in zip(gold, predicted) if g != label and p == label)
        fn = sum(1 for g, p in zip(gold, predicted) if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[label] = {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
                            "support": tp + fn}
    total = sum(c["support"] for c in per_class.values())
    weighted = sum(c["f1"] * c["support"] for c in per_class.values()) / total if total else 0.0
    return round(weighted, 4), per_class


def _share(hits: list[bool]) -> float | None:
    return round(sum(hits) / len(hits), 4) if hits else None


def score(gold: list[GoldEvent], predictions: list[EventCandidate | None], quarantined: list[bool]) -> dict:
    """All harness metrics for aligned gold rows and predictions."""
    found = [(g, p) for g, p in zip(gold, predictions) if p is not None]
    predicted_sub = [p.sub_event_type if p else NO_EVENT for p in predictions]
    predicted_type = [p.event_type if p else NO_EVENT for p in predictions]
    weighted_f1, per_class = f1_scores([g.sub_event_type for g in gold], predicted_sub)
    located = [(g, p) for g, p in found if g.latitude is not None and g.longitude is not None]
    confusion = Counter((g.sub_event_type, s) for g, s in zip(gold, predicted_sub))
    return {
        "notes": len(gold),
        "share_with_event": _share([p is not None for p in predictions]),
        "share_quarantined": _share(quarantined),
        "event_type_accuracy": _share([g.event_type == t for g, t in zip(gold, predicted_type)]),
        "event_type_accuracy_when_found": _share([g.event_type == p.event_type for g, p in found]),
        "sub_event_type_weighted_f1": weighted_f1,
        "sub_event_type_accuracy_when_found": _share([g.sub_event_type == p.sub_event_type for g, p in found]),
        "event_date_exact": _share([g.event_date == p.event_date.day for g, p in found]),
        "location_within_25km": _share([km_between(g.latitude, g.longitude, p.place.latitude, p.place.longitude)
                                        <= NEAR_KM for g, p in located]),
        "admin1_match": _share([_ascii(g.admin1) == _ascii(p.place.admin1) for g, p in found if g.admin1]),
        "fatalities_exact": _share([g.fatalities == p.fatalities for g, p in found if g.fatalities is not None]),
        "inter_pair_match": _share([g.interaction == _interaction(p) for g, p in found if g.interaction]),
        "actor1_match": _share([g.actor1 == p.actor1.name for g, p in found if g.actor1]),
        "actor_names_match": _share([{g.actor1, g.actor2} - {""} == {p.actor1.name, p.actor2.name if p.actor2
                                                                      else ""} - {""} for g, p in found]),
        "per_class": per_class,
        "confusion": [{"gold": g, "predicted": p, "count": n}
                      for (g, p), n in sorted(confusion.items(), key=lambda kv: (-kv[1], kv[0]))],
    }


def _interaction(candidate: EventCandidate) -> int:
    inter1 = candidate.actor1.inter
    inter2 = candidate.actor2.inter if candidate.actor2 else 0
    return inter1 * 10 if inter2 == 0 else min(inter1, inter2) * 10 + max(inter1, inter2)


def evaluate(gold_path: Path, mode: str = "combined", limit: int | None = None,
             holdout_only: bool = False) -> dict:
    if mode not in EXTRACTION_MODES:
        raise ValueError(f"mode must be one of {EXTRACTION_MODES}")
    gold = read_gold(gold_path, limit, holdout_only)
    started = time.monotonic()
    predictions, quarantined = predict(gold, mode)
    report = score(gold, predictions, quarantined)
    seconds = time.monotonic() - started
    report.update({"gold": str(gold_path), "mode": mode, "holdout_only": holdout_only, "seconds": round(seconds, 1),
                   "notes_per_second": round(len(gold) / seconds, 1) if seconds else None})
    return report


HEADLINE = ["share_with_event", "share_quarantined", "event_type_accuracy", "event_type_accuracy_when_found",
            "sub_event_type_weighted_f1", "sub_event_type_accuracy_when_found", "event_date_exact",
            "location_within_25km", "admin1_match", "fatalities_exact", "inter_pair_match", "actor1_match",
            "actor_names_match"]


def format_report(reports: list[dict]) -> str:
    """A readable table: one column per evaluated mode, then per-class F1 and the top confusions."""
    lines = [f"{'metric':<38}" + "".join(f"{r['mode']:>12}" for r in reports)]
    for key in ["notes", *HEADLINE, "notes_per_second"]:
        values = [r.get(key) for r in reports]
        lines.append(f"{key:<38}" + "".join(f"{'' if v is None else v:>12}" for v in values))
    lines += ["", f"{'per-class F1 (' + reports[-1]['mode'] + ')':<38}{'f1':>8}{'support':>9}"]
    for label, c in sorted(reports[-1]["per_class"].items(), key=lambda kv: -kv[1]["support"]):
        lines.append(f"{label:<38}{c['f1']:>8}{c['support']:>9}")
    lines += ["", "top confusions (gold -> predicted)"]
    for c in [c for c in reports[-1]["confusion"] if c["gold"] != c["predicted"]][:12]:
        lines.append(f"  {c['count']:>5}  {c['gold']} -> {c['predicted']}")
    return "\n".join(lines)


def main(gold: Path, out: Path | None, modes: list[str], limit: int | None, holdout_only: bool) -> int:
    reports = [evaluate(gold, mode, limit, holdout_only) for mode in modes]
    print(format_report(reports))
    if out is not None:
        out.write_text(json.dumps(reports if len(reports) > 1 else reports[0], indent=2) + "\n", encoding="utf-8")
    return 0
