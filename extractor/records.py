"""Plain typed records passed between pipeline stages.

Each stage is a function from records to records, so a stage can be read, tested and replaced on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Article:
    """One input document, after the input contract has been checked."""

    id: str
    text: str
    published: date
    source: str = ""
    title: str = ""
    url: str = ""
    language: str = "en"
    input_file: str = ""
    line_no: int = 0


@dataclass(frozen=True)
class Quarantined:
    """A document or row that was rejected, with where it came from and a plain reason."""

    stage: str  # "ingest" or "validate"
    reason: str
    input_file: str = ""
    line_no: int = 0
    doc_id: str = ""
    event_id_cnty: str = ""


@dataclass(frozen=True)
class ResolvedDate:
    """The day an event happened and how sure we are of it (ACLED time_precision 1-3)."""

    day: date
    time_precision: int
    expression: str  # the text it came from; "" when the publication date was used


@dataclass(frozen=True)
class Place:
    """A resolved location with ACLED's geography columns."""

    location: str
    country: str
    iso: int
    iso2: str
    region: str
    admin1: str
    admin2: str
    admin3: str
    latitude: float
    longitude: float
    geo_precision: int
    gazetteer_source: str  # e.g. "geonames:2210247" or "supplement:<row source>"


@dataclass(frozen=True)
class Actor:
    """A normalised actor with its ACLED inter code."""

    name: str
    inter: int
    associates: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mention:
    """One piece of evidence for an event: a sentence of an article and what was read from it."""

    doc_id: str
    sentence: str
    start_char: int
    end_char: int
    extractor: str  # rule or model name
    confidence: float
    source: str
    published: date


@dataclass(frozen=True)
class EventCandidate:
    """An event read from one sentence of one article, with all its arguments resolved."""

    event_type: str
    sub_event_type: str
    event_date: ResolvedDate
    actor1: Actor
    actor2: Actor | None
    place: Place
    fatalities: int
    civilian_targeting: bool
    summary: str  # the event's clause, used to write `notes`
    mention: Mention
    tags: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class DocumentResult:
    """What one article yielded: its event candidates and the candidates rejected with a reason."""

    doc_id: str
    candidates: tuple[EventCandidate, ...]
    rejected: tuple[Quarantined, ...]
