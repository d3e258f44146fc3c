"""The main job on the bundled corpus, read back the way users read it: pyarrow, pandas, polars, DuckDB and R."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date

import duckdb
import pandas as pd
import polars as pl
import pyarrow.parquet as pq
import pytest

from extractor.schema import EVENT_COLUMNS

INTEGER_COLUMNS = ["year", "time_precision", "inter1", "inter2", "interaction", "iso", "geo_precision", "fatalities",
                   "timestamp"]


def events_of(bundled_run) -> pl.DataFrame:
    result, output = bundled_run
    return pl.read_parquet(output / "events.parquet")


def test_expected_events_for_the_five_reports(bundled_run):
    events = events_of(bundled_run)
    rows = events.select("event_date", "sub_event_type", "location", "actor1", "actor2").to_dicts()

    def has(day, location, sub_types, actor1_part):
        return any(r["event_date"] == day and r["location"] == location and r["sub_event_type"] in sub_types
                   and actor1_part in r["actor1"] for r in rows)

    territory = {"Government regains territory", "Non-violent transfer of territory"}
    assert has(date(2020, 6, 4), "Tripoli", territory, "Government of National Accord")
    assert has(date(2020, 6, 5), "Tarhuna", territory, "Government of National Accord")
    assert has(date(2020, 6, 5), "Tarhuna", {"Air/drone strike"}, "United Arab Emirates")
    assert has(date(2020, 6, 5), "Bani Walid", territory, "Government of National Accord")
    exchange = [r for r in rows if r["sub_event_type"] == "Agreement"]
    assert len(exchange) == 1 and exchange[0]["event_date"] == date(2020, 12, 25)
    assert {exchange[0]["actor1"], exchange[0]["actor2"]} == {
        "Military Forces of Libya (2016-) Government of National Accord",
        "Military Forces of Libya (2014-) Haftar Faction"}


def test_no_rows_for_diplomacy_or_the_14_month_total(bundled_run):
    events = events_of(bundled_run)
    assert events.filter(pl.col("fatalities") >= 100).is_empty()  # "killed 162 civilians ... 14 months"
    assert events.filter(pl.col("location").is_in(["Ankara", "Moscow", "Cairo", "Rome", "Geneva"])).is_empty()
    assert events.filter(pl.col("event_date") < date(2020, 6, 1)).is_empty()  # April 2019 assault: background
    assert (events["country"] == "Libya").all()


def test_same_event_from_two_articles_is_one_row_with_both_sources(bundled_run):
    events = events_of(bundled_run)
    tripoli = events.filter((pl.col("event_date") == date(2020, 6, 4)) & (pl.col("location") == "Tripoli"))
    assert tripoli.height == 1
    assert tripoli["source"][0] == "Al Jazeera; The Telegraph"
    result, output = bundled_run
    mentions = pl.read_parquet(output / "mentions.parquet")
    docs = mentions.filter(pl.col("event_id_cnty") == tripoli["event_id_cnty"][0])["doc_id"].unique().sort()
    assert {"001_9559313f8fd4e485", "004_0cde316fb2f254b5"} <= set(docs.to_list())


def test_every_event_has_evidence_pointing_into_its_document(bundled_run, seed_articles):
    result, output = bundled_run
    events, mentions = events_of(bundled_run), pl.read_parquet(output / "mentions.parquet")
    assert set(events["event_id_cnty"]) == set(mentions["event_id_cnty"])
    for m in mentions.iter_rows(named=True):
        text = seed_articles[m["doc_id"]]["text"]
        assert text[m["start_char"]:m["end_char"]].strip() == m["sentence"]
        assert m["extractor"] and 0 < m["confidence"] <= 1


def test_pyarrow_types_are_date_integers_and_plain_strings(bundled_run):
    result, output = bundled_run
    schema = pq.read_schema(output / "events.parquet")
    assert schema.names == EVENT_COLUMNS
    assert str(schema.field("event_date").type) == "date32[day]"
    for name in INTEGER_COLUMNS:
        assert str(schema.field(name).type).startswith("int"), name
    for name in ["actor1", "sub_event_type", "notes", "source"]:
        assert str(schema.field(name).type) == "string", name
    table = pq.read_table(output / "events.parquet")
    assert all(table.column(n).null_count == 0 for n in table.column_names)


def test_pandas_reads_parquet_and_csv_with_acled_types(bundled_run):
    result, output = bundled_run
    frame = pd.read_parquet(output / "events.parquet")
    assert list(frame.columns) == EVENT_COLUMNS
    assert not any(isinstance(frame[c].dtype, pd.CategoricalDtype) for c in frame.columns)
    csv = pd.read_csv(output / "events.csv", keep_default_na=False)
    assert list(csv.columns) == EVENT_COLUMNS
    for name in INTEGER_COLUMNS:
        assert pd.api.types.is_integer_dtype(csv[name]), name
    assert (pd.to_datetime(csv["event_date"]).dt.date == frame["event_date"]).all()


def test_polars_and_duckdb_read_the_same_rows(bundled_run):
    result, output = bundled_run
    parquet = pl.read_parquet(output / "events.parquet")
    csv = pl.read_csv(output / "events.csv", try_parse_dates=True)
    assert csv["event_date"].dtype == pl.Date and csv["fatalities"].dtype == pl.Int64
    assert csv["event_id_cnty"].to_list() == parquet["event_id_cnty"].to_list()
    con = duckdb.connect()
    described = {r[0]: r[1] for r in con.execute(f"DESCRIBE SELECT * FROM '{output / 'events.parquet'}'").fetchall()}
    assert described["event_date"] == "DATE" and described["fatalities"] == "INTEGER"
    assert described["actor1"] == "VARCHAR"
    count = con.execute(f"SELECT count(*) FROM '{output / 'events.parquet'}'").fetchone()[0]
    assert count == parquet.height == result.events.height


@pytest.mark.skipif(shutil.which("Rscript") is None and not os.environ.get("CI"), reason="R not installed")
def test_r_read_csv_gets_integer_fatalities(bundled_run):
    result, output = bundled_run
    script = (f"d <- read.csv('{output / 'events.csv'}', stringsAsFactors = FALSE); "
              "stopifnot(is.integer(d$fatalities), is.integer(d$inter1), is.integer(d$year), "
              "identical(names(d)[1:3], c('event_id_cnty', 'event_date', 'year'))); cat(nrow(d))")
    completed = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True, check=True)
    assert int(completed.stdout.strip()) == result.events.height


def test_datasheet_figures_match_the_data(bundled_run):
    result, output = bundled_run
    text = (output / "DATASHEET.md").read_text()
    events = events_of(bundled_run)
    assert f"**{events.height}** events" in text
    assert f"dated {events['event_date'].min()} to {events['event_date'].max()}" in text
    for name in EVENT_COLUMNS:
        assert f"`{name}`" in text


def test_csv_neutralises_formula_cells_but_parquet_keeps_them(tmp_path):
    from extractor.publish import csv_safe

    frame = pl.DataFrame({"source": ["=HYPERLINK(1)", "+1", "-2", "@x", "\tx", "plain", "On 4 June"]})
    safe = csv_safe(frame)["source"].to_list()
    assert safe[:5] == ["'=HYPERLINK(1)", "'+1", "'-2", "'@x", "'\tx"]
    assert safe[5:] == ["plain", "On 4 June"]
