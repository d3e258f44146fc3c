"""Fatalities read from text by ACLED's rules.

ACLED counts the reported deaths of one event, perpetrators included (a suicide bomber 'killing himself and five
others' is 6); injuries are not counted; conflicting reports give the lowest credible figure; a total spread over
weeks or months is not attributed to one event. The text is normalised first (number words to digits, ages, dates,
times and quantities of things masked) and counts are then read from a few patterns around death words:

- passive or predicate: '3 soldiers and 2 militants were killed', '4 dead', '15 bodies' -> the listed numbers;
- active: 'killed 2 men and wounded 3', 'killing himself and 5 others', 'claimed the lives of 7';
- 'death toll rose to 11' (the event's latest total, it replaces the other counts);
- ACLED's own statements in its notes ('7 total fatalities', 'FATALITIES: 4', 'unknown fatalities coded as 10',
  'split across 3 events (2)'), which win over everything else.

Without a number, a singular victim ('a man was shot dead', 'killed him') is 1 and an unspecified plural ('people
were killed', 'several killed') is 3, the value the dev data's notes carry for 'several' and 'an unknown number';
'many' is 10, 'tens' 10, 'dozens' 12, 'scores' 20, 'hundreds' 100 (see data/number_words.json). 'no casualties',
'no one was killed' and 'casualties unknown' are 0. Ranges ('between 5 and 10', '5-10') give the lower figure, and
when a text flags conflicting reports ('other reports say 12') the lowest count of its sentences is taken; otherwise
a later sentence's count is taken as a restatement of the toll (the larger one stands) unless it says the deaths
are further ones ('3 civilians were also killed'), when it adds up.

Not counted: deaths that are the background of the event ('protest over the killing of 3 students', 'suspected of
killing a resident'), that are coded separately, that are threatened or intended ('threatened to kill 2'), and the
figures of a sentence that `is_aggregate_total`. Bodies found are counted: whether a discovery belongs to the event
is the caller's decision.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from extractor.config import DATA_DIR

_WORDS: dict[str, list[str]] = json.loads((DATA_DIR / "fatality_words.json").read_text(encoding="utf-8"))
_NUMBERS: dict[str, dict[str, int]] = json.loads((DATA_DIR / "number_words.json").read_text(encoding="utf-8"))

UNSPECIFIED_PLURAL = 3
"""Deaths reported without a number ('people were killed'): ACLED's value for 'several' / 'an unknown number'."""


def _phrases(words: Iterable[str]) -> str:
    """A regex alternation of phrases, longest first, any whitespace between words."""
    return "|".join(r"\s+".join(map(re.escape, w.split())) for w in sorted(set(words), key=len, reverse=True))


def _words(key: str) -> str:
    return _phrases(_WORDS[key])


_DEATH_STEMS = ("kill", "dead", "died", "dies", "die ", "dying", "death", "body", "bodies", "fatal", "lives", "life",
                "slain", "slaught", "massacr", "execut", "behead", "murder", "lynch", "corpse", "assassin", "perish",
                "drown", "gunned", "succumb", "strangl", "casualt", "kiled")


def _mentions_death(text: str) -> bool:
    """The cheap prefilter: substring tests on the lower-cased text, ~20x faster than a regex alternation."""
    lowered = text.lower()
    return any(stem in lowered for stem in _DEATH_STEMS)

# --- normalisation: numbers to '#N#', everything that is a number but not a count of people masked out -------------

_MONTH_NAMES = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?" \
               r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
_NOT_COUNTS = re.compile("|".join((
    r"\b\d+\s*-?\s*(?:years?|yrs?|months?)\s*-?\s*old\b",  # ages
    r"\baged?\s+\d+(?:\s*(?:and|-|to)\s*\d+)?",
    r"\(\s*\d{1,2}\s*\)",
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s*(?:-\s*\d{{1,2}}(?:st|nd|rd|th)?\s+)?(?:of\s+)?{_MONTH_NAMES}",  # dates
    rf"\b{_MONTH_NAMES}\s+\d{{1,2}}(?:st|nd|rd|th)?\b",
    r"\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b|\b\d{1,2}\.\d{1,2}\.\d{2,4}\b|\b(?:19|20)\d\d-\d\d-\d\d\b",
    r"\b(?:19|20)\d\d\b(?!\s+(?:people|persons|civilians|dead|killed|deaths|bodies))",
    r"\b\d{1,2}(?:[:.]\d\d)?\s*(?:am|pm|a\.m\.|p\.m\.|hrs)\b|\b\d{1,2}:\d\d\b",  # times
    r"\b\d+(?:st|nd|rd|th)\b",  # ordinals
    r"\b[a-z]+-\d+\b|\b\d+\s*mm\b",  # weapon designations, calibres
)))
_NO_ONE = re.compile(r"\b(?:no[\s-]one|nobody|none)\b")
_DIGITS = re.compile(r"(?<![\d.,#])\d{1,3}(?:,\d{3})+(?![\d,]*\.\d)|(?<![\d.,#])\d+(?![\d#]|[.,]\d)")
_NUMBER_WORD = _phrases([*_NUMBERS["units"], *_NUMBERS["tens"], *_NUMBERS["scales"]])
_NUMBER_WORDS = re.compile(rf"\b(?:{_NUMBER_WORD})(?:(?:\s+and\s+|[\s-]+)(?:{_NUMBER_WORD}))*\b")
_TIMES_SCALE = re.compile(rf"#(\d+)#\s+({_phrases(_NUMBERS['scales'])})\b")
_APPROXIMATION = re.compile(rf"\b(?:{_words('approximators')})\s+(?=#)")
_RANGE = re.compile(r"(?:\bbetween\s+)?#(\d+)#\s*(?:-|–|\bto\b|\bor\b|\band\b)\s*#(\d+)#")
_VAGUE_OF_THOUSANDS = re.compile(r"\b(tens|hundreds|dozens)\s+of\s+thousands\b")
_VAGUE = re.compile(rf"\b(?:{_phrases(_NUMBERS['vague'])})\b(?!\s*#)")
_UNIT_AFTER = re.compile(rf"#\d+#(?=\s*(?:{_words('non_victim_units')})\b)")
_LABEL_BEFORE = re.compile(rf"\b({_words('labels_before_numbers')})\s*#\d+#")
_SUBSET = re.compile(r"\s*,?\s*\b(?:including|among\s+them|among\s+whom|incl\.)\s+[^,;.()]*?"
                     r"(?:,|(?=\s+(?:were|was|are|is|have|has|had|died|killed|dead)\b)|(?=[;.()])|$)")
_BRACKETS = re.compile(r"[\[\]\"“”]")


def _number_value(phrase: str) -> int:
    """'one hundred and twenty-five' -> 125."""
    total, current = 0, 0
    for word in re.split(r"[\s-]+", phrase):
        if word in _NUMBERS["units"]:
            current += _NUMBERS["units"][word]
        elif word in _NUMBERS["tens"]:
            current += _NUMBERS["tens"][word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word in _NUMBERS["scales"]:
            total += max(current, 1) * _NUMBERS["scales"][word]
            current = 0
    return total + current


def _normalise(text: str) -> str:
    """Lower case, counts of people as '#N#' tokens, other numbers masked."""
    text = _BRACKETS.sub(" ", text.lower().replace("’", "'"))
    text = _NOT_COUNTS.sub(" ", text)
    text = _NO_ONE.sub(" #0# ", text)
    text = _DIGITS.sub(lambda m: f"#{m.group(0).replace(',', '')}#", text)
    text = _NUMBER_WORDS.sub(lambda m: f"#{_number_value(m.group(0))}#", text)
    text = _TIMES_SCALE.sub(lambda m: f"#{int(m.group(1)) * _NUMBERS['scales'][m.group(2)]}#", text)
    text = _APPROXIMATION.sub("", text)
    text = _APPROXIMATION.sub("", text)  # 'at least some 20'
    text = _RANGE.sub(lambda m: f"#{min(int(m.group(1)), int(m.group(2)))}#", text)
    text = _VAGUE_OF_THOUSANDS.sub(lambda m: f"#{_NUMBERS['vague'][m.group(1)] * 1000}#", text)
    text = _VAGUE.sub(lambda m: f"#{_NUMBERS['vague'][' '.join(m.group(0).split())]}#", text)
    text = _UNIT_AFTER.sub(" ", text)
    text = _LABEL_BEFORE.sub(r"\1 ", text)
    text = _SUBSET.sub(" ", text)
    return re.sub(r"\s+", " ", text)


# --- patterns over normalised text --------------------------------------------------------------------------------

_QTY = "(?:" + "|".join((
    r"#\d+#",
    r"\ban?\b|\banother\b",  # one victim
    r"\b(?:him|her)self\b",  # the attacker of a suicide attack
    rf"\b(?:his|her|their)\s+(?:{_words('kin_nouns')})\b",  # 'killing his wife and three children'
    r"\b(?:him|her)\b(?=\s*(?:$|[,.;:)]|(?:and|or|in|at|on|near|with|during|after|before|while|as|when)\b))",
)) + ")"
_NP_WORD = rf"(?!(?:{_words('np_stopwords')}|an?)\b)\(?[a-z][a-z'()-]*"
_ITEM = rf"{_QTY}(?:\s+(?:and\s+(?!{_QTY}))?{_NP_WORD}){{0,6}}"
_SEPARATOR = r"(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s+as\s+well\s+as\s+|\s+plus\s+)"
_LIST = rf"(?P<list>{_ITEM}(?:{_SEPARATOR}{_ITEM})*)"
_DETERMINER = rf"(?:(?:{_words('determiners')})\s+)?"
_AUXILIARIES = rf"(?P<aux>(?:\s+(?:{_words('passive_adverbs')}|{_words('passive_auxiliaries')}))*)"
_BE_FORM = re.compile(rf"\b(?:{_words('passive_auxiliaries')})\b")
_NOT_A_DEATH_NOUN = r"(?!\s+(?:threats?|sentences?|penalty|row|squads?|warrants?|certificates?))"

# 'killed or wounded', 'killed, injured or captured': the number of dead is not known
_UNCERTAIN_OUTCOME = (r"(?!\s*(?:,|/|\bor\b)\s*(?:\w+\s+)?(?:or\s+)?"
                      r"(?:wounded|injured|captured|missing|arrested|hurt)\b)")
_PASSIVE = re.compile(rf"{_LIST}{_AUXILIARIES}\s+(?P<pred>{_words('death_predicates')})\b{_NOT_A_DEATH_NOUN}"
                      rf"{_UNCERTAIN_OUTCOME}")
_VERB_PREDICATE = re.compile(rf"(?:{_words('verb_predicates')})$")
_PASSIVE_FOLLOWER = re.compile(rf"\s*(?:$|[,.;:)(/\-–]|(?:{_words('passive_followers')})\b)")
_ACTIVE = re.compile(rf"\b(?P<verb>{_words('death_verbs_taking_object')})\s+{_DETERMINER}{_LIST}")
_RESULTATIVE = re.compile(rf"\b(?:{_words('resultative_verbs')})\s+{_DETERMINER}{_LIST}\s+(?:dead|to\s+death)\b")
_LIVES_CLAIMED = re.compile(rf"\b(?:{_words('lives_verbs')})\s+{_DETERMINER}{_LIST}\s+lives\b")
_LIVES_LOST = re.compile(rf"{_LIST}\s+lives\s+(?:were\s+|have\s+been\s+|had\s+been\s+|was\s+)?lost\b")
_BODIES_OF = re.compile(rf"\b(?:bodies|body|remains|corpses?)\s+of\s+{_DETERMINER}{_LIST}")
_COUNT_PATTERNS = (_PASSIVE, _ACTIVE, _RESULTATIVE, _LIVES_CLAIMED, _LIVES_LOST, _BODIES_OF)

_ITEM_QTY = re.compile(rf"(?:^|{_SEPARATOR})({_QTY})")
_INJURY_AFTER = re.compile(r"(?:\s+(?!and\b)[a-z'-]+){0,3}?\s+(?:(?:were|was|are|is|have\s+been|has\s+been|had\s+been"
                           r"|reportedly|also|seriously|critically|slightly)\s+)*(?:injured|wounded|hurt|injuries"
                           r"|abducted|kidnapped|arrested|missing|captured|rescued|detained)\b")

_CODED_STATEMENT = re.compile(r"\bfatalit(?:y|ies)\b[^.;]{0,60}?\b(?:coded|estimated)\s+(?:as|to)\s+#(\d+)#"
                              r"|\bcoded\s+(?:as\s+)?#(\d+)#\s+fatalit")
_SUBSET_AFTER = re.compile(r"\s+of\s+(?:whom|them|those|these|the)\b")
_SPLIT_STATEMENT = re.compile(r"\bsplit\s+(?:across|over|between|among)\s+\w+\s+(?:events|locations)\s*\((\d+)\)")
_ACLED_STATEMENT = re.compile(r"#(\d+)#\s+(?:total\s+|reported\s+|confirmed\s+)?fatalit(?:y|ies)\b"
                              r"|\bfatalities\s*(?:coded\s+as|:|=)\s*#(\d+)#")
_DEATH_TOLL = re.compile(r"\b(?:death|fatality)\s+toll\b[^.;#]{0,60}?#(\d+)#"
                         r"|\bnumber\s+of\s+(?:\w+\s+){0,2}?(?:killed|dead|deaths|fatalities)\b[^.;#]{0,40}?#(\d+)#")



def _dead_after(auxiliaries: str, states: str) -> str:
    """'was (reportedly) killed', 'were found dead': an auxiliary, up to four words, a death predicate or state."""
    return (rf"\b(?:{auxiliaries})\s+(?:\w+\s+){{0,4}}?(?:{_words('verb_predicates')}|{states})\b"
            rf"{_UNCERTAIN_OUTCOME}")


_SINGULAR = re.compile(
    _dead_after(r"was|is|has\s+been|had\s+been|got", r"found\s+dead|confirmed\s+dead|pronounced\s+dead|feared\s+dead"
                r"|reported\s+dead|burned\s+alive|burnt\s+alive|slain")
    + rf"|\b(?:{_words('death_verbs_taking_object')})\s+(?:him|her)\b"
    rf"|\b(?:{_words('resultative_verbs')})\s+(?:him|her)\s+(?:dead|to\s+death)\b"
    rf"|\b(?:he|she|(?:the|this|that)\s+(?:[a-z'-]+\s+){{0,3}}?[a-z'-]*[^s\W])\s+(?:\w+\s+)?(?:died|dies|succumbed"
    rf"|perished)\b"
    rf"|\b(?:his|her|the)\s+body\b(?!\s+(?:of|armou?r|guards?|parts))")
_PLURAL = re.compile(
    _dead_after(r"were|are|have\s+been|had\s+been",
                r"found\s+dead|feared\s+dead|reported\s+dead|confirmed\s+dead|slain")
    + rf"|\bthey\s+(?:\w+\s+)?(?:died|perished)\b|\blost\s+their\s+lives\b")
_BARE_OBJECT = re.compile(rf"\b(?:{_words('death_verbs_taking_object')})\s+(?:(?:his|her|the|its|their)\s+)?"
                          rf"(?P<np>(?!of\b){_NP_WORD}(?:\s+{_NP_WORD}){{0,2}})")
_NON_VICTIM_HEAD = re.compile(rf"\b(?:{_words('non_victim_units')})$")
_PLURAL_HEAD = re.compile(rf"(?:s|\b(?:{_words('plural_nouns')}))$")
_NEGATION = re.compile(rf"\b(?:{_words('negations')})\b|#0#")

_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\s+-\s+|\n+")
_CLAUSE_BREAK = re.compile(r"[.;()]|\s-\s")
_SEPARATELY_CODED = re.compile(rf"\b(?:{_words('separately_coded_cues')})\b")
_BACKGROUND_BEFORE = re.compile(rf"\b(?:{_words('background_cues')})\b(?:\s+\S+){{0,5}}\s*$")
_PROTEST_REASON_BEFORE = re.compile(  # 'residents protested after a pedestrian was killed': the cause, coded apart
    rf"\b(?:{_words('protest_words')})\b[^.;]{{0,100}}?\b(?:{_words('protest_reasons')})\b")
_REASON_BEFORE = re.compile(r"\b(?:for|of)\s+(?:allegedly\s+|reportedly\s+|having\s+)?$")
_ACCUSATION_BEFORE = re.compile(
    rf"\b(?:{_words('accusation_cues')})\s+(?:\S+\s+){{0,2}}?(?:of|for|with|over|in)\s+$")
_RELATIVE_BEFORE = re.compile(r"\b(?:who|which|that|whom)\s+(?:\w+\s+)?$")
_MODAL_BEFORE = re.compile(rf"(?:\b(?:{_words('modal_cues')})|n't)\s+$")
_ADDITIVE = re.compile(
    r"\b(?:also|as\s+well|another|other|others|additional|further|more|too|while|separately|meanwhile)\b")
_CONFLICT = re.compile(rf"(?:{_words('conflict_cues')})")

_NUMBER_OR_WORD = rf"(?:\d[\d,]*|{_NUMBER_WORD}|few|several|many|a\s+couple\s+of)"
_TENS_OF_THOUSANDS = r"\b(?:\d{2,3},\d{3}(?:,\d{3})*|\d{5,})\b"  # displacement on this scale is a campaign's
_AGGREGATE = re.compile("|".join((
    rf"\b(?:{_words('aggregate_spans')})\b",
    rf"\b(?:over|in|during|within|throughout|for|after)\s+(?:the\s+)?(?:(?:past|last|first|previous|nearly|almost"
    rf"|about|more\s+than|over|some)\s+)*(?:{_NUMBER_OR_WORD}\s+)?(?:days|weeks|months|years)\b",
    r"\b(?:in|over|during|within)\s+the\s+(?:past|last|previous)\s+(?:week|month|year|decade)\b",
    rf"\b{_NUMBER_OR_WORD}\s+(?:days|weeks|months|years)\s+of\s+(?:fighting|war|conflict|clashes|violence|attacks)",
    rf"\bsince\s+(?:the\s+)?(?:{_MONTH_NAMES}|(?:19|20)\d\d|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    rf"|start|beginning|outbreak|early|late|last|mid)",
    r"\b(?:bringing|raising|brings|raises|brought|raised)\s+(?:the\s+|to\s+)?(?:total|number|toll|death\s+toll|tally)",
    rf"\b(?:{_words('aggregate_subjects')})\b(?:\s+\w+){{0,3}}?\s+(?:killed|left|claimed|caused)\b",
    rf"\b(?:{_words('displacement_words')})\b",
    rf"\bdisplac\w*\s+(?:(?:more\s+than|over|about|some|nearly|around|at\s+least)\s+)?{_TENS_OF_THOUSANDS}"
    rf"|{_TENS_OF_THOUSANDS}\s+(?:(?:people|persons|residents|civilians|families)\s+)?(?:(?:were|have\s+been"
    r"|had\s+been)\s+)?displaced",
)))


def count_fatalities(text: str) -> int:
    """Deaths reported in the text by ACLED's rules (module docstring); 0 when none are reported."""
    if not _mentions_death(text):
        return 0
    split = _SPLIT_STATEMENT.search(text.lower())  # ACLED's own note '... split across 3 events (2)'
    if split:
        return int(split.group(1))
    sentences = [(raw, _normalise(raw)) for raw in _SENTENCE_END.split(text) if raw and _mentions_death(raw)]
    for _, normalised in sentences:
        statement = _CODED_STATEMENT.search(normalised) or _ACLED_STATEMENT.search(normalised)
        if statement:
            return int(statement.group(1) or statement.group(2))
    event_sentences = [normalised for raw, normalised in sentences if not _is_aggregate_sentence(raw)]
    tolls = [int(m.group(1) or m.group(2)) for s in event_sentences for m in _DEATH_TOLL.finditer(s)]
    if tolls:
        return tolls[-1]
    numbered, unnumbered = [], []
    for sentence in event_sentences:
        count, has_number = _sentence_count(sentence)
        if count and has_number:
            numbered.append((count, bool(_ADDITIVE.search(sentence))))
        elif count:
            unnumbered.append(count)
    if numbered:
        if _CONFLICT.search(text.lower()):
            return min(count for count, _ in numbered)
        # sentences restate a toll unless they say the deaths are further ones ('3 civilians were also killed')
        total = 0
        for count, additive in numbered:
            total = total + count if additive else max(total, count)
        return total
    # a later sentence without a number ('the victims were killed') mostly refers back to the same deaths
    return unnumbered[0] if unnumbered else 0


def is_aggregate_total(text: str) -> bool:
    """True when the text reports deaths summed over several events, days or places, which no one event may take."""
    return any(_is_aggregate_sentence(s) for s in _SENTENCE_END.split(text))


def _is_aggregate_sentence(sentence: str) -> bool:
    """Read on the raw sentence: the spans ('over 14 months') are among the numbers normalisation masks."""
    return bool(_mentions_death(sentence) and _AGGREGATE.search(" ".join(sentence.lower().split())))


def _sentence_count(sentence: str) -> tuple[int, bool]:
    """Deaths in one normalised sentence and whether a number gave them: listed numbers, else a singular or plural
    victim, else 0."""
    counted: dict[int, int] = {}
    for pattern in _COUNT_PATTERNS:
        for match in pattern.finditer(sentence):
            if _is_counted(match, pattern, sentence):
                counted.update(_list_values(match, sentence))
    if counted:
        return sum(counted.values()), True
    if _NEGATION.search(sentence):
        return 0, False
    for pattern in (_SINGULAR, _PLURAL, _BARE_OBJECT):
        for match in pattern.finditer(sentence):
            before = sentence[:match.start()]
            if not (_RELATIVE_BEFORE.search(before) or _MODAL_BEFORE.search(before)
                    or _is_excluded_context(sentence, match.start())):
                victims = _victim_number(pattern, match)
                if victims:
                    return victims, False
    return 0, False


def _victim_number(pattern: re.Pattern[str], match: re.Match[str]) -> int:
    """1 for one victim without a number, UNSPECIFIED_PLURAL for several ('killed civilians'), 0 for animals."""
    if pattern is _SINGULAR:
        return 1
    if pattern is _BARE_OBJECT:
        if _NON_VICTIM_HEAD.search(match.group("np")):
            return 0
        if not _PLURAL_HEAD.search(match.group("np")):
            return 1
    return UNSPECIFIED_PLURAL


def _is_counted(match: re.Match[str], pattern: re.Pattern[str], sentence: str) -> bool:
    """Whether a count pattern's match reports deaths of this event (not an active clause, a threat, a cause)."""
    if pattern is _PASSIVE and _VERB_PREDICATE.match(match.group("pred")) and not _BE_FORM.search(match.group("aux")):
        # 'killed' without a form of 'be' is passive only when no object follows: '4 killed in', not '4 men killed 2'
        if not _PASSIVE_FOLLOWER.match(sentence, match.end()):
            return False
    if pattern is _ACTIVE:
        before = sentence[:match.start()]
        if _MODAL_BEFORE.search(before) or _ACCUSATION_BEFORE.search(before):
            return False
        if match.group("verb").endswith("ing") and _REASON_BEFORE.search(before):
            return False
    return not _is_excluded_context(sentence, match.start("list") if pattern is _PASSIVE else match.start())


def _is_excluded_context(sentence: str, position: int) -> bool:
    """Background to the event ('protest over the killing of') or a clause coded separately."""
    clause_start = max((m.end() for m in _CLAUSE_BREAK.finditer(sentence, 0, position)), default=0)
    clause_end = next((m.start() for m in _CLAUSE_BREAK.finditer(sentence, position)), len(sentence))
    if _SEPARATELY_CODED.search(sentence, clause_start, min(len(sentence), clause_end + 40)):
        return True
    return bool(_BACKGROUND_BEFORE.search(sentence[clause_start:position])
                or _PROTEST_REASON_BEFORE.search(sentence, 0, position))


def _list_values(match: re.Match[str], sentence: str) -> dict[int, int]:
    """Each number of a coordinated list by its position; the list stops at an item that is injured, not killed."""
    values: dict[int, int] = {}
    start, end = match.span("list")
    for index, item in enumerate(_ITEM_QTY.finditer(sentence[start:end])):
        if index and (_INJURY_AFTER.match(sentence, start + item.end(1))
                      or _SUBSET_AFTER.match(sentence, start + item.end(1))):
            break
        token = item.group(1)
        values[start + item.start(1)] = int(token.strip("#")) if token.startswith("#") else 1
    return values
