"""Detection, actor normalisation, place resolution and assembly, each on real spaCy parses."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from extractor.actors import ActorDictionary
from extractor.assemble import assemble_events, event_id
from extractor.detect import detect_events
from extractor.geo import Gazetteer
from extractor.records import Actor, Article
from extractor.resolve import document_context, resolve_detection


def candidates(nlp, text: str, published: date = date(2020, 6, 5), doc_id: str = "t", source: str = "Test"):
    article = Article(id=doc_id, text=text, published=published, source=source)
    doc = nlp(text)
    gazetteer, dictionary = Gazetteer.load(), ActorDictionary.load()
    context = document_context(doc, gazetteer)
    return [resolve_detection(d, article, context, gazetteer, dictionary) for d in detect_events(doc)]


def detected_types(nlp, text: str) -> list[str]:
    return [d.sub_event_type for d in detect_events(nlp(text))]


@pytest.mark.parametrize("text", [
    "Haftar called on his forces to target Turkish forces operating in Libya.",
    "The militia threatened to attack Tripoli if talks failed.",
    "Police did not arrest anyone and no one was killed in Misrata.",
    "Turkish drones had a prominent role in destroying the air defence systems.",
    "The GNA regained the airport after fierce battles last year.",
    "Those fighting in Tripoli should halt using landmines.",
    "Any use of internationally banned landmines is unconscionable, said the director of the International Campaign to Ban Landmines.",
    "Forces entered the district without violent clashes.",
    "Erdogan met al-Sarraj in Ankara on Thursday to discuss the ceasefire.",
])
def test_non_events_are_not_detected(nlp, text):
    found = [d for d in detect_events(nlp(text)) if d.sub_event_type != "territory"]
    assert found == []


@pytest.mark.parametrize("text,expected", [
    ("Emirati planes bombed the city of Tarhuna.", "Air/drone strike"),
    ("GNA troops on Thursday recaptured the city's international airport.", "territory"),
    ("Gunmen shot dead three farmers near Maiduguri on Monday.", "Attack"),
    ("Hundreds of students protested in Nairobi against fee increases.", "Peaceful protest"),
    ("The committee completed the first prisoner exchange between the two sides.", "Agreement"),
    ("A roadside bomb exploded near a police convoy in Kandahar.", "Remote explosive/landmine/IED"),
])
def test_reported_events_are_detected(nlp, text, expected):
    assert expected in detected_types(nlp, text)


def test_actor_normalisation_of_libyan_names(nlp):
    [event] = candidates(nlp, "Al-Wefaq government forces recaptured Tarhuna from Haftar's militia on Friday.")
    assert event.actor1 == Actor("Military Forces of Libya (2016-) Government of National Accord", 1)
    assert event.actor2.name == "Military Forces of Libya (2014-) Haftar Faction" and event.actor2.inter == 1
    assert event.sub_event_type == "Government regains territory"
    assert event.event_date.day == date(2020, 6, 5) and event.event_date.time_precision == 1


def test_foreign_state_forces_are_external_and_named_for_the_date(nlp):
    [event] = candidates(nlp, "Emirati planes bombed the city of Tarhuna in Libya.")
    assert event.actor1 == Actor("Military Forces of the United Arab Emirates (2004-2022)", 8)


def test_dictionary_names_follow_the_period_of_the_event():
    dictionary = ActorDictionary.load()
    assert dictionary.named_actor("ly_gna", date(2022, 1, 1), "LY").name.startswith(
        "Military Forces of Libya (2021-) Government of National Unity")
    assert dictionary.state_force_name("Police", "Kenya", date(2010, 5, 1)) == "Police Forces of Kenya (2002-2013)"
    assert dictionary.state_force_name("Police", "Kenya", date(2020, 5, 1)) == "Police Forces of Kenya (2013-)"


def test_unnamed_attackers_become_an_unidentified_armed_group(nlp):
    [event] = candidates(nlp, "Unknown assailants killed two civilians in Sirte, Libya, yesterday.")
    assert event.actor1.name == "Unidentified Armed Group (Libya)" and event.actor1.inter == 3
    assert event.actor2.name == "Civilians (Libya)" and event.civilian_targeting
    assert event.fatalities == 2 and event.event_date.day == date(2020, 6, 4)


def test_place_resolution_uses_the_article_country_for_tripoli(nlp):
    [libya] = candidates(nlp, "Libyan forces clashed with militiamen in Tripoli on Thursday. Libya's capital was calm.")
    assert (libya.place.country, libya.place.admin1) == ("Libya", "Tripoli")
    [lebanon] = candidates(nlp, "Lebanese soldiers clashed with gunmen in Tripoli on Thursday, Lebanon's army said.")
    assert lebanon.place.country == "Lebanon" and abs(lebanon.place.latitude - 34.43) < 0.1


def test_place_in_a_continuing_sentence(nlp):
    text = ("A source said the committee completed, on Friday, the first prisoner exchange between the forces of "
            "the Accord Government and the forces of Khalifa Haftar.\n\nThe operation included 15 prisoners in "
            "the Shwerf area (southwest of Tripoli).")
    [event] = candidates(nlp, text, published=date(2020, 12, 26))
    assert event.place.location == "Ash Shwayrif" and event.event_date.day == date(2020, 12, 25)
    assert {event.actor1.name, event.actor2.name} == {
        "Military Forces of Libya (2016-) Government of National Accord",
        "Military Forces of Libya (2014-) Haftar Faction"}


def test_same_event_in_two_articles_is_one_event_with_a_stable_id(nlp):
    text = "GNA forces recaptured Tarhuna from Haftar forces on Thursday."
    first = candidates(nlp, text, published=date(2020, 6, 5), doc_id="a", source="Al Jazeera")
    second = candidates(nlp, "On Thursday, GNA forces retook Tarhuna from Haftar forces.", published=date(2020, 6, 6),
                        doc_id="b", source="Reuters")
    events = assemble_events(first + second)
    assert len(events) == 1 and len(events[0].candidates) == 2
    reordered = assemble_events(second + first)
    assert event_id(events[0], "LBY") == event_id(reordered[0], "LBY")
    assert event_id(events[0], "LBY").startswith("LBY")


def test_different_days_or_places_are_different_events(nlp):
    [tarhuna] = candidates(nlp, "GNA forces recaptured Tarhuna from Haftar forces on Thursday.")
    moved = replace(tarhuna, place=Gazetteer.load().resolve("Bani Walid", "LY"))
    earlier = replace(tarhuna, event_date=replace(tarhuna.event_date, day=date(2020, 6, 3)))
    assert len(assemble_events([tarhuna, moved, earlier])) == 3


def test_undated_repetition_merges_into_the_dated_event(nlp):
    text = ("GNA forces recaptured Tarhuna from Haftar forces on Thursday. "
            "Residents said GNA forces recaptured Tarhuna from Haftar forces after a short battle.")
    found = candidates(nlp, text, published=date(2020, 6, 6))
    assert len(found) == 2
    [event] = assemble_events(found)
    assert event.lead.event_date.day == date(2020, 6, 4)


def test_background_references_are_quarantined_with_the_reason(nlp):
    [outcome] = candidates(nlp, "Haftar launched an assault on Tripoli in April 2019.", published=date(2020, 6, 5))
    assert outcome.stage == "resolve" and "background" in outcome.reason
