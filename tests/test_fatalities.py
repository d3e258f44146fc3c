"""Fatalities by ACLED's rules: the bundled articles' own phrases, then a table of the ways deaths are reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.fatalities import UNSPECIFIED_PLURAL, count_fatalities, is_aggregate_total

SEEDS = Path(__file__).resolve().parent.parent / "corpus" / "seeds.jsonl"
ARTICLES = {record["id"][:3]: record["text"] for record in map(json.loads, SEEDS.read_text("utf-8").splitlines())}


def test_corpus_campaign_total_is_aggregate_and_not_counted() -> None:
    sentence = "Military operations killed 162 civilians, wounded more than 500, and displaced 300,000."
    assert sentence in ARTICLES["000"]
    assert is_aggregate_total(sentence)
    assert is_aggregate_total("killed 162 civilians, wounded more than 500, and displaced 300,000")
    assert count_fatalities(sentence) == 0


def test_corpus_bodies_found_are_counted() -> None:
    phrase = "confirming that about 100 bodies had been found in Tarhuna City Hospital."
    assert phrase in ARTICLES["001"]
    assert count_fatalities(phrase) == 100
    assert not is_aggregate_total(phrase)


@pytest.mark.parametrize("article", ["002", "003", "004"])
def test_corpus_articles_without_deaths(article: str) -> None:
    assert count_fatalities(ARTICLES[article]) == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # numbers as digits and words
        ("Three soldiers were killed.", 3),
        ("Twenty-five people were killed in the attack.", 25),
        ("One hundred and twenty people died.", 120),
        ("1,200 people died in the fighting.", 1200),
        ("A dozen civilians were killed.", 12),
        ("Half a dozen villagers were killed.", 6),
        # vague quantities
        ("Tens of people were killed.", 10),
        ("Dozens were killed in the blast.", 12),
        ("Scores of people were killed.", 20),
        ("Hundreds died in the massacre.", 100),
        ("Many militants were killed.", 10),
        ("Several people were killed.", UNSPECIFIED_PLURAL),
        ("A number of people were killed.", UNSPECIFIED_PLURAL),
        ("An unknown number of soldiers were killed.", UNSPECIFIED_PLURAL),
        ("Gunmen killed civilians in the village.", UNSPECIFIED_PLURAL),
        ("People were killed when the market was shelled.", UNSPECIFIED_PLURAL),
        # death words
        ("Five people lost their lives.", 5),
        ("Two soldiers were slain.", 2),
        ("Militants massacred 30 villagers.", 30),
        ("Four prisoners were executed.", 4),
        ("Two men were shot dead.", 2),
        ("The militants beheaded three hostages.", 3),
        ("Police shot two robbers dead.", 2),
        ("A bomb exploded in the market, killing 5.", 5),
        ("The blast ripped through the bus, leaving 6 dead.", 6),
        ("Gunmen killed at least 8 people.", 8),
        ("The attack claimed the lives of 7 people.", 7),
        ("The death toll from Sunday's attack rose to 11.", 11),
        ("The bodies of 3 men were found.", 3),
        ("15 bodies were recovered from the river.", 15),
        ("Four killed in clashes.", 4),
        ("One person died and two were injured.", 1),
        # singular victims without a number
        ("A man was shot dead by unknown gunmen.", 1),
        ("The police officer was killed on Tuesday.", 1),
        ("A mob attacked the suspect and killed him.", 1),
        ("Gunmen killed a 45-year-old farmer.", 1),
        ("Attackers set the house on fire, killing his wife and three children.", 4),
        ("Militants killed a driver and his co-driver.", 2),
        # injuries are not deaths
        ("3 people were wounded.", 0),
        ("Four injured as police fired tear gas.", 0),
        ("Two hurt in the stampede.", 0),
        ("3 killed and 10 injured.", 3),
        ("Two soldiers were killed and five wounded.", 2),
        ("Gunmen killed 2 men and wounded 3 others.", 2),
        ("Soldiers fired on the crowd, killing two people and injuring another.", 2),
        ("One policeman was killed or wounded by a sniper.", 0),
        # several groups of victims add up
        ("5 soldiers and 6 militants were killed.", 11),
        ("An IED killed two soldiers and a civilian.", 3),
        ("Raiders killed three herders, two children and wounded an elderly man.", 5),
        ("Seven militants were killed. Four civilians were also killed.", 11),
        # the perpetrator of a suicide attack counts
        ("A suicide bomber blew himself up, killing himself and 5 others.", 6),
        # conflicting reports: the lowest credible figure; ranges: the lower figure
        ("Between 5 and 10 people were killed.", 5),
        ("5-10 people were killed.", 5),
        ("At least 5 people were killed, other reports say 12.", 5),
        ("At least 20 people were killed (some reports say 30).", 20),
        # a later sentence restating the toll does not add to it
        ("Gunmen killed 3 raiders. The 3 raiders were buried on Monday.", 3),
        # explicitly none
        ("There were no casualties.", 0),
        ("No deaths were reported.", 0),
        ("No one was killed in the attack.", 0),
        ("The army shelled the town. Casualties unknown.", 0),
        ("Four police officers escaped death when their vehicle hit a mine.", 0),
        # dates, ages, times and things are not victims
        ("On 12 June 2022, 3 people were killed at 9pm.", 3),
        ("Militants killed 3 soldiers 2 days ago.", 3),
        ("A captain of battalion 101 was killed.", 1),
        ("Air raids killed cattle.", 0),
        ("The farmer shot and killed five oxen.", 0),
    ],
)
def test_counts(text: str, expected: int) -> None:
    assert count_fatalities(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Residents protested over the killing of 3 students.",
        "Residents protested after a pedestrian was killed by a motorist.",
        "The man was arrested for killing two people.",
        "Police are holding a suspect accused of murdering a woman.",
        "The militia threatened to kill 20 hostages.",
        "A mob nearly killed a suspected thief.",
        "Mourners gathered for the funeral of 4 soldiers killed last week.",
        "2 herders were killed (coded separately).",
        "Students marched to demand justice for the 3 students who were killed.",
        "The article was about a death threat.",
        "Nothing happened in the village.",
    ],
)
def test_deaths_that_are_not_the_events(text: str) -> None:
    assert count_fatalities(text) == 0


@pytest.mark.parametrize(
    ("text", "aggregate"),
    [
        ("Since April 2019, 300 people have died.", True),
        ("Military operations killed 162 civilians, wounded more than 500 over 14 months.", True),
        ("Fighting over the past week killed 40 people.", True),
        ("The war has killed thousands.", True),
        ("So far this year, 1,000 people have been killed in the region.", True),
        ("The attack brought the number of people killed this month to 25.", True),
        ("The conflict displaced 300,000 people and killed 162 civilians.", True),
        ("Gunmen killed 3 people on Monday.", False),
        ("Five people were killed and 12 wounded on Sunday.", False),
        ("The death toll rose to 11.", False),
        ("Attackers killed 6 people; 2,000 people fled the village.", False),
        ("Since April 2019, the city has been under siege.", False),  # no deaths
    ],
)
def test_aggregate_totals(text: str, aggregate: bool) -> None:
    assert is_aggregate_total(text) is aggregate


def test_aggregate_figures_are_not_counted() -> None:
    assert count_fatalities("Since April 2019, 300 people have died.") == 0
    assert count_fatalities("Gunmen killed 3 people. Since January, 50 people have died in the region.") == 3
