"""Event dates read from a sentence and resolved against the article's publication date.

The expressions news reports use for dates are few, so they are matched with regular expressions and resolved
here rather than by dateparser, which reads 'on Thursday' and 'last Wednesday' relative to the current week and a
bare 'June 4' as this year's even when that day is after publication, and is slow (dateparser.search_dates with
languages=['en'] reads ~190 sentences/s of the bundled corpus, this module ~18,000). A cheap prefilter skips
sentences with no digit, month name or date word, and each pattern runs only when its key words occur.

Rules (the README quotes them):

- A weekday ('on Thursday', 'Friday morning', 'today, Friday') is the latest such day not after publication; the
  publication day itself counts. 'last Wednesday' is the latest Wednesday before the publication day.
- 'today', 'this morning', 'earlier today', 'tonight' are the publication day. 'yesterday (evening)', 'last night'
  and 'overnight' are the day before: ACLED codes the day a night began, and a night reported in the publication
  day's paper began the day before.
- A date without a year ('June 4', '22/06', 'on the 14th') is the most recent such date not after publication.
  A date after publication is never returned: the expression is skipped ('next Friday', 'June 10, 2030').
- A numeric date that reads both ways ('04/06/2020') takes the reading nearest before publication; day-first when
  the two are equally near (they then name the same day).
- time_precision 1 for a day. 2 for a week or a span of days: 'last week', 'earlier this week', 'over the weekend',
  'in recent days', 'N weeks ago', 'between 4 and 6 June' (coded to the first day, as ACLED codes each day of a
  span separately). 3 for a month ('in April 2019', 'last month', 'N months ago'), coded to the 15th as ACLED
  does (58 of the 78 precision-3 rows of the dev data are on the 15th), and for a year ('in 2016', 'last year',
  'earlier this year'), coded to the middle of its days not after publication (1 or 2 July of a past year); such
  references are background in practice. A week is coded to its Wednesday, as ACLED does
  ('week of 16 July' -> 18 July 2018), a span of recent days to its middle day; a representative day after
  publication is moved back to the publication day. 'around 4 June', 'on or before 4 June' are precision 2.
- No expression: the publication day with precision 2. ACLED codes an event whose source gives no date to the
  report's date 'as reported' with precision 2 (376 of the 426 dev rows whose notes say 'as reported').
- Several expressions: the one nearest to the anchor (the char offset of the event trigger), among those not
  separated from it by 'and', 'but', 'while' or ';' if there are any ('took control on Thursday and entered it
  today, Friday': 'entered' is today). English puts a verb's time after it ('killed 5 on Thursday') or at the head
  of the sentence, so an expression before the anchor counts at double its distance, and one that follows 'on',
  'in', 'since', 'during', 'at' or 'from' at half, because the preposition ties it to a verb. An expression behind
  a reference to another event is not the anchor's ('expelled ... 14 months after the attack on April 4 last
  year'). Without an anchor: the first expression, because reports and summaries lead with the event's date (on
  the dev notes this resolves 98.4% of rows right against 98.1% when prepositional expressions are preferred).
- 'N months after ...', 'the next day', 'next week' refer to another event or to the future: they are recognised
  (so '14 months after' is not read as a date) and never chosen.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable

from extractor.config import DATA_DIR
from extractor.records import ResolvedDate

NO_DATE_PRECISION = 2
BACKGROUND_AFTER_DAYS = 30
"""Reports are published within days of the events they cover; a date more than this many days before publication
refers to an earlier event (the ceasefire agreement 'on October 23' in a 26 December report), not the news."""

_MONTH_DAY = 15  # ACLED's day for a month-precision event
_MIDWEEK = 2  # Wednesday

_NUMBER_WORDS: dict[str, int] = json.loads((DATA_DIR / "number_words.json").read_text(encoding="utf-8"))["units"]
_SMALL_NUMBER = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
_VAGUE_COUNT = r"a\s+few|a\s+couple\s+of|several|few|some"

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH_NUMBERS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}

# Month and weekday names must be capitalised: lower-case 'may' and 'march' are verbs.
_MONTH = (r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
          r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)(?![a-z])\.?")
_WEEKDAY = r"(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_LEADING_WEEKDAY = r"(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+(?:the\s+)?)?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b"
_YEAR = r"(?:,?\s+(?:(?P<year>(?:19|20)\d\d)\b|(?P<relyear>(?i:last|this))\s+year\b))?"
_PART_OF_DAY = r"(?i:morning|afternoon|evening|night|dawn|noon|midday|midnight)"

_PREPOSITION_BEFORE = re.compile(r"\b(?:on|in|since|during|at|from)\s+$", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"\b(?:and|but|while|whereas)\b|;", re.IGNORECASE)
_APPROXIMATION_BEFORE = re.compile(r"\b(?:around|about|approximately|or\s+(?:about|around|before))\s+$", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
_MONTH_PREFIXES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DATE_WORD_STEMS = ("day", "night", "morning", "afternoon", "evening", "week", "month", "year", "ago")


@dataclass(frozen=True)
class _Expression:
    start: int
    end: int
    text: str
    kind: str
    match: re.Match[str]


@dataclass(frozen=True)
class _Pattern:
    kind: str
    regex: re.Pattern[str]
    needs: tuple[tuple[str, ...], ...]  # each group: one of these substrings must occur in the lower-cased sentence


_DIGITS = tuple("0123456789")
_MONTHS = tuple(_MONTH_NUMBERS)


def _pattern(kind: str, regex: str, *needs: tuple[str, ...]) -> _Pattern:
    return _Pattern(kind, re.compile(regex), needs)


_RANGE_SEPARATOR = r"\s*(?:-|–|(?i:and|to|until))\s*"
_WEEK_OF = r"\b(?i:(?:the\s+)?weeks?\s+(?:of|beginning|starting|commencing))\s+"
_RELATIVE_DAY_WORDS = ("yesterday", "today", "tonight", "night", "morning", "afternoon", "evening", "in the day")
_OTHER_EVENT_WORDS = ("after", "before", "later", "earlier", "prior", "from now", "next", "following", "previous",
                      "preceding")

# Unresolvable kinds ("other_event") are listed so that their words are not read as dates. A group named "span"
# narrows the expression to the date itself when the pattern needs a cue word before it.
_PATTERNS: tuple[_Pattern, ...] = (
    _pattern("day_range",
             rf"\b(?i:between\s+|from\s+)?(?P<first>[0-3]?\d)(?:st|nd|rd|th)?{_RANGE_SEPARATOR}{_DAY}\s+(?:of\s+)?"
             rf"{_MONTH}{_YEAR}", _DIGITS, _MONTHS),
    _pattern("day_range",
             rf"\b{_MONTH}\s+(?P<first>[0-3]?\d)(?:st|nd|rd|th)?{_RANGE_SEPARATOR}{_DAY}{_YEAR}", _DIGITS, _MONTHS),
    _pattern("week_of", rf"{_WEEK_OF}(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}{_YEAR}", ("week",), _DIGITS),
    _pattern("week_of", rf"{_WEEK_OF}{_MONTH}\s+{_DAY}{_YEAR}", ("week",), _DIGITS),
    _pattern("day_month", rf"\b{_LEADING_WEEKDAY}{_DAY}\s+(?:of\s+)?{_MONTH}{_YEAR}", _DIGITS, _MONTHS),
    _pattern("day_month", rf"\b{_LEADING_WEEKDAY}{_MONTH}\s+{_DAY}(?!\s*(?:-|–)\s*\d){_YEAR}", _DIGITS, _MONTHS),
    _pattern("month",
             rf"\b(?:(?i:early|mid|late|the\s+end\s+of|end\s+of|the\s+beginning\s+of|beginning\s+of"
             rf"|the\s+start\s+of|start\s+of)[\s-]+)?{_MONTH},?\s+(?:of\s+)?"
             rf"(?:(?P<year>(?:19|20)\d\d)\b|(?P<relyear>(?i:last|this))\s+year\b)", _MONTHS, _DIGITS + ("year",)),
    _pattern("month",
             rf"\b(?i:in|since|during|until|early|late|last|this|of|by|mid)[\s-]+(?P<span>{_MONTH})(?!\s*\d)", _MONTHS),
    _pattern("iso", r"\b(?P<year>(?:19|20)\d\d)-(?P<m>[01]?\d)-(?P<d>[0-3]?\d)\b", ("-",)),
    _pattern("numeric",
             r"(?<![\d/.])(?P<a>[0-3]?\d)/(?P<b>[0-3]?\d)(?:/(?P<year>(?:19|20)?\d\d))?(?![\d/])", ("/",)),
    _pattern("numeric", r"(?<![\d/.])(?P<a>[0-3]?\d)\.(?P<b>[0-3]?\d)\.(?P<year>(?:19|20)\d\d)(?![\d.])", (".",)),
    _pattern("relative_day", rf"\b(?i:today),?\s+{_WEEKDAY}\b", ("today",)),
    _pattern("relative_day",
             r"\b(?i:(?P<word>(?:the\s+)?day\s+before\s+yesterday|yesterday|(?:earlier\s+|later\s+)?today"
             r"|this\s+(?:morning|afternoon|evening)|tonight|last\s+night|overnight|earlier\s+in\s+the\s+day))"
             rf"(?:\s+{_PART_OF_DAY})?\b", _RELATIVE_DAY_WORDS),
    _pattern("weekday",
             rf"\b(?:(?P<rel>(?i:last|this|past|early|late))\s+)?{_WEEKDAY}(?:'s)?(?:\s+{_PART_OF_DAY})?\b", _WEEKDAYS),
    _pattern("ago",
             rf"\b(?i:(?P<n>\d+|{_SMALL_NUMBER}|an?|{_VAGUE_COUNT})\s+(?P<unit>day|week|month|year)s?\s+ago)\b",
             ("ago",)),
    _pattern("period",
             r"\b(?i:(?P<period>(?:earlier\s+|later\s+)?this\s+week|last\s+week|the\s+(?:previous|past|last)\s+week"
             r"|(?:the|this|last|past)\s+weekend|(?:recent|the\s+(?:past|last)\s+(?:few|couple\s+of|several))\s+days"
             r"|the\s+(?:past|last)\s+(?:24|twenty-four)\s+hours|(?:earlier\s+|later\s+)?this\s+month|last\s+month"
             r"|the\s+previous\s+month|(?:earlier\s+|later\s+)?this\s+year|last\s+year|the\s+previous\s+year))\b",
             ("week", "month", "year", "days", "hours")),
    _pattern("year",
             r"\b(?i:in|since|during|until|of|early|late|mid)[\s-]+(?P<span>(?P<year>(?:19|20)\d\d))\b(?![-/]\d)",
             _DIGITS),
    _pattern("day_of_month", r"\b(?i:the)\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)\b(?!\s+(?:of\s+)?[A-Z])", _DIGITS),
    _pattern("other_event",
             rf"\b(?i:(?:\d+|{_SMALL_NUMBER}|an?|{_VAGUE_COUNT})\s+(?:day|week|month|year)s?\s+"
             r"(?:after|before|later|earlier|prior|from\s+now)"
             r"|the\s+(?:next|following|previous|preceding)\s+(?:day|morning|evening|night)"
             r"|the\s+day\s+(?:after|before)(?!\s+yesterday)|next\s+(?:week|month|year))\b"
             rf"|\b(?i:next)\s+{_WEEKDAY}\b", _OTHER_EVENT_WORDS),
)


def find_date_expressions(sentence: str) -> list[tuple[int, int, str]]:
    """Char spans of the date expressions in a sentence, in order; references to another event are left out."""
    return [(e.start, e.end, e.text) for e in _scan(sentence) if e.kind != "other_event"]


def resolve_event_date(sentence: str, published: date, anchor: int | None = None) -> ResolvedDate:
    """The date of the event whose trigger is at `anchor`, by the rules in the module docstring."""
    expressions = _scan(sentence)
    candidates = []
    for expression in expressions:
        if expression.kind == "other_event" or _behind_other_event(expression, expressions, anchor):
            continue
        resolved = _RESOLVERS[expression.kind](expression.match, published)
        if resolved is not None and resolved[0] <= published:
            day, precision = resolved
            if precision == 1 and _APPROXIMATION_BEFORE.search(sentence, max(0, expression.start - 16),
                                                                expression.start):
                precision = 2
            candidates.append((expression, ResolvedDate(day, precision, expression.text)))
    if not candidates:
        return ResolvedDate(published, NO_DATE_PRECISION, "")
    return min(candidates, key=lambda c: _distance(c[0], sentence, anchor))[1]


def is_background(resolved: ResolvedDate, published: date, max_age_days: int = BACKGROUND_AFTER_DAYS) -> bool:
    """True when the date is too long before publication to be the reported event (see BACKGROUND_AFTER_DAYS)."""
    return (published - resolved.day).days > max_age_days


def _scan(sentence: str) -> list[_Expression]:
    """All expressions, overlaps resolved in favour of the earliest, then the longest."""
    if not _may_name_a_date(sentence):
        return []
    lowered = sentence.lower()
    found = [
        _Expression(*span, sentence[span[0]:span[1]], pattern.kind, m)
        for pattern in _PATTERNS
        if all(any(need in lowered for need in group) for group in pattern.needs)
        for m in pattern.regex.finditer(sentence)
        for span in [m.span("span") if "span" in pattern.regex.groupindex else m.span()]
    ]
    found.sort(key=lambda e: (e.start, e.start - e.end))
    kept: list[_Expression] = []
    for expression in found:
        if not kept or expression.start >= kept[-1].end:
            kept.append(expression)
    return kept


def _may_name_a_date(sentence: str) -> bool:
    """The cheap prefilter: a digit, a month name or a date word; substring tests are ~10x faster than a regex."""
    if _DIGIT.search(sentence) or any(month in sentence for month in _MONTH_PREFIXES):
        return True
    lowered = sentence.lower()
    return any(stem in lowered for stem in _DATE_WORD_STEMS)


def _behind_other_event(expression: _Expression, expressions: list[_Expression], anchor: int | None) -> bool:
    """True when a reference to another event ('14 months after') stands between the anchor and the expression."""
    if anchor is None:
        return False
    low, high = sorted((anchor, expression.start))
    return any(e.kind == "other_event" and low <= e.start and e.end <= high for e in expressions)


def _distance(expression: _Expression, sentence: str, anchor: int | None) -> tuple[int, float, int]:
    """Sort key choosing among expressions: first those in the anchor's clause, then the nearest to the anchor, one
    before it at double and a prepositional one at half its distance."""
    if anchor is None:
        return 0, 0, expression.start
    governed = bool(_PREPOSITION_BEFORE.search(sentence, max(0, expression.start - 8), expression.start))
    if expression.start <= anchor < expression.end:
        return 0, 0, expression.start
    before = expression.end <= anchor
    low, high = (expression.end, anchor) if before else (anchor, expression.start)
    crosses_clause = bool(_CLAUSE_BREAK.search(sentence, low, high))
    return int(crosses_clause), (high - low) * (2 if before else 1) / (2 if governed else 1), expression.start


# Resolvers: match and publication day -> (day, time_precision), or None when the text names no valid day.
_Resolution = tuple[date, int] | None


def _month_number(name: str) -> int:
    return _MONTH_NUMBERS[name[:3].lower()]


def _latest_not_after(published: date, month: int, day: int) -> date | None:
    """The most recent month/day not after publication (a 29 February looks back up to 8 years)."""
    for year in range(published.year, published.year - 9, -1):
        candidate = _valid_date(year, month, day)
        if candidate is not None and candidate <= published:
            return candidate
    return None


def _valid_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _explicit_year(match: re.Match[str], published: date) -> int | None:
    if match.group("year"):
        return int(match.group("year"))
    if match.group("relyear"):
        return published.year - (1 if match.group("relyear").lower() == "last" else 0)
    return None


def _day_month(match: re.Match[str], published: date, precision: int = 1, day_group: str = "day") -> _Resolution:
    month, day = _month_number(match.group("month")), int(match.group(day_group))
    year = _explicit_year(match, published)
    resolved = _latest_not_after(published, month, day) if year is None else _valid_date(year, month, day)
    return None if resolved is None else (resolved, precision)


def _day_range(match: re.Match[str], published: date) -> _Resolution:
    return _day_month(match, published, precision=2, day_group="first")


def _month(match: re.Match[str], published: date) -> _Resolution:
    month = _month_number(match.group("month"))
    year = _explicit_year(match, published) if "year" in match.re.groupindex else None
    if year is None:
        year = published.year if month <= published.month else published.year - 1
    return _capped(date(year, month, _MONTH_DAY), published), 3


def _iso(match: re.Match[str], published: date) -> _Resolution:
    resolved = _valid_date(int(match.group("year")), int(match.group("m")), int(match.group("d")))
    return None if resolved is None else (resolved, 1)


def _numeric(match: re.Match[str], published: date) -> _Resolution:
    first, second = int(match.group("a")), int(match.group("b"))
    year_text = match.group("year")
    readings = []
    for day, month in ((first, second), (second, first)):
        if not 1 <= month <= 12:
            continue
        if year_text is None:
            resolved = _latest_not_after(published, month, day)
        else:
            year = int(year_text) + (2000 if len(year_text) == 2 else 0)
            resolved = _valid_date(year, month, day)
        if resolved is not None and resolved <= published:
            readings.append(resolved)
    return (max(readings), 1) if readings else None


def _relative_day(match: re.Match[str], published: date) -> _Resolution:
    word = (match.groupdict().get("word") or "today").lower()
    if "before yesterday" in word:
        return published - timedelta(days=2), 1
    if word.startswith("yesterday") or word in ("last night", "overnight"):
        return published - timedelta(days=1), 1
    return published, 1


def _weekday(match: re.Match[str], published: date) -> _Resolution:
    relation = (match.group("rel") or "").lower()
    days_back = (published.weekday() - _WEEKDAYS.index(match.group("weekday").lower())) % 7
    if days_back == 0 and relation in ("last", "past"):
        days_back = 7
    return published - timedelta(days=days_back), 1


def _ago(match: re.Match[str], published: date) -> _Resolution:
    count_text, unit = match.group("n").lower(), match.group("unit").lower()
    vague = not (count_text.isdigit() or count_text in _NUMBER_WORDS or count_text in ("a", "an"))
    count = 3 if vague else int(count_text) if count_text.isdigit() else _NUMBER_WORDS.get(count_text, 1)
    if unit == "day":
        return published - timedelta(days=count), 2 if vague else 1
    if unit == "week":
        return published - timedelta(weeks=count), 3 if vague else 2
    if unit == "month":
        month_index = published.year * 12 + published.month - 1 - count
        return _capped(date(month_index // 12, month_index % 12 + 1, _MONTH_DAY), published), 3
    return _year_day(published.year - count, published), 3


def _period(match: re.Match[str], published: date) -> _Resolution:
    period = " ".join(match.group("period").lower().split())
    if period.endswith("hours"):
        return published, 1
    if period.endswith("weekend"):
        return published - timedelta(days=(published.weekday() - 5) % 7 or 7), 2
    if period.endswith("days"):
        return _middle(published - timedelta(days=6), published - timedelta(days=1)), 2
    if period.endswith("this week"):
        latest = published - timedelta(days=1) if period.startswith("earlier") and published.weekday() else published
        return _capped(_midweek(published), latest), 2
    if period.endswith("week"):
        if period.startswith("the past") or period.startswith("the last"):
            return _middle(published - timedelta(days=7), published - timedelta(days=1)), 2
        return _midweek(published - timedelta(weeks=1)), 2
    if period.endswith("this month"):
        return _capped(published.replace(day=_MONTH_DAY), published), 3
    if period.endswith("month"):
        previous = published.replace(day=1) - timedelta(days=1)
        return previous.replace(day=_MONTH_DAY), 3
    year = published.year if period.endswith("this year") else published.year - 1
    return _year_day(year, published), 3


def _week_of(match: re.Match[str], published: date) -> _Resolution:
    resolved = _day_month(match, published)
    return None if resolved is None else (_capped(_midweek(resolved[0]), published), 2)


def _year(match: re.Match[str], published: date) -> _Resolution:
    return _year_day(int(match.group("year")), published), 3


def _day_of_month(match: re.Match[str], published: date) -> _Resolution:
    day = int(match.group("day"))
    for months_back in range(3):
        month_index = published.year * 12 + published.month - 1 - months_back
        candidate = _valid_date(month_index // 12, month_index % 12 + 1, day)
        if candidate is not None and candidate <= published:
            return candidate, 1
    return None


def _year_day(year: int, published: date) -> date:
    """The middle of the year's days not after publication: 1 or 2 July of a past year."""
    return _middle(date(year, 1, 1), min(date(year, 12, 31), published))


def _midweek(day: date) -> date:
    """The Wednesday of the day's week, the day ACLED codes a week to ('week of 16 July' -> 18 July 2018)."""
    return day + timedelta(days=_MIDWEEK - day.weekday())


def _middle(first: date, last: date) -> date:
    return first + timedelta(days=(last - first).days // 2)


def _capped(day: date, published: date) -> date:
    return min(day, published)


_RESOLVERS: dict[str, Callable[[re.Match[str], date], _Resolution]] = {
    "day_range": _day_range,
    "day_month": _day_month,
    "week_of": _week_of,
    "month": _month,
    "iso": _iso,
    "numeric": _numeric,
    "relative_day": _relative_day,
    "weekday": _weekday,
    "ago": _ago,
    "period": _period,
    "year": _year,
    "day_of_month": _day_of_month,
}
