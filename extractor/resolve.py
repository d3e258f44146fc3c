"""Stage 4 — resolve: a detection's arguments, read the way an ACLED coder reads them.

For each detected event: its date (the sentence's own date expression against the publication date), its place
(the most specific place where it happened, in the article's country), its actors (who did what to whom, from
the dependency parse, normalised through the actor dictionary), the final sub-event type (some depend on who
the actors are) and its fatalities. A detection whose arguments cannot be resolved becomes a quarantine record
with the reason, never a silent loss.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from .actors import ActorDictionary, ActorMention, find_actor_mentions
from .dates import is_background, resolve_event_date
from .detect import Detection
from .fatalities import count_fatalities
from .geo import Gazetteer, infer_country
from .records import Actor, Article, EventCandidate, Mention, Place, Quarantined, ResolvedDate
from .schema import TAXONOMY

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
LOCATIVE_PREPOSITIONS = frozenset({"in", "at", "into", "on", "inside", "across", "throughout", "from", "to", "of"})
NEARBY_WORDS = frozenset({"near", "outside", "outskirts", "around", "north", "south", "east", "west", "northeast",
                          "northwest", "southeast", "southwest", "km", "kilometres", "kilometers", "miles", "close",
                          "vicinity", "edge", "border", "borders"})
# Words that show the sentence's continuation refers back to the event in the sentence before.
ANAPHORIC_OPENERS = frozenset({"the", "it", "this", "they", "he", "she", "its", "their"})
ARMED_INTERS = frozenset({1, 2, 3, 4, 8})
FIGHTING_LEMMAS = frozenset({"clash", "fight", "fighting", "battle", "fierce", "shell", "shelling", "attack",
                             "gunfire", "firefight", "resistance", "heavy", "combat", "offensive", "assault",
                             "recapture", "retake", "storm", "overrun"})
NO_FIGHTING_LEMMAS = frozenset({"withdraw", "withdrawal", "retreat", "flee", "abandon", "evacuate", "unopposed",
                                "peacefully", "handover", "hand"})
NO_FIGHTING_PHRASES = ("without violent clashes", "without clashes", "without fighting", "without a fight",
                       "without resistance", "no resistance", "without a shot")


@dataclass(frozen=True)
class DocumentContext:
    """What the whole article tells about each of its events: the country and its places."""

    country_iso2: str
    country_place: Place | None


def document_context(doc: Doc, gazetteer: Gazetteer) -> DocumentContext:
    mentions = [ent.text for ent in doc.ents if ent.label_ in ("GPE", "NORP", "LOC", "FAC")]
    iso2 = infer_country(gazetteer, mentions) or ""
    return DocumentContext(iso2, gazetteer.resolve_country(iso2) if iso2 else None)


def resolve_detection(detection: Detection, article: Article, context: DocumentContext, gazetteer: Gazetteer,
                      dictionary: ActorDictionary) -> EventCandidate | Quarantined:
    sent = detection.sent
    trigger = sent.doc[detection.trigger.token_i]
    anchor = trigger.idx - sent.start_char
    event_date = resolve_event_date(sent.text, article.published, anchor=anchor)
    if is_background(event_date, article.published):
        return _reject(article, detection, f"background reference: the event dates from {event_date.day}")
    place = resolve_place(sent, trigger, context, gazetteer)
    if place is None:
        return _reject(article, detection, "no location: no place in the sentence and no country context")
    demonym = _demonym_lookup(gazetteer)
    mentions = find_actor_mentions(sent, dictionary, place.iso2, place.country, event_date.day, demonym)
    actor1, actor2, associates1, associates2 = assign_roles(trigger, mentions)
    sub_event_type = detection.sub_event_type
    if sub_event_type == "territory":
        sub_event_type = territory_sub_event(sent, detection.trigger.contested, actor1)
    actor1, actor2, sub_event_type = complete_actors(sub_event_type, actor1, actor2, place, dictionary, event_date)
    if actor1 is None:
        return _reject(article, detection, f"no actor found for a {sub_event_type} event")
    actor1 = Actor(actor1.name, actor1.inter, associates1)
    if actor2 is not None:
        actor2 = Actor(actor2.name, actor2.inter, associates2)
    event_type = TAXONOMY.event_type(sub_event_type)
    fatalities = count_fatalities(sent.text) if TAXONOMY.counts_fatalities(sub_event_type) else 0
    mention = Mention(doc_id=article.id, sentence=sent.text.strip(), start_char=sent.start_char,
                      end_char=sent.end_char, extractor=detection.extractor,
                      confidence=round(detection.confidence, 3), source=article.source or article.id,
                      published=article.published)
    return EventCandidate(
        event_type=event_type, sub_event_type=sub_event_type, event_date=event_date, actor1=actor1, actor2=actor2,
        place=place, fatalities=fatalities,
        civilian_targeting=actor2 is not None and actor2.inter == 7 and event_type in TAXONOMY.violent_event_types,
        summary=sent.text.strip(), mention=mention)


def _reject(article: Article, detection: Detection, reason: str) -> Quarantined:
    return Quarantined(stage="resolve", reason=f"{reason} (sentence at char {detection.sent.start_char})",
                       input_file=article.input_file, line_no=article.line_no, doc_id=article.id)


def _demonym_lookup(gazetteer: Gazetteer):
    def lookup(text: str) -> tuple[str, str] | None:
        iso2 = gazetteer.country_of_mention(text)
        if not iso2:
            return None
        country = gazetteer.resolve_country(iso2)
        return (iso2, country.country) if country else None
    return lookup


# --- place -------------------------------------------------------------------------------------------------

def resolve_place(sent: Span, trigger: Token, context: DocumentContext, gazetteer: Gazetteer) -> Place | None:
    """The most specific place of the event: this sentence, else a sentence that continues it, else the country."""
    for candidate_sent, distance_penalty in _place_search_order(sent):
        place = _best_place_in(candidate_sent, trigger if candidate_sent == sent else None, context, gazetteer,
                               distance_penalty)
        if place is not None:
            return place
    return context.country_place


def _place_search_order(sent: Span) -> list[tuple[Span, int]]:
    doc = sent.doc
    order = [(sent, 0)]
    following = doc[sent.end].sent if sent.end < len(doc) else None
    if following is not None and following[0].lower_ in ANAPHORIC_OPENERS:
        order.append((following, 1))
    previous = doc[sent.start - 1].sent if sent.start > 0 else None
    if previous is not None and "\n\n" not in doc.text[previous.end_char:sent.start_char]:
        order.append((previous, 2))
    return order


def _best_place_in(sent: Span, trigger: Token | None, context: DocumentContext, gazetteer: Gazetteer,
                   penalty: int) -> Place | None:
    scored = []
    for ent in sent.ents:
        if ent.label_ not in PLACE_LABELS:
            continue
        place = gazetteer.resolve(ent.text, context.country_iso2 or None)
        if place is None or (context.country_iso2 and place.iso2 != context.country_iso2):
            continue
        if place.geo_precision == 3 and place.location == place.country:
            score = -5  # a country name only says where, not the place
        else:
            score = 0
        root = ent.root
        if root.dep_ == "pobj" and root.head.lower_ in LOCATIVE_PREPOSITIONS:
            score += 2
        if root.dep_ in ("dobj", "nsubjpass") and trigger is not None and root.head == trigger:
            score += 3
        if root.dep_ in ("compound", "npadvmod", "amod") or (ent.end < len(sent.doc) and sent.doc[ent.end].lower_ == "-"):
            score -= 3  # "Tripoli-based government": names an actor, not the place of the event
        if trigger is not None:
            score -= abs(root.i - trigger.i) / 50
        nearby = _is_approximate(ent)
        if nearby and place.geo_precision == 1:
            place = _with_precision(place, 2)
        scored.append((score - penalty, -ent.start, place))
    if not scored:
        return None
    return max(scored, key=lambda s: (s[0], s[1]))[2]


def _is_approximate(ent: Span) -> bool:
    """'near Tarhuna', 'southeast of Tripoli', '20 km from X': the event is near the place, not in it."""
    window = ent.doc[max(ent.sent.start, ent.start - 3):ent.start]
    return any(t.lower_ in NEARBY_WORDS for t in window)


def _with_precision(place: Place, precision: int) -> Place:
    from dataclasses import replace
    return replace(place, geo_precision=precision)


# --- actors ------------------------------------------------------------------------------------------------

def assign_roles(trigger: Token, mentions: list[ActorMention]
                 ) -> tuple[Actor | None, Actor | None, tuple[str, ...], tuple[str, ...]]:
    """Who did it (actor1) and to whom (actor2), from the dependency tree around the trigger.

    The subject of the trigger's clause is the doer (a pronoun subject hands over to the subject of the clause
    that reports it); objects, passive subjects and 'against/on/with/between' phrases are the other side. Named
    actors outrank generic ones in each role; the rest of a role's named actors become associated actors.
    Without syntax to go on, the first mention before the trigger acts and the first after it is acted upon.
    """
    if not mentions:
        return None, None, (), ()
    agent_tokens, patient_tokens = _role_token_sets(trigger)
    side1 = [m for m in mentions if m.head_i in agent_tokens]
    side2 = [m for m in mentions if m.head_i in patient_tokens and m not in side1]
    if not side1:
        side1 = [m for m in mentions if m.start < trigger.i and m not in side2][-1:] or []
    if not side2:
        side2 = [m for m in mentions if m.start > trigger.i and m not in side1][:1]
    actor1, assoc1 = _pick(side1)
    actor2, assoc2 = _pick(side2, exclude=actor1)
    if actor1 is None and actor2 is not None and not patient_tokens:
        actor1, assoc1, actor2, assoc2 = actor2, assoc2, None, ()
    return actor1, actor2, assoc1, assoc2


def _pick(mentions: list[ActorMention], exclude: Actor | None = None) -> tuple[Actor | None, tuple[str, ...]]:
    actors: list[Actor] = []
    for m in mentions:
        if (exclude is None or m.actor.name != exclude.name) and m.actor.name not in [a.name for a in actors]:
            actors.append(m.actor)
    if not actors:
        return None, ()
    named_first = sorted(actors, key=lambda a: (_is_generic(a), actors.index(a)))
    chosen = named_first[0]
    associates = tuple(a.name for a in named_first[1:] if not _is_generic(a) and a.inter == chosen.inter)
    return chosen, associates


def _is_generic(actor: Actor) -> bool:
    return actor.name.startswith(("Unidentified", "Civilians (", "Protesters (", "Rioters (")) or "(" not in actor.name


def _role_token_sets(trigger: Token) -> tuple[set[int], set[int]]:
    agent: set[int] = set()
    patient: set[int] = set()
    clause = trigger
    # nouns ("the prisoner exchange between X and Y") and participles borrow the clause of their verb
    while clause.pos_ in ("NOUN", "PROPN") and clause.dep_ == "compound":
        clause = clause.head
    for child in clause.children:
        if child.dep_ in ("nsubj", "csubj", "agent"):
            target = agent
        elif child.dep_ in ("dobj", "nsubjpass", "attr", "dative", "pobj"):
            target = patient
        elif child.dep_ == "prep" and child.lower_ in ("against", "on", "with", "between", "at", "upon"):
            target = patient
        elif child.dep_ == "prep" and child.lower_ == "by":
            target = agent
        else:
            continue
        subtree = {t.i for t in child.subtree}
        if child.dep_ == "nsubj" and child.pos_ == "PRON":
            subtree |= _antecedent_subject(clause)
        target |= subtree
    if clause.pos_ in ("NOUN", "PROPN") and clause.dep_ in ("dobj", "nsubjpass") and not agent:
        agent |= {t.i for c in clause.head.children if c.dep_ == "nsubj" for t in c.subtree}
    return agent, patient


def _antecedent_subject(clause: Token) -> set[int]:
    """For 'X said that they took Y', the tokens of X."""
    for governor in clause.ancestors:
        subjects = [c for c in governor.children if c.dep_ == "nsubj" and c.pos_ != "PRON"]
        if subjects:
            return {t.i for s in subjects for t in s.subtree}
    return set()


def territory_sub_event(sent: Span, contested: bool, actor1: Actor | None) -> str:
    """Government regains / non-state actor overtakes territory when fought over, else a non-violent transfer."""
    lemmas = {t.lemma_.lower() for t in sent}
    text = sent.text.lower()
    peaceful = bool(lemmas & NO_FIGHTING_LEMMAS) or any(p in text for p in NO_FIGHTING_PHRASES)
    fought = contested or bool(lemmas & FIGHTING_LEMMAS)
    if peaceful or not fought:
        return "Non-violent transfer of territory"
    if actor1 is not None and actor1.inter == 1:
        return "Government regains territory"
    return "Non-state actor overtakes territory"


def complete_actors(sub_event_type: str, actor1: Actor | None, actor2: Actor | None, place: Place,
                    dictionary: ActorDictionary, event_date: ResolvedDate
                    ) -> tuple[Actor | None, Actor | None, str]:
    """ACLED's defaults for missing sides and the sub-types that depend on who the sides are."""
    country = place.country
    unidentified = Actor(f"Unidentified Armed Group ({country})", 3)
    civilians = Actor(f"Civilians ({country})", 7)
    event_type = TAXONOMY.event_type(sub_event_type)
    if event_type == "Protests":
        protesters = Actor(f"Protesters ({country})", 6)
        other = actor2 if actor2 is not None and actor2.inter == 1 else (actor1 if actor1 and actor1.inter == 1 else None)
        return protesters, other if sub_event_type != "Peaceful protest" else None, sub_event_type
    if event_type == "Riots":
        rioters = Actor(f"Rioters ({country})", 5)
        other = actor2 if actor2 is not None and actor2.name != rioters.name else None
        if sub_event_type == "Mob violence" and other is None:
            other = civilians
        return rioters, other, sub_event_type
    if sub_event_type in ("Attack", "Abduction/forced disappearance", "Sexual violence"):
        if actor1 is not None and actor1.inter == 7 and actor2 is None:
            actor1, actor2 = None, actor1  # "civilians were killed": the civilians are the victims
        if actor1 is None:
            actor1 = unidentified
        if sub_event_type == "Attack" and actor2 is not None and actor2.inter in ARMED_INTERS \
                and actor1.inter in ARMED_INTERS:
            return actor1, actor2, "Armed clash"
        return actor1, actor2 if actor2 is not None else civilians, sub_event_type
    if event_type in ("Battles", "Explosions/Remote violence") and actor1 is None:
        actor1 = unidentified
    if actor1 is not None and actor2 is not None and actor1.name == actor2.name:
        actor2 = None
    return actor1, actor2, sub_event_type
