"""DATASHEET.md after Gebru et al., "Datasheets for Datasets": prose from a template, figures from the data.

Every number in the datasheet is computed here from the tables being published, and the column table comes
from the schema, so the datasheet cannot drift from the data.
"""

from __future__ import annotations

import polars as pl

import json

from .config import DATA_DIR, EVALUATION_REPORT
from .schema import EventSchema, column_docs

TEMPLATE = DATA_DIR / "datasheet_template.md"
ACCURACY_ROWS = [
    ("share of notes yielding an event", "share_with_event"),
    ("event_type accuracy, all notes (a miss is wrong)", "event_type_accuracy"),
    ("event_type accuracy, notes with an event", "event_type_accuracy_when_found"),
    ("sub_event_type weighted F1", "sub_event_type_weighted_f1"),
    ("event_date exact", "event_date_exact"),
    ("location within 25 km", "location_within_25km"),
    ("admin1 match", "admin1_match"),
    ("fatalities exact", "fatalities_exact"),
    ("inter-code pair match", "inter_pair_match"),
    ("actor1 name match", "actor1_match"),
]


def _markdown_table(header: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(str(v).replace("|", "\\|") for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _counts(frame: pl.DataFrame, columns: list[str]) -> str:
    if frame.is_empty():
        return "(none)"
    counted = frame.group_by(columns).len().sort(["len"] + columns, descending=[True] + [False] * len(columns))
    return _markdown_table(columns + ["rows"], [list(r) for r in counted.iter_rows()])


def accuracy_table() -> str:
    """The committed held-out evaluation (extractor evaluate --holdout-only), one column per extractor mode."""
    if not EVALUATION_REPORT.exists():
        return "(no evaluation report in this release)"
    reports = json.loads(EVALUATION_REPORT.read_text(encoding="utf-8"))
    header = ["metric"] + [r["mode"] for r in reports]
    rows = [[label] + [r[key] for r in reports] for label, key in ACCURACY_ROWS]
    return f"{reports[0]['notes']} held-out notes.\n\n" + _markdown_table(header, rows)


def composition_figures(events: pl.DataFrame, mentions: pl.DataFrame, quarantine: pl.DataFrame,
                        report: dict) -> dict[str, object]:
    has_events = not events.is_empty()
    return {
        "n_events": events.height,
        "n_mentions": mentions.height,
        "n_documents_seen": report["docs_seen"],
        "n_documents_processed": report["docs_processed"],
        "n_documents_with_events": mentions["doc_id"].n_unique() if mentions.height else 0,
        "n_quarantined": quarantine.height,
        "first_date": events["event_date"].min() if has_events else "n/a",
        "last_date": events["event_date"].max() if has_events else "n/a",
        "n_countries": events["country"].n_unique() if has_events else 0,
        "total_fatalities": int(events["fatalities"].sum()) if has_events else 0,
        "n_multi_source": int((events["source"].str.contains("; ")).sum()) if has_events else 0,
        "by_type": _counts(events, ["event_type", "sub_event_type"]),
        "by_country": _counts(events, ["country", "admin1"]),
        "by_precision": _counts(events, ["time_precision", "geo_precision"]),
        "by_extractor": _counts(mentions, ["extractor"]),
        "quarantine_by_stage": _counts(quarantine, ["stage"]),
        "columns": _markdown_table(["column", "type", "meaning"],
                                   [[f"`{n}`", t, d] for n, t, d in column_docs(EventSchema)]),
        "versions": _markdown_table(["component", "version"], sorted(report["versions"].items())),
        "accuracy": accuracy_table(),
    }


def render_datasheet(events: pl.DataFrame, mentions: pl.DataFrame, quarantine: pl.DataFrame, report: dict) -> str:
    return TEMPLATE.read_text(encoding="utf-8").format(**composition_figures(events, mentions, quarantine, report))
