"""Stage 6 — validate: every row is checked against the data contract before anything is published.

pandera validates lazily, so every failing row and check is reported at once. Failing rows are taken out and
quarantined with the check they failed; the valid rows are still published.
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from .records import Quarantined
from .schema import EventSchema, MentionSchema


class ContractViolation(RuntimeError):
    """The table as a whole breaks the contract (a missing column or a wrong type): a bug, not bad data."""


def validate_events(events: pl.DataFrame) -> tuple[pl.DataFrame, list[Quarantined]]:
    """Valid rows, and one quarantine record per invalid row naming every check it failed."""
    try:
        return EventSchema.validate(events, lazy=True), []
    except pa.errors.SchemaErrors as errors:
        failures = errors.failure_cases
    table_level = failures.filter(pl.col("index").is_null())
    if table_level.height:
        raise ContractViolation("the events table breaks the data contract: " + "; ".join(
            f"{r['column']}: {r['check']}" for r in table_level.iter_rows(named=True)))
    reasons: dict[int, list[str]] = {}
    for failure in failures.iter_rows(named=True):
        label = failure["check"] if failure["schema_context"] != "Column" else \
            f"{failure['column']} failed {failure['check']} (value {failure['failure_case']!r})"
        reasons.setdefault(failure["index"], []).append(label)
    bad_rows = sorted(reasons)
    quarantined = [Quarantined(stage="validate", event_id_cnty=events["event_id_cnty"][i],
                               reason="; ".join(sorted(set(reasons[i])))) for i in bad_rows]
    valid = events.with_row_index("_row").filter(~pl.col("_row").is_in(bad_rows)).drop("_row")
    return EventSchema.validate(valid, lazy=True), quarantined


def validate_mentions(mentions: pl.DataFrame, event_ids: pl.Series) -> pl.DataFrame:
    """Evidence of published events only (evidence of quarantined rows stays out with them)."""
    return MentionSchema.validate(mentions.filter(pl.col("event_id_cnty").is_in(event_ids.implode())), lazy=True)
