"""Event dates resolved against publication dates: the bundled articles' own phrases, then the general rules."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from extractor.dates import (
    BACKGROUND_AFTER_DAYS,
    NO_DATE_PRECISION,
    find_date_expressions,
    is_background,
    resolve_event_date,
)
from extractor.records import ResolvedDate

SEEDS = Path(__file__).resolve().parent.parent / "corpus" / "seeds.jsonl"
ARTICLES = {
    record["id"][:3]: (record["text"], date.fromisoformat(record["published"]))
    for record in map(json.loads, SEEDS.read_text(encoding="utf-8").splitlines())
}


def corpus_sentence(article: str, phrase: str) -> tuple[str, date]:
    """The sentence of a bundled article that contains `phrase`, and the article's publication date."""
    text, published = ARTICLES[article]
    at = text.index(phrase)
    start = max(text.rfind(". ", 0, at) + 2, text.rfind("\n", 0, at) + 1)
    ends = [i for i in (text.find(". ", at), text.find("\n", at)) if i != -1]
    return text[start:min(ends) + 1 if ends else len(text)], published


@pytest.mark.parametrize(
    ("article", "phrase", "trigger", "expected", "precision"),
    [
        ("004", "GNA troops on Thursday recaptured", "recaptured", date(2020, 6, 4), 1),
        ("004", "said on Thursday morning that they had retaken", "retaken", date(2020, 6, 4), 1),
        ("004", "Human Rights Watch said on Wednesday", "found", date(2020, 6, 3), 1),
        ("004", "launched an assault on Tripoli in April 2019", "assault", date(2019, 4, 15), 3),
        ("001", "on Thursday and entered it today, Friday", "took control", date(2020, 6, 4), 1),
        ("001", "on Thursday and entered it today, Friday", "entered", date(2020, 6, 5), 1),
        ("000", "took to the streets yesterday evening", "took to the streets", date(2020, 6, 4), 1),
        ("000", "attack on April 4 last year", "attack", date(2019, 4, 4), 1),
        ("003", "the committee completed, on Friday, the first prisoner exchange", "completed", date(2020, 12, 25), 1),
        ("003", "talks that took place today, Saturday in Tripoli", "talks", date(2020, 12, 26), 1),
        ("003", "Earlier today, Akar arrived", "arrived", date(2020, 12, 26), 1),
        ("003", "threats made by Haftar from Benghazi last Wednesday", "threats", date(2020, 12, 23), 1),
        ("003", "approved last Tuesday a presidential memo", "approved", date(2020, 12, 22), 1),
        ("003", "reached by the Joint Military Committee on October 23", "reached", date(2020, 10, 23), 1),
    ],
)
def test_corpus_phrases(article: str, phrase: str, trigger: str, expected: date, precision: int) -> None:
    sentence, published = corpus_sentence(article, phrase)
    resolved = resolve_event_date(sentence, published, anchor=sentence.index(trigger))
    assert (resolved.day, resolved.time_precision) == (expected, precision)


@pytest.mark.parametrize(
    ("article", "phrase", "background"),
    [
        ("000", "attack on April 4 last year", True),
        ("003", "reached by the Joint Military Committee on October 23", True),
        ("004", "launched an assault on Tripoli in April 2019", True),
        ("003", "approved last Tuesday a presidential memo", False),
        ("001", "on Thursday and entered it today, Friday", False),
    ],
)
def test_corpus_background_references(article: str, phrase: str, background: bool) -> None:
    sentence, published = corpus_sentence(article, phrase)
    resolved = resolve_event_date(sentence, published, anchor=sentence.index(phrase))
    assert is_background(resolved, published) is background


def test_a_date_behind_a_reference_to_another_event_is_not_the_events() -> None:
    sentence, published = corpus_sentence("000", "nearly 14 months after the Haftar forces")
    resolved = resolve_event_date(sentence, published, anchor=sentence.index("expelled"))
    assert resolved == ResolvedDate(published, NO_DATE_PRECISION, "")


FRIDAY = date(2020, 6, 5)


@pytest.mark.parametrize(
    ("sentence", "expected", "precision"),
    [
        ("Gunmen attacked the village on Friday.", date(2020, 6, 5), 1),  # the publication day counts
        ("Gunmen attacked the village on Friday morning.", date(2020, 6, 5), 1),
        ("Gunmen attacked the village last Friday.", date(2020, 5, 29), 1),
        ("Gunmen attacked the village on Saturday night.", date(2020, 5, 30), 1),
        ("Gunmen attacked the village this morning.", date(2020, 6, 5), 1),
        ("Gunmen attacked the village earlier today.", date(2020, 6, 5), 1),
        ("Gunmen attacked the village tonight.", date(2020, 6, 5), 1),
        ("Gunmen attacked the village yesterday.", date(2020, 6, 4), 1),
        ("Gunmen attacked the village last night.", date(2020, 6, 4), 1),
        ("Gunmen attacked the village overnight.", date(2020, 6, 4), 1),
        ("Gunmen attacked the village the day before yesterday.", date(2020, 6, 3), 1),
        ("Gunmen attacked the village three days ago.", date(2020, 6, 2), 1),
        ("Gunmen attacked the village two weeks ago.", date(2020, 5, 22), 2),
        ("Gunmen attacked the village two months ago.", date(2020, 4, 15), 3),
        ("Gunmen attacked the village on 4 June 2020.", date(2020, 6, 4), 1),
        ("Gunmen attacked the village on 4th of June.", date(2020, 6, 4), 1),
        ("Gunmen attacked the village on June 4.", date(2020, 6, 4), 1),
        ("Gunmen attacked the village on June 4th, 2020.", date(2020, 6, 4), 1),
        ("Gunmen attacked the village on Thursday, June 4.", date(2020, 6, 4), 1),
        ("Gunmen attacked the village on Sept. 21st 2019.", date(2019, 9, 21), 1),
        ("Gunmen attacked the village on 2020-06-04.", date(2020, 6, 4), 1),
        ("Gunmen attacked the village on 04/06/2020.", date(2020, 6, 4), 1),  # 6 April is further back
        ("Gunmen attacked the village on 06/04/2020.", date(2020, 6, 4), 1),  # read month-first: nearer
        ("Gunmen attacked the village on 13/04/2020.", date(2020, 4, 13), 1),
        ("Gunmen attacked the village on 22/05.", date(2020, 5, 22), 1),
        ("Gunmen attacked the village on the 3rd.", date(2020, 6, 3), 1),
        ("Gunmen attacked the village on June 10.", date(2019, 6, 10), 1),  # no year: the latest not after
        ("Gunmen attacked the village in April 2019.", date(2019, 4, 15), 3),
        ("Gunmen attacked the village in April.", date(2020, 4, 15), 3),
        ("Gunmen attacked the village in June.", date(2020, 6, 5), 3),  # the 15th would be after publication
        ("Gunmen attacked the village last month.", date(2020, 5, 15), 3),
        ("Gunmen attacked the village in 2016.", date(2016, 7, 1), 3),
        ("Gunmen attacked the village last week.", date(2020, 5, 27), 2),
        ("Gunmen attacked the village earlier this week.", date(2020, 6, 3), 2),
        ("Gunmen attacked the village over the weekend.", date(2020, 5, 30), 2),
        ("Gunmen attacked the village in recent days.", date(2020, 6, 1), 2),
        ("Gunmen attacked the village between 2 and 3 June.", date(2020, 6, 2), 2),
        ("Gunmen attacked the village during the week of 25 May.", date(2020, 5, 27), 2),
        ("Around 3 June 2020, gunmen attacked the village.", date(2020, 6, 3), 2),
    ],
)
def test_expressions(sentence: str, expected: date, precision: int) -> None:
    resolved = resolve_event_date(sentence, FRIDAY)
    assert (resolved.day, resolved.time_precision) == (expected, precision)


@pytest.mark.parametrize(
    "sentence",
    [
        "Gunmen attacked the village.",
        "Gunmen may attack the village.",  # lower-case 'may' is a verb
        "Gunmen will attack the village next Friday.",
        "Gunmen attacked the village on June 10, 2030.",  # after publication: never an event date
        "Gunmen attacked the village 14 months after the ceasefire.",
        "Gunmen attacked the village the following day.",
    ],
)
def test_no_event_date_gives_the_publication_day_with_week_precision(sentence: str) -> None:
    assert resolve_event_date(sentence, FRIDAY) == ResolvedDate(FRIDAY, NO_DATE_PRECISION, "")


def test_never_after_publication() -> None:
    sentences = ["on Saturday", "on June 6", "on 6/6", "in July", "this week", "tonight", "on the 30th"]
    for sentence in sentences:
        assert resolve_event_date(sentence, FRIDAY).day <= FRIDAY


def test_the_expression_nearest_the_trigger_governs() -> None:
    sentence = "On Thursday, gunmen killed five people in the market, police said on Friday."
    assert resolve_event_date(sentence, FRIDAY, anchor=sentence.index("killed")).day == date(2020, 6, 4)
    assert resolve_event_date(sentence, FRIDAY, anchor=sentence.index("said")).day == date(2020, 6, 5)
    assert resolve_event_date(sentence, FRIDAY).day == date(2020, 6, 4)  # no anchor: the first expression


def test_find_date_expressions_spans() -> None:
    sentence = "Forces took control on Thursday and entered it today, Friday, 14 months after the attack in April 2019."
    assert [text for _, _, text in find_date_expressions(sentence)] == ["Thursday", "today, Friday", "April 2019"]
    for start, end, text in find_date_expressions(sentence):
        assert sentence[start:end] == text


def test_background_threshold() -> None:
    just_inside = ResolvedDate(date(2020, 5, 6), 1, "6 May")
    just_outside = ResolvedDate(date(2020, 5, 5), 1, "5 May")
    assert (FRIDAY - just_inside.day).days == BACKGROUND_AFTER_DAYS
    assert not is_background(just_inside, FRIDAY)
    assert is_background(just_outside, FRIDAY)
