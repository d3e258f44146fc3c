"""pandera (polars backend) models of the published tables.

Field order is the column order of the published files (ACLED's export order for events). Types follow what
R and pandas users need: dates as DATE, integers without nulls (0 means "none", as in ACLED), plain strings
("" for an empty cell, never null).
"""

from __future__ import annotations

import polars as pl
import pandera.polars as pa
from pandera.polars import PolarsData

from .taxonomy import TAXONOMY

SUB_EVENT_TYPES = list(TAXONOMY.sub_event_types)
TYPE_TRIPLES = pl.DataFrame(
    {"sub_event_type": SUB_EVENT_TYPES,
     "expected_event_type": [TAXONOMY.event_type(s) for s in SUB_EVENT_TYPES],
     "expected_disorder_type": [TAXONOMY.disorder_type(s) for s in SUB_EVENT_TYPES]})


def _text(description: str, **checks) -> object:
    return pa.Field(nullable=False, description=description, **checks)


class EventSchema(pa.DataFrameModel):
    """One row per event: one actor pair doing one kind of thing at one place on one day."""

    event_id_cnty: str = _text("Stable event identifier: ISO3 letters + a number derived from the event's key "
                               "(date, location, actor pair, sub-event type), never from run order.",
                               str_matches=r"^[A-Z]{3}[0-9]+$", unique=True)
    event_date: pl.Date = _text("Day the event happened (not the publication day).")
    year: pl.Int32 = _text("Year of event_date.", ge=1900)
    time_precision: pl.Int32 = _text("1 exact day; 2 the week is known (or no date given: publication date used); "
                                     "3 only the month is known.", isin=[1, 2, 3])
    disorder_type: str = _text("Political violence; Demonstrations; Strategic developments (or 'Political "
                               "violence; Demonstrations').", isin=TAXONOMY.disorder_types)
    event_type: str = _text("ACLED event type.", isin=TAXONOMY.event_types)
    sub_event_type: str = _text("ACLED sub-event type (25 values).", isin=SUB_EVENT_TYPES)
    actor1: str = _text("Main actor, normalised to ACLED's naming.", str_length={"min_value": 1})
    assoc_actor_1: str = _text("Actors associated with actor1, joined with '; '.")
    inter1: pl.Int32 = _text("Inter code of actor1 (1 state forces ... 8 external/other forces).",
                             isin=list(range(1, 9)))
    actor2: str = _text("Other actor ('' when there is none).")
    assoc_actor_2: str = _text("Actors associated with actor2, joined with '; '.")
    inter2: pl.Int32 = _text("Inter code of actor2; 0 when there is no actor2.", isin=list(range(0, 9)))
    interaction: pl.Int32 = _text("The two inter codes as one number, smaller first (1 and 2 -> 12; 6 alone -> 60).",
                                  ge=10, le=88)
    civilian_targeting: str = _text("'Civilian targeting' when civilians were the target, else ''.",
                                    isin=["", "Civilian targeting"])
    iso: pl.Int32 = _text("ISO 3166 numeric country code.", ge=1, le=999)
    region: str = _text("ACLED world region.", str_length={"min_value": 1})
    country: str = _text("Country where the event happened.", str_length={"min_value": 1})
    admin1: str = _text("First-level administrative unit.")
    admin2: str = _text("Second-level administrative unit.")
    admin3: str = _text("Third-level administrative unit.")
    location: str = _text("Most specific named place of the event.", str_length={"min_value": 1})
    latitude: pl.Float64 = _text("Latitude of the location (WGS84).", ge=-90, le=90)
    longitude: pl.Float64 = _text("Longitude of the location (WGS84).", ge=-180, le=180)
    geo_precision: pl.Int32 = _text("1 the place itself; 2 near it or a part of a region; 3 only a larger region "
                                    "is known (coded to its centre or capital).", isin=[1, 2, 3])
    source: str = _text("Publishers of the reports, joined with '; '.", str_length={"min_value": 1})
    source_scale: str = _text("Scale of the sources (National, International, ...); '' when unknown.")
    notes: str = _text("Short factual summary starting 'On <date>, ...'.", str_startswith="On ")
    fatalities: pl.Int32 = _text("Reported deaths in this event by ACLED's rules; 0 when none reported.", ge=0)
    tags: str = _text("Additional ACLED-style tags joined with '; '.")
    timestamp: pl.Int64 = _text("Unix time (seconds) the row last changed.", ge=0)
    latest_published: pl.Date = pa.Field(nullable=False, description="internal: latest publication date of the "
                                         "sources (checked, not published)")

    class Config:
        strict = True
        ordered = True

    @pa.dataframe_check(name="sub_event_type within event_type and disorder_type")
    def taxonomy_consistent(cls, data: PolarsData) -> pl.LazyFrame:
        joined = data.lazyframe.join(TYPE_TRIPLES.lazy(), on="sub_event_type", how="left", maintain_order="left")
        return joined.select((pl.col("event_type") == pl.col("expected_event_type"))
                             & (pl.col("disorder_type") == pl.col("expected_disorder_type")))

    @pa.dataframe_check(name="interaction equals the inter pair")
    def interaction_matches(cls, data: PolarsData) -> pl.LazyFrame:
        low = pl.min_horizontal("inter1", "inter2")
        high = pl.max_horizontal("inter1", "inter2")
        expected = pl.when(pl.col("inter2") == 0).then(pl.col("inter1") * 10).otherwise(low * 10 + high)
        return data.lazyframe.select(pl.col("interaction") == expected)

    @pa.dataframe_check(name="actor2 and inter2 agree (no actor2 means inter2 0)")
    def actor2_inter_agree(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select((pl.col("actor2") == "") == (pl.col("inter2") == 0))

    @pa.dataframe_check(name="year is the year of event_date")
    def year_matches(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("event_date").dt.year() == pl.col("year"))

    @pa.dataframe_check(name="event_date not after the latest source's publication date")
    def not_after_publication(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("event_date") <= pl.col("latest_published"))

    @pa.dataframe_check(name="civilian_targeting only for events with civilian targets")
    def civilian_targeting_consistent(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select((pl.col("civilian_targeting") == "") | (pl.col("inter2") == 7))


PUBLISHED_EVENT_COLUMNS_EXCLUDED = ("latest_published",)
EVENT_COLUMNS = [c for c in EventSchema.to_schema().columns if c not in PUBLISHED_EVENT_COLUMNS_EXCLUDED]


class MentionSchema(pa.DataFrameModel):
    """One row per piece of evidence: which sentence of which document supports which event."""

    event_id_cnty: str = _text("The event this evidence supports.", str_matches=r"^[A-Z]{3}[0-9]+$")
    doc_id: str = _text("Input document id, as given.", str_length={"min_value": 1})
    sentence: str = _text("The sentence the event was read from, as cleaned at ingest (markup and control "
                          "characters blanked).")
    start_char: pl.Int64 = _text("Start offset of the sentence in the document's `text` as given (in code points: "
                                 "cleaning keeps offsets).", ge=0)
    end_char: pl.Int64 = _text("End offset (exclusive) of the sentence in the document's `text` as given.", ge=0)
    extractor: str = _text("Rule or model that found the event.", str_length={"min_value": 1})
    confidence: pl.Float64 = _text("Extractor confidence, 0-1.", ge=0, le=1)

    class Config:
        strict = True
        ordered = True


class QuarantineSchema(pa.DataFrameModel):
    """One row per rejected input document, event candidate or event row, with the reason."""

    stage: str = _text("Where it was rejected: ingest, resolve or validate.", isin=["ingest", "resolve", "validate"])
    input_file: str = _text("Input file name ('' when not from a file).")
    line_no: pl.Int64 = _text("Line in the input file (0 when unknown).", ge=0)
    doc_id: str = _text("Document id when known.")
    event_id_cnty: str = _text("Event id for rows rejected by validation.")
    reason: str = _text("Plain-language reason (the failed check for validation).", str_length={"min_value": 1})

    class Config:
        strict = True
        ordered = True


class DeletedSchema(pa.DataFrameModel):
    """One row per event id withdrawn from the dataset, kept across releases so local copies can drop it."""

    event_id_cnty: str = _text("Id of an event no longer published (its source was removed or it was re-coded "
                               "under another key).", str_matches=r"^[A-Z]{3}[0-9]+$", unique=True)
    deleted_timestamp: pl.Int64 = _text("Unix time (seconds) of the release that withdrew it.", ge=0)

    class Config:
        strict = True
        ordered = True


def column_docs(model: type[pa.DataFrameModel]) -> list[tuple[str, str, str]]:
    """(column, type, description) for documentation, in published order."""
    schema = model.to_schema()
    return [(name, str(col.dtype), col.description or "") for name, col in schema.columns.items()
            if name not in PUBLISHED_EVENT_COLUMNS_EXCLUDED]
