"""Stage 4 — resolve: a detection's arguments, read the way an ACLED coder reads them.

For each detected event: its date (the sentence's own date expression against the publication date), its place
(the most specific place where it happened, in the article's country), its actors (who did what to whom, from
the dependency parse, normalised through the actor dictionary), the final sub-event type (some depend on who
the actors are) and its fatalities. A detection whose arguments cannot be resolved becomes a quarantine record
with the reason, never a silent loss.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span, Token

from .actors import ActorDictionary, ActorMention, find_actor_mentions
from .dates import is_background, resolve_event_date
from .detect import Detection, governing_verb
from .fatalities import count_fatalities
from .geo import Gazetteer, infer_country
from .records import Actor, Article, EventCandidate, Mention, Place, Quarantined
from .schema import TAXONOMY
from .spans import entities_in

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
NAME_LABELS = frozenset({"PERSON", "ORG", "NORP"})
NOT_PLACE_LABELS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "QUANTITY", "PERCENT", "ACTOR"})
QUALIFIER = re.compile(r"\s*\(.*$")  # a parenthesised admin unit, closed or cut off by the NER span
UNIT_SUFFIX = re.compile(r"\s+(district|province|region|township|village|county|state|governorate|municipality|"
                         r"city|town|upazila|tehsil|prefecture|department)$", re.IGNORECASE)
LOCATIVE_PREPOSITIONS = frozenset({"in", "at", "into", "on", "inside", "across", "throughout", "from", "to", "of",
                                   "near", "outside", "around"})
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
    """The article's country: from its country names, demonyms and unambiguous towns; failing those, the
    country where most of its place names resolve (a weaker guess for texts that name only villages)."""
    mentions = [ent.text for ent in doc.ents if ent.label_ == "NORP"] + [m.text for m in place_mentions(doc[:])]
    iso2 = infer_country(gazetteer, mentions)
    if iso2 is None:
        # most_common keeps first-mentioned order among equal counts
        votes = Counter(place.iso2 for text in mentions if (place := lookup_place(gazetteer, text, None)))
        iso2 = votes.most_common(1)[0][0] if votes else None
    return DocumentContext(iso2 or "", gazetteer.resolve_country(iso2) if iso2 else None)


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
        if actor2 is None and actor1 is not None:
            # the side that lost the place: "as forces loyal to Haftar withdrew", "Haftar lost ... after"
            actor2 = next((m.actor for m in mentions if not _is_generic(m.actor) and m.actor.name != actor1.name
                           and m.actor.inter in ARMED_INTERS), None)
    actor1, actor2, sub_event_type = complete_actors(sub_event_type, actor1, actor2, place)
    if actor1 is None:
        return _reject(article, detection, f"no actor found for the {sub_event_type} event")
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
    clause = _clause_tokens(trigger)
    side_clauses = {t.i for c in governing_verb(trigger).children if _is_own_clause(c) for t in c.subtree}
    mentions = place_mentions(sent)
    in_clause = [e for e in mentions if e.root.i in clause]
    # the clause that reports it: "the mayor of Bani Walid said that forces entered the city's airport"
    reporting = [e for e in mentions if e.root.i not in clause and e.root.i not in side_clauses]
    for ents in (in_clause, reporting):
        place = _best_place_in(ents, trigger, context, gazetteer)
        if place is not None:
            return place
    for other in _continuing_sentences(sent):
        place = _best_place_in(place_mentions(other), None, context, gazetteer)
        if place is not None:
            return place
    # a place named only in a side clause ("while forces patrolled near Sirte"): the area, not the place
    elsewhere = _best_place_in([e for e in mentions if e.root.i in side_clauses], None, context, gazetteer)
    if elsewhere is not None:
        return _with_precision(elsewhere, max(elsewhere.geo_precision, 2))
    # the clause names a place abroad, though the article's country is another ("a rally in Bratislava" in a
    # text mentioning "the South Korean factory"): the place wins over the country guess
    abroad = _best_place_in(in_clause + reporting, trigger, replace(context, country_iso2=""), gazetteer)
    if abroad is not None and not is_country_level(abroad):
        return abroad
    return context.country_place


def _continuing_sentences(sent: Span) -> list[Span]:
    """Sentences that go on about the same event: the next one if it refers back ('The operation ...'),
    then the previous one in the same paragraph."""
    doc = sent.doc
    found = []
    following = doc[sent.end].sent if sent.end < len(doc) else None
    if following is not None and following[0].lower_ in ANAPHORIC_OPENERS:
        found.append(following)
    previous = doc[sent.start - 1].sent if sent.start > 0 else None
    if previous is not None and "\n" not in doc[sent.start - 1].whitespace_:
        found.append(previous)
    return found


def _is_locative(ent: Span) -> bool:
    """'in Tarhuna', 'the mayor of Bani Walid', 'in the Shwerf area'."""
    root = ent.root
    if root.dep_ == "compound" and root.head.lemma_.lower() in PLACE_NOUNS:
        root = root.head
    return root.dep_ == "pobj" and root.head.lower_ in LOCATIVE_PREPOSITIONS


def place_mentions(span: Span) -> list[Span]:
    """Spans that may name a place: NER's places, and proper names in a locative phrase whatever NER took them
    for ("the mayor of Bani Walid" PERSON, "marched in Malaga (Andalucia" ORG, "Manaus" unlabelled)."""
    found = [e for e in entities_in(span) if e.label_ in PLACE_LABELS or (e.label_ in NAME_LABELS and _is_locative(e))]
    covered = {i for e in found for i in range(e.start, e.end)}
    doc = span.doc
    for token in span:
        if token.pos_ != "PROPN" or token.i in covered or token.ent_type_ in NOT_PLACE_LABELS:
            continue
        in_place_phrase = token.dep_ == "pobj" and token.head.lower_ in LOCATIVE_PREPOSITIONS
        names_a_unit = token.dep_ == "compound" and token.head.lemma_.lower() in PLACE_NOUNS  # "Kale township"
        if in_place_phrase or names_a_unit:
            start = min([token.i] + [c.i for c in token.children if c.dep_ == "compound" and c.pos_ == "PROPN"])
            found.append(doc[start:token.i + 1])
            covered.update(range(start, token.i + 1))
    return found


def lookup_place(gazetteer: Gazetteer, text: str, country_iso2: str | None, unit: str = "") -> Place | None:
    """The gazetteer's place for a mention, also trying it without qualifiers ('Manaus - South Zone' -> 'Manaus',
    'Malaga (Andalucia' -> 'Malaga', 'Kathua district' -> 'Kathua'); a unit named beside it ('Lafayette
    (Indiana)') picks among namesakes."""
    unqualified = QUALIFIER.sub("", text).strip()
    if unit and (within := gazetteer.resolve_within(unqualified, unit, country_iso2)) is not None:
        return within
    variants = (text, unqualified, text.split(" - ")[0].strip(), UNIT_SUFFIX.sub("", unqualified))
    for variant in dict.fromkeys(variants):
        if variant and (place := gazetteer.resolve(variant, country_iso2)) is not None:
            return place
    return None


def _unit_beside(ent: Span) -> str:
    """The admin unit or country written right after a place: 'Lafayette (Indiana)', 'Ibague, Tolima'."""
    inside = QUALIFIER.search(ent.text)
    if inside:
        return inside.group(0).strip(" (),").split(",")[0].strip()
    doc = ent.doc
    if ent.end + 1 < len(doc) and doc[ent.end].text in ("(", ","):
        words = []
        for token in doc[ent.end + 1:ent.end + 5]:
            if token.pos_ != "PROPN":
                break
            words.append(token.text)
        return " ".join(words)
    return ""


def _best_place_in(ents: list[Span], trigger: Token | None, context: DocumentContext,
                   gazetteer: Gazetteer) -> Place | None:
    scored = []
    for ent in ents:
        locative = _is_locative(ent)
        place = lookup_place(gazetteer, ent.text, context.country_iso2 or None, _unit_beside(ent))
        if place is None or (context.country_iso2 and place.iso2 != context.country_iso2):
            continue
        score = -5 if is_country_level(place) else 0  # a country name only says where, not the place
        root = ent.root
        if locative:
            score += 2
        if root.dep_ in ("dobj", "nsubjpass") and trigger is not None and root.head == trigger:
            score += 3
        if _names_an_actor(ent):
            score -= 3  # "Tripoli-based government", "the Tripoli Protection Force": not where it happened
        if trigger is not None:
            score -= abs(root.i - trigger.i) / 50
        nearby = _is_approximate(ent)
        if nearby and place.geo_precision == 1:
            place = _with_precision(place, 2)
        scored.append((score, -ent.start, place))
    if not scored:
        return None
    return max(scored, key=lambda s: (s[0], s[1]))[2]


PLACE_NOUNS = frozenset({"area", "district", "city", "town", "village", "region", "province", "suburb", "suburbs",
                         "outskirts", "neighbourhood", "neighborhood", "camp", "airport", "base", "county", "state",
                         "municipality", "border", "borders", "road", "highway", "port", "market", "centre", "center",
                         "township", "upazila", "tehsil", "governorate", "prefecture", "commune", "ward", "locality",
                         "zone", "department", "subcounty", "sub-county", "division", "estate", "settlement"})


def _names_an_actor(ent: Span) -> bool:
    doc = ent.doc
    if ent.end + 1 < len(doc) and doc[ent.end].lower_ == "-" and doc[ent.end + 1].lower_ in ("based", "backed", "led"):
        return True
    root = ent.root
    return root.dep_ in ("compound", "amod", "nmod", "poss") and root.head.lemma_.lower() not in PLACE_NOUNS


def _clause_tokens(trigger: Token) -> set[int]:
    """Tokens of the trigger's own clause: its verb's subtree without the clauses of coordinated verbs."""
    verb = governing_verb(trigger)
    excluded = {t.i for c in verb.children if _is_own_clause(c) for t in c.subtree}
    return {t.i for t in verb.subtree} - excluded


def _is_own_clause(token: Token) -> bool:
    """A coordinated or subordinate clause with its own subject: 'while the forces patrolled near Sirte'."""
    if token.dep_ == "conj" and token.pos_ in ("VERB", "AUX"):
        return True
    return token.dep_ in ("advcl", "ccomp", "parataxis", "relcl") and any(
        c.dep_ in ("nsubj", "nsubjpass", "expl") for c in token.children)


def is_country_level(place: Place) -> bool:
    return place.gazetteer_source.startswith("country:")


def _is_approximate(ent: Span) -> bool:
    """'near Tarhuna', 'southeast of Tripoli', '20 km from X': the event is near the place, not in it."""
    window = ent.doc[max(ent.sent.start, ent.start - 4):ent.start]
    return any(t.lower_ in NEARBY_WORDS for t in window)


def _with_precision(place: Place, precision: int) -> Place:
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
    clause = _clause_tokens(trigger)
    side1 = [m for m in mentions if m.head_i in agent_tokens]
    side2 = [m for m in mentions if m.head_i in patient_tokens and m not in side1]
    if not side1:
        side1 = [m for m in mentions if m.start < trigger.i and m.head_i in clause and m not in side2][-1:]
    if not side2:
        side2 = [m for m in mentions if m.start > trigger.i and m.head_i in clause and m not in side1][:1]
    actor1, assoc1 = _pick(side1)
    actor2, assoc2 = _pick(side2, exclude=actor1)
    quote = _quotation_around(trigger)
    if quote is not None and (actor1 is None or _is_generic(actor1) and _owned_by_pronoun(trigger, side1)):
        # '"Our forces took the city," said a GNA spokesman': the speaker's side is the doer
        speaker = [m for m in mentions if not _is_generic(m.actor) and not quote[0] <= m.start < quote[1]]
        if speaker:
            actor1, assoc1 = speaker[0].actor, ()
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


QUOTES = frozenset({'"', "“", "”", "«", "»"})


def _quotation_around(trigger: Token) -> tuple[int, int] | None:
    """Token range of the quotation the trigger is in, if it is in one."""
    sent = trigger.sent
    marks = [t.i for t in sent if t.text in QUOTES]
    opening = [i for i in marks if i < trigger.i]
    closing = [i for i in marks if i > trigger.i]
    if len(opening) % 2 == 1 and closing:
        return opening[-1], closing[0]
    return None


def _owned_by_pronoun(trigger: Token, side: list[ActorMention]) -> bool:
    doc = trigger.doc
    return any(c.dep_ == "poss" and c.pos_ == "PRON" for m in side for c in doc[m.head_i].children)


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
        elif child.dep_ == "prep" and child.lower_ == "between":
            # "an exchange between X and Y": X is one side, its conjunct Y the other
            for pobj in (c for c in child.children if c.dep_ == "pobj"):
                others = {t.i for c in pobj.children if c.dep_ == "conj" for t in c.subtree}
                agent |= {t.i for t in pobj.subtree} - others
                patient |= others
            continue
        elif child.dep_ == "prep" and child.lower_ in ("against", "on", "with", "at", "upon"):
            target = patient
        elif child.dep_ == "prep" and child.lower_ == "by":
            target = agent
        else:
            continue
        subtree = {t.i for t in child.subtree}
        if child.dep_ == "nsubj" and (child.pos_ == "PRON" or any(
                c.dep_ == "poss" and c.pos_ == "PRON" for c in child.children)):
            subtree |= _antecedent_subject(clause)  # "X said that they/his forces took Y": X's side
        target |= subtree
    if not agent and (clause.dep_ in ("conj", "xcomp") or clause.pos_ in ("NOUN", "PROPN") and clause.dep_ in (
            "dobj", "nsubjpass")):
        # "X took Tripoli and entered Tarhuna", "X managed to impose control": the verb shares its head's subject
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


def complete_actors(sub_event_type: str, actor1: Actor | None, actor2: Actor | None, place: Place
                    ) -> tuple[Actor | None, Actor | None, str]:
    """ACLED's defaults for missing sides and the sub-types that depend on who the sides are."""
    country = place.country
    unidentified = Actor(f"Unidentified Armed Group ({country})", 3)
    civilians = Actor(f"Civilians ({country})", 7)
    event_type = TAXONOMY.event_type(sub_event_type)
    if event_type == "Protests":
        protesters = Actor(f"Protesters ({country})", 6)
        state_side = [a for a in (actor2, actor1) if a is not None and a.inter == 1]
        other = state_side[0] if state_side else None
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
