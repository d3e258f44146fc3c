"""Stage 5 — assemble: event candidates from all articles -> one row per event, plus its evidence.

ACLED's unit is one actor pair doing one kind of thing at one place on one day. Candidates are merged when:
1. they share that key (several sentences or several articles reporting the same event) — a missing actor2 is
   compatible with a named one, and the three territory sub-types count as one kind of thing, because one side
   cannot both fight for and be handed the same place on the same day;
2. a candidate has no date of its own (its date is the publication date) and a dated event of the same kind by
   the same actor (or by an actor the coding had to fill in) happened in the week before publication, at the
   same place, or — when the undated report names no exact place of its own — nearby or anywhere in the same
   article: news repeats an event in later, undated sentences
   ("the forces took the city on Thursday ... our forces took control of the city").
The row's id is derived from its key, so it is stable across runs and independent of input order.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

import pandera.polars as pa
import polars as pl

from .config import DATA_DIR
from .records import Actor, EventCandidate, Mention
from .schema import TAXONOMY, EventSchema, MentionSchema

NOTES_TEMPLATES = DATA_DIR / "notes_templates.json"
SOURCES = DATA_DIR / "sources.csv"
TERRITORY_TYPES = frozenset({"Government regains territory", "Non-state actor overtakes territory",
                             "Non-violent transfer of territory"})
# When sources disagree on the territory sub-type, a report of fighting outranks a report of a handover.
SUB_EVENT_PRECEDENCE = ("Government regains territory", "Non-state actor overtakes territory",
                        "Non-violent transfer of territory")
UNDATED_LOOKBACK = timedelta(days=7)
NEARBY_KM = 50.0


@dataclass
class AssembledEvent:
    """The candidates reporting one event. `lead` speaks for it: the best-dated, then the most confident, then the
    first; it is kept as candidates are added, as merging asks for it once per event and candidate."""

    candidates: list[EventCandidate] = field(default_factory=list)
    lead: EventCandidate | None = None

    def add(self, candidate: EventCandidate) -> None:
        self.candidates.append(candidate)
        if self.lead is None or _lead_order(candidate) < _lead_order(self.lead):
            self.lead = candidate


def _lead_order(c: EventCandidate) -> tuple:
    return (c.event_date.time_precision, c.event_date.expression == "", -c.mention.confidence, c.mention.doc_id,
            c.mention.start_char)


def kind_of(sub_event_type: str) -> str:
    return "territory" if sub_event_type in TERRITORY_TYPES else sub_event_type


def assemble_events(candidates: list[EventCandidate]) -> list[AssembledEvent]:
    """Merge candidates into events (see module docstring); deterministic for any input order."""
    ordered = sorted(candidates, key=_candidate_order)
    index = EventIndex()
    for candidate in (c for c in ordered if c.event_date.expression):
        index.add(candidate)
    for candidate in (c for c in ordered if not c.event_date.expression):
        host = index.dated_host(candidate)
        if host is not None:
            host.add(candidate)
        else:
            index.add(candidate)
    return sorted(index.events(), key=lambda e: _event_key(e.lead) + (_actor2_name(e),))


def _candidate_order(c: EventCandidate) -> tuple:
    return (c.event_date.day, c.place.location, c.actor1.name, c.actor2.name if c.actor2 else "",
            c.sub_event_type, c.mention.doc_id, c.mention.start_char)


def _event_key(c: EventCandidate) -> tuple:
    return (c.event_date.day.isoformat(), c.place.country, c.place.location, c.actor1.name, kind_of(c.sub_event_type))


def _actor2_name(event: AssembledEvent) -> str:
    return next((c.actor2.name for c in event.candidates if c.actor2), "")


class EventIndex:
    """Events by key, and dated events by day and kind, so each merge looks only at its own neighbours
    (merging stays linear in the number of candidates)."""

    def __init__(self) -> None:
        self._by_key: dict[tuple, dict[str, AssembledEvent]] = {}  # event key -> actor2 name -> event
        self._dated: dict[tuple[date, str], list[AssembledEvent]] = defaultdict(list)

    def events(self) -> list[AssembledEvent]:
        return [event for group in self._by_key.values() for event in group.values()]

    def add(self, candidate: EventCandidate) -> None:
        """Join the event with the same key and second actor; a report without a second actor joins the key's only
        event, and an earlier report without one gains the actor this report names."""
        key = _event_key(candidate)
        group = self._by_key.setdefault(key, {})
        actor2 = candidate.actor2.name if candidate.actor2 else ""
        if actor2 and actor2 not in group and "" in group:
            group[actor2] = group.pop("")
        if not actor2 and len(group) == 1:
            event = next(iter(group.values()))
        else:
            event = group.get(actor2)
        if event is None:
            event = group[actor2] = AssembledEvent()
            if candidate.event_date.expression:
                self._dated[(candidate.event_date.day, key[4])].append(event)
        event.add(candidate)

    def dated_host(self, candidate: EventCandidate) -> AssembledEvent | None:
        """The dated event an undated report repeats (module docstring, rule 2), if any."""
        published = candidate.mention.published
        kind = kind_of(candidate.sub_event_type)
        best = None
        for offset in range(UNDATED_LOOKBACK.days + 1):
            for event in self._dated.get((published - timedelta(days=offset), kind), ()):
                lead = event.lead
                if lead.actor1.name != candidate.actor1.name and not is_default_actor(candidate.actor1):
                    continue
                same_place = lead.place.location == candidate.place.location
                if not same_place and candidate.place.geo_precision == 1:
                    continue  # a place of its own: another event
                same_doc = any(c.mention.doc_id == candidate.mention.doc_id for c in event.candidates)
                if not same_doc and not same_place and _km(lead.place, candidate.place) > NEARBY_KM:
                    continue
                rank = (not same_doc, not same_place, _event_key(lead), _actor2_name(event))
                if best is None or rank < best[0]:
                    best = (rank, event)
        return best[1] if best else None


def is_default_actor(actor: Actor) -> bool:
    """An actor the coding filled in for want of a named one ('Unidentified Armed Group (Libya)')."""
    return actor.name.startswith(("Unidentified", "Civilians (", "Protesters (", "Rioters ("))


def _km(a, b) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(h))


def event_id(event: AssembledEvent, iso3: str) -> str:
    """ISO3 + a 9-digit number from the event's key: same event, same id, in any run."""
    lead = event.lead
    actor2 = next((c.actor2.name for c in event.candidates if c.actor2), "")
    key = "|".join(_event_key(lead) + (actor2,))
    number = int(hashlib.sha256(key.encode("utf-8")).hexdigest(), 16) % 900_000_000 + 100_000_000
    return f"{iso3}{number}"


def _merged_actor(actors: list[Actor | None]) -> Actor | None:
    """The actor most reports name, a named one before one the coding filled in; associates pooled."""
    present = [a for a in actors if a is not None]
    if not present:
        return None
    names = [a.name for a in present]
    chosen = min(present, key=lambda a: (is_default_actor(a), -names.count(a.name), names.index(a.name)))
    associates = sorted({name for a in present for name in a.associates} - {chosen.name})
    return Actor(chosen.name, chosen.inter, tuple(associates))


def _sub_event_type(event: AssembledEvent) -> str:
    types = {c.sub_event_type for c in event.candidates}
    for preferred in SUB_EVENT_PRECEDENCE:
        if preferred in types:
            return preferred
    return event.lead.sub_event_type


def _fatalities(event: AssembledEvent) -> int:
    """ACLED: conflicting reports -> the lowest credible figure; a report that gives no figure is no report."""
    reported = [c.fatalities for c in event.candidates if c.fatalities > 0]
    return min(reported) if reported else 0


@cache
def _notes_templates() -> dict:
    return json.loads(NOTES_TEMPLATES.read_text(encoding="utf-8"))


@cache
def _publishers() -> dict[str, tuple[str, bool]]:
    lines = [line for line in SOURCES.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return {row["publisher"].lower(): (row["home_iso2"], row["wire"] == "yes") for row in csv.DictReader(lines)}


def write_notes(day: date, sub_event_type: str, actor1: Actor, actor2: Actor | None, location: str,
                fatalities: int) -> str:
    """A short factual summary in ACLED's style, starting 'On <date>,'."""
    data = _notes_templates()
    other = actor2.name if actor2 else ""
    text = data["templates"][sub_event_type].format(
        date=f"On {day.day} {day.strftime('%B %Y')},", actor1=actor1.name, actor2=other or "civilians",
        actor2_or_unidentified=other or "an unidentified armed group", actor2_or_authorities=other or "authorities",
        actor2_or_people=other or "people", location=location,
        against=f" against {other}" if other else "", **{"from": f" from {other}" if other else ""})
    if fatalities:
        text += data["fatality"] if fatalities == 1 else data["fatalities"].format(n=fatalities)
    return text


def source_scale(sources: list[str], event_iso2: str) -> str:
    """International when any source is a wire or foreign outlet, National when all are local, '' if unknown."""
    scales = set()
    for source in sources:
        known = _publishers().get(source.lower())
        if known is None:
            return ""
        home, wire = known
        scales.add("International" if wire or home != event_iso2 else "National")
    return "-".join(sorted(scales, key=["National", "International"].index))


def event_rows(events: list[AssembledEvent], iso3_of: dict[str, str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The events table (with the internal `latest_published` column) and the mentions table."""
    rows, mention_rows = [], []
    for event in events:
        lead = event.lead
        sub_event_type = _sub_event_type(event)
        actor1 = _merged_actor([c.actor1 for c in event.candidates])
        actor2 = _merged_actor([c.actor2 for c in event.candidates])
        inter1, inter2 = actor1.inter, actor2.inter if actor2 else 0
        low, high = sorted((inter1, inter2)) if inter2 else (inter1, 0)
        interaction = low * 10 + high if inter2 else inter1 * 10
        sources = sorted({c.mention.source for c in event.candidates})
        fatalities = _fatalities(event)
        place = lead.place
        eid = event_id(event, iso3_of[place.iso2])
        rows.append({
            "event_id_cnty": eid, "event_date": lead.event_date.day, "year": lead.event_date.day.year,
            "time_precision": lead.event_date.time_precision,
            "disorder_type": TAXONOMY.disorder_type(sub_event_type), "event_type": TAXONOMY.event_type(sub_event_type),
            "sub_event_type": sub_event_type, "actor1": actor1.name, "assoc_actor_1": "; ".join(actor1.associates),
            "inter1": inter1, "actor2": actor2.name if actor2 else "",
            "assoc_actor_2": "; ".join(actor2.associates) if actor2 else "", "inter2": inter2,
            "interaction": interaction,
            "civilian_targeting": "Civilian targeting" if any(c.civilian_targeting for c in event.candidates) else "",
            "iso": place.iso, "region": place.region, "country": place.country, "admin1": place.admin1,
            "admin2": place.admin2, "admin3": place.admin3, "location": place.location,
            "latitude": place.latitude, "longitude": place.longitude, "geo_precision": place.geo_precision,
            "source": "; ".join(sources), "source_scale": source_scale(sources, place.iso2),
            "notes": write_notes(lead.event_date.day, sub_event_type, actor1, actor2, place.location, fatalities),
            "fatalities": fatalities, "tags": "", "timestamp": 0,
            "latest_published": max(c.mention.published for c in event.candidates),
        })
        for c in sorted(event.candidates, key=lambda c: (c.mention.doc_id, c.mention.start_char)):
            m: Mention = c.mention
            mention_rows.append({"event_id_cnty": eid, "doc_id": m.doc_id, "sentence": m.sentence,
                                 "start_char": m.start_char, "end_char": m.end_char, "extractor": m.extractor,
                                 "confidence": m.confidence})
    return typed_frame(rows, EventSchema), typed_frame(mention_rows, MentionSchema)


def typed_frame(rows: list[dict], model: type[pa.DataFrameModel]) -> pl.DataFrame:
    """A frame with exactly the model's columns, order and dtypes (also when there are no rows)."""
    schema = {name: col.dtype.type for name, col in model.to_schema().columns.items()}
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)
