"""ACLED's event taxonomy, read from `taxonomy.json`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

TAXONOMY_FILE = Path(__file__).resolve().parent / "taxonomy.json"

VIOLENT_EVENT_TYPES = frozenset({"Battles", "Explosions/Remote violence", "Violence against civilians", "Riots"})


@dataclass(frozen=True)
class Taxonomy:
    version: str
    sub_event_types: dict[str, tuple[str, str]]  # sub_event_type -> (event_type, disorder_type)

    @classmethod
    def load(cls, path: Path = TAXONOMY_FILE) -> "Taxonomy":
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["version"], {sub: (v["event_type"], v["disorder_type"])
                                     for sub, v in data["sub_event_types"].items()})

    @property
    def event_types(self) -> list[str]:
        return sorted({et for et, _ in self.sub_event_types.values()})

    @property
    def disorder_types(self) -> list[str]:
        return sorted({dt for _, dt in self.sub_event_types.values()})

    @property
    def violent_event_types(self) -> frozenset[str]:
        return VIOLENT_EVENT_TYPES

    def event_type(self, sub_event_type: str) -> str:
        return self.sub_event_types[sub_event_type][0]

    def disorder_type(self, sub_event_type: str) -> str:
        return self.sub_event_types[sub_event_type][1]

    def counts_fatalities(self, sub_event_type: str) -> bool:
        """Deaths are attributed to violent events (and to excessive force against protesters)."""
        return self.event_type(sub_event_type) in VIOLENT_EVENT_TYPES or \
            sub_event_type == "Excessive force against protesters"


TAXONOMY = Taxonomy.load()
