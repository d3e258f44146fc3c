"""Stage 6: the data contract rejects each kind of invalid row; valid rows are still published."""

from __future__ import annotations

from datetime import date

import pytest

from extractor.assemble import typed_frame
from extractor.schema import EVENT_COLUMNS, EventSchema
from extractor.validate import validate_events


def valid_row(**changes) -> dict:
    row = {
        "event_id_cnty": "LBY123456789", "event_date": date(2020, 6, 4), "year": 2020, "time_precision": 1,
        "disorder_type": "Political violence", "event_type": "Battles",
        "sub_event_type": "Government regains territory",
        "actor1": "Military Forces of Libya (2016-) Government of National Accord", "assoc_actor_1": "", "inter1": 1,
        "actor2": "Military Forces of Libya (2014-) Haftar Faction", "assoc_actor_2": "", "inter2": 1,
        "interaction": 11, "civilian_targeting": "", "iso": 434, "region": "Northern Africa", "country": "Libya",
        "admin1": "Tripoli", "admin2": "", "admin3": "", "location": "Tripoli", "latitude": 32.887,
        "longitude": 13.187, "geo_precision": 1, "source": "Al Jazeera", "source_scale": "International",
        "notes": "On 4 June 2020, ...", "fatalities": 0, "tags": "", "timestamp": 0,
        "latest_published": date(2020, 6, 5)}
    row.update(changes)
    return row


INVALID = {
    "unknown sub-event type": {"sub_event_type": "Skirmish"},
    "sub-event type outside its event type": {"event_type": "Protests", "disorder_type": "Demonstrations"},
    "wrong disorder type": {"disorder_type": "Strategic developments"},
    "inter code out of range": {"inter1": 9, "interaction": 19},
    "interaction not the inter pair": {"interaction": 12},
    "time precision out of range": {"time_precision": 4},
    "geo precision out of range": {"geo_precision": 0},
    "latitude out of range": {"latitude": 95.0},
    "longitude out of range": {"longitude": -190.0},
    "event after publication": {"event_date": date(2020, 6, 6), "latest_published": date(2020, 6, 5)},
    "negative fatalities": {"fatalities": -1},
    "year not the event's year": {"year": 2019},
    "notes not starting 'On '": {"notes": "GNA forces regained Tripoli."},
    "inter2 without actor2": {"actor2": "", "interaction": 11},
    "civilian targeting without civilian target": {"civilian_targeting": "Civilian targeting"},
    "malformed event id": {"event_id_cnty": "lby-1"},
    "empty location": {"location": ""},
    "Demostrations misspelling": {"disorder_type": "Demostrations"},
}


@pytest.mark.parametrize("kind", sorted(INVALID))
def test_each_invalid_kind_is_quarantined_and_valid_rows_survive(kind):
    good = valid_row(event_id_cnty="LBY100000001")
    bad = valid_row(**{"event_id_cnty": "LBY100000002", **INVALID[kind]})
    frame = typed_frame([good, bad], EventSchema)
    valid, quarantined = validate_events(frame)
    assert valid["event_id_cnty"].to_list() == ["LBY100000001"]
    assert [q.event_id_cnty for q in quarantined] == [bad["event_id_cnty"]]
    assert quarantined[0].stage == "validate" and quarantined[0].reason


def test_duplicate_event_ids_are_rejected():
    frame = typed_frame([valid_row(), valid_row(location="Tarhuna")], EventSchema)
    valid, quarantined = validate_events(frame)
    assert valid.is_empty() and len(quarantined) == 2


def test_all_rows_valid_passes_unchanged():
    frame = typed_frame([valid_row()], EventSchema)
    valid, quarantined = validate_events(frame)
    assert quarantined == [] and valid.equals(frame)


def test_published_column_order_is_acleds():
    assert EVENT_COLUMNS == [
        "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
        "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
        "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude",
        "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp"]
