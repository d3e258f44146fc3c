"""Actor normalisation: mentions in a sentence -> ACLED-style actor names with inter codes.

Two sources, both versioned data files:
- `data/actors.json`: named actors (aliases, the period each name is valid, home inter code) and generic role
  nouns ("soldiers", "gunmen", "protesters") with a name template;
- `data/state_forces.csv`: ACLED's names for each country's military and police with the years each is used
  (names only, taken from the actor names in ACLED's public exports).
State forces acting outside their own country are coded 8 (external forces), as ACLED does.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import date
from functools import cache

from spacy.tokens import Span, Token

from .config import DATA_DIR
from .records import Actor
from .spans import entities_in

ACTOR_DICTIONARY = DATA_DIR / "actors.json"
STATE_FORCES = DATA_DIR / "state_forces.csv"
ACTOR_LABEL = "ACTOR"


@dataclass(frozen=True)
class NamedActor:
    id: str
    name: str
    inter: int
    country: str  # ISO2 of the actor's home country, "" for transnational actors
    valid_from: date
    valid_to: date | None
    aliases: tuple[str, ...]
    successor: str  # id of the name used after `valid_to` (e.g. GNA -> GNU), "" if none


@dataclass(frozen=True)
class GenericRole:
    role: str
    inter: int
    heads: frozenset[str]
    kind: str = ""  # "Military"/"Police": named from the state forces table
    template: str = ""  # otherwise a template with {country}


@dataclass(frozen=True)
class ActorMention:
    """An actor found in a sentence: which tokens, and what it normalises to."""

    start: int
    end: int
    actor: Actor
    head_i: int  # the token that carries the mention's syntactic role


class ActorDictionary:
    def __init__(self, named: list[NamedActor], generic: list[GenericRole], state_forces: list[dict], version: str):
        self.version = version
        self.named = {a.id: a for a in named}
        self.generic = generic
        self.state_forces = state_forces
        self.head_to_role: dict[str, GenericRole] = {}
        for role in generic:
            for head in role.heads:
                self.head_to_role.setdefault(head, role)

    @classmethod
    @cache
    def load(cls) -> "ActorDictionary":
        with ACTOR_DICTIONARY.open(encoding="utf-8") as handle:
            data = json.load(handle)
        named = [NamedActor(id=a["id"], name=a["name"], inter=int(a["inter"]), country=a["country"],
                            valid_from=date.fromisoformat(a["valid_from"]),
                            valid_to=date.fromisoformat(a["valid_to"]) if a["valid_to"] else None,
                            aliases=tuple(a["aliases"]), successor=a.get("successor", ""))
                 for a in data["named"]]
        generic = [GenericRole(role=g["role"], inter=int(g["inter"]), heads=frozenset(g["heads"]),
                               kind=g.get("kind", ""), template=g.get("template", ""))
                   for g in data["generic"]]
        with STATE_FORCES.open(encoding="utf-8", newline="") as handle:
            forces = list(csv.DictReader(handle))
        return cls(named, generic, forces, data["version"])

    def ruler_patterns(self) -> list[dict]:
        """EntityRuler phrase patterns: every alias of every named actor, labelled ACTOR with the actor's id."""
        return [{"label": ACTOR_LABEL, "id": actor.id, "pattern": alias}
                for actor in self.named.values() for alias in sorted({actor.name, *actor.aliases})]

    def named_actor(self, actor_id: str, day: date, event_country: str) -> Actor | None:
        """The dictionary actor with this id, or its successor name valid on `day` (e.g. GNA -> GNU after 2021)."""
        actor = self.named.get(actor_id)
        if actor is None:
            return None
        while actor.successor and actor.valid_to is not None and day > actor.valid_to:
            actor = self.named[actor.successor]
        return Actor(name=actor.name, inter=_inter_abroad(actor.inter, actor.country, event_country))

    def state_force_name(self, kind: str, country_name: str, day: date) -> str:
        """ACLED's name for a country's military or police on `day`; without a known period, the bare name."""
        best = None
        for row in self.state_forces:
            if row["kind"] == kind and row["country"] == country_name and int(row["from_year"]) <= day.year:
                if not row["to_year"] or day.year < int(row["to_year"]) or (
                        day.year == int(row["to_year"]) and best is None):
                    best = row["name"]
        return best or f"{kind} Forces of {country_name}"

    def generic_actor(self, role: GenericRole, country_iso2: str, country_name: str, event_country: str,
                      day: date) -> Actor:
        if role.kind:
            name = self.state_force_name(role.kind, country_name, day)
            return Actor(name=name, inter=_inter_abroad(role.inter, country_iso2, event_country))
        return Actor(name=role.template.format(country=country_name), inter=role.inter)

    def role_of(self, token: Token) -> GenericRole | None:
        """The generic role a noun names ("gunmen" -> armed group), looking at two-word heads too."""
        lemma = token.lemma_.lower()
        text = token.lower_
        if token.i > 0:
            pair = f"{token.doc[token.i - 1].lower_} {text}"
            if pair in self.head_to_role:
                return self.head_to_role[pair]
        return self.head_to_role.get(text) or self.head_to_role.get(lemma)


def _inter_abroad(inter: int, actor_country: str, event_country: str) -> int:
    return 8 if inter == 1 and actor_country and event_country and actor_country != event_country else inter


def find_actor_mentions(sent: Span, dictionary: ActorDictionary, event_country: str, country_name: str,
                        day: date, demonym_country) -> list[ActorMention]:
    """Every actor mentioned in the sentence, named ones first claiming their tokens.

    `demonym_country(text) -> (iso2, name) | None` turns an adjective such as "Turkish" into a country, so
    "Turkish troops" become Turkey's military (coded 8 in Libya) rather than the event country's.
    """
    mentions: list[ActorMention] = []
    claimed: set[int] = set()
    for ent in entities_in(sent):
        if ent.label_ == ACTOR_LABEL and ent.ent_id_:
            actor = dictionary.named_actor(ent.ent_id_, day, event_country)
            if actor:
                head = _mention_head(ent)
                mentions.append(ActorMention(ent.start, ent.end, actor, head.i))
                claimed.update(range(ent.start, ent.end))
                claimed.update(t.i for t in head.subtree if t.i < ent.start or t.i >= ent.end and t.dep_ != "relcl"
                               and t.i - ent.end < 3)
    for token in sent:
        if token.i in claimed or token.pos_ not in ("NOUN", "PROPN", "PRON", "ADJ"):
            continue
        role = dictionary.role_of(token)
        if role is None:
            continue
        if any(t.i in claimed for t in token.subtree if t.i != token.i and t.dep_ != "relcl"):
            continue  # "the militia of Haftar", "forces loyal to Haftar": the named actor speaks for it
        owner = next((found for m in _modifiers(token) if (found := demonym_country(m.text))), None)
        if token.lower_ in ("forces", "force") and owner is None:
            continue  # "our heroic forces", "the forces": names nobody by itself
        owner_iso2, owner_name = owner or (event_country, country_name)
        actor = dictionary.generic_actor(role, owner_iso2, owner_name, event_country, day)
        start = min([token.i] + [m.i for m in _modifiers(token)])
        mentions.append(ActorMention(start, token.i + 1, actor, token.i))
        claimed.add(token.i)
    return sorted(mentions, key=lambda m: m.start)


def _mention_head(ent: Span) -> Token:
    """The token whose dependency role speaks for the whole mention (the root, or the noun it modifies)."""
    root = ent.root
    if root.dep_ in ("compound", "poss", "amod", "nmod") and root.head.pos_ in ("NOUN", "PROPN"):
        return root.head
    return root


def _modifiers(token: Token) -> list[Token]:
    return [c for c in token.children if c.dep_ in ("amod", "compound", "nmod", "npadvmod") and c.i < token.i]
