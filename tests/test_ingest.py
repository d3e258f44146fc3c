"""Stage 1: the input contract, cleaning that keeps offsets, and bad lines becoming quarantine records."""

from __future__ import annotations

import json
import time
from datetime import date, timedelta

import pytest

from extractor.config import MAX_ARTICLE_CHARS, MAX_FIELD_CHARS, MAX_ID_CHARS
from extractor.ingest import clean_text, input_files, parse_line, read_articles, strip_markup, \
    strip_page_furniture
from extractor.records import Article, Quarantined

from .conftest import write_jsonl

ENGLISH = "Government forces retook the town of Tarhuna on Friday after heavy fighting with the militia."


def line(**fields) -> str:
    return json.dumps({"id": "a", "text": ENGLISH, "published": "2020-06-05", **fields})


def reason_of(raw: str) -> str:
    record = parse_line(raw, "f.jsonl", 3)
    assert isinstance(record, Quarantined), record
    assert (record.stage, record.input_file, record.line_no) == ("ingest", "f.jsonl", 3)
    return record.reason


def test_page_furniture_is_blanked_and_offsets_kept():
    text = ("Home / news / Libya … headline\n\nReal first sentence.\n\nSource link\n\nLeave a Reply\nName *\nEmail")
    cleaned = strip_page_furniture(text)
    assert len(cleaned) == len(text)
    assert "Home" not in cleaned and "Source link" not in cleaned and "Leave a Reply" not in cleaned
    assert "Email" not in cleaned
    start = text.index("Real first sentence.")
    assert cleaned[start:start + 20] == "Real first sentence."


def test_popular_posts_tail_is_not_content(seed_articles):
    telegraph = seed_articles["004_0cde316fb2f254b5"]["text"]
    cleaned = strip_page_furniture(telegraph)
    assert "Popular posts" not in cleaned and "FATF" not in cleaned
    assert "Human Rights Watch" in cleaned


def test_valid_article_keeps_id_and_fields(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [{"id": " keep me ", "text": "Text.", "published": "2020-06-05",
                                               "source": "Al Jazeera", "title": "T"}])
    [article] = list(read_articles(path))
    assert isinstance(article, Article)
    assert article.id == " keep me " and article.published == date(2020, 6, 5) and article.source == "Al Jazeera"


@pytest.mark.parametrize("raw, reason", [
    ('{not json', "not valid JSON: Expecting property name enclosed in double quotes at column 2"),
    ('{"id": "a", "text": "x",', "not valid JSON: Expecting property name enclosed in double quotes at column 25"),
    ("[" * 100_000 + "]" * 100_000, "not valid JSON: nested too deeply"),
    ('[{"id": "a"}]', "line is an array, not a JSON object"),
    ("42", "line is a number, not a JSON object"),
    ('"text"', "line is a string, not a JSON object"),
    ("null", "line is null, not a JSON object"),
    (json.dumps({"text": ENGLISH, "published": "2020-06-05"}), "missing `id`"),
    (line(id=7), "`id` is a number, not a string"),
    (line(id=["a"]), "`id` is an array, not a string"),
    (line(id="  "), "empty `id`"),
    (line(id="x" * (MAX_ID_CHARS + 1)), f"`id` is longer than {MAX_ID_CHARS} characters"),
    (line(id="a\x00b"), "`id` contains control characters or invalid Unicode"),
    (line(id="a\ud800"), "`id` contains control characters or invalid Unicode"),
    (line(id="two\nlines"), "`id` contains control characters or invalid Unicode"),
    (json.dumps({"id": "a", "published": "2020-06-05"}), "missing `text`"),
    (line(text={"body": ENGLISH}), "`text` is an object, not a string"),
    (line(text=""), "empty `text`"),
    (line(text=" \n\t "), "empty `text`"),
    (line(text="x" * (MAX_ARTICLE_CHARS + 1)),
     f"`text` is too long: {MAX_ARTICLE_CHARS + 1:,} characters (the limit is {MAX_ARTICLE_CHARS:,})"),
    (json.dumps({"id": "a", "text": ENGLISH}), "missing `published`"),
    (line(published=20200605), "`published` is a number, not a string"),
    (line(published="5 June"), "`published` is not an ISO date: '5 June'"),
    (line(published="2020-06-31"), "`published` is not an ISO date: '2020-06-31'"),
    (line(published="1850-01-01"), "`published` 1850-01-01 is before 1900"),
    (line(published="2999-01-01"), "`published` 2999-01-01 is in the future"),
    (line(source=["Reuters"]), "`source` is an array, not a string"),
    (line(title="t" * (MAX_FIELD_CHARS + 1)), f"`title` is longer than {MAX_FIELD_CHARS:,} characters"),
    (line(text="<div><script>var x = 1;</script><!-- nav --></div>"),
     "no text left after removing markup, page furniture and control characters"),
])
def test_each_contract_breach_is_quarantined_with_a_plain_reason(raw, reason):
    assert reason_of(raw) == reason


def test_quarantine_keeps_the_id_when_known_and_makes_it_printable():
    assert parse_line(line(published="soon"), "f.jsonl", 1).doc_id == "a"
    assert parse_line(line(id="a\x00b"), "f.jsonl", 1).doc_id == "a\ufffdb"
    assert len(parse_line(line(id="x" * 10_000), "f.jsonl", 1).doc_id) == MAX_ID_CHARS
    assert parse_line("{bad", "f.jsonl", 1).doc_id == ""


def test_published_accepts_iso_dates_and_times_and_a_day_of_time_zone_slack():
    for value in ("2020-06-05", "2020-06-05T14:30:00Z", "2020-06-05 14:30:00+02:00", " 2020-06-05 "):
        assert parse_line(line(published=value), "f.jsonl", 1).published == date(2020, 6, 5)
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    assert isinstance(parse_line(line(published=tomorrow), "f.jsonl", 1), Article)


def test_optional_fields_are_cleaned_of_control_characters():
    article = parse_line(line(source=" Al\x00Jazeera\r\n ", title=None), "f.jsonl", 1)
    assert article.source == "Al Jazeera" and article.title == ""


def test_html_is_stripped_to_text_of_the_same_length():
    raw = ('<html><head><title>Libya</title><style>p {color: red}</style></head><body>'
           '<p class="lead">GNA forces retook <a href="/t">Tarhuna</a> on Friday.</p>'
           '<script>track("x < y")</script><p>Haftar&#8217;s forces withdrew &amp; regrouped.</p></body></html>')
    text = strip_markup(raw)
    assert len(text) == len(raw)
    assert "<" not in text and "track" not in text and "color" not in text and "&amp;" not in text
    assert " ".join(text.split()) == "Libya GNA forces retook Tarhuna on Friday. Haftar’ s forces withdrew & regrouped."
    start = raw.index("GNA forces")
    assert text[start:start + 17] == "GNA forces retook"
    assert "\n" in text[text.index("Friday."):text.index("Haftar")]  # a paragraph ends a sentence


@pytest.mark.parametrize("unit", ["\n", " \n", "<!--", "<script>", "<style x", "<a ", "&#", "Home\n"])
def test_cleaning_stays_linear_on_adversarial_text(unit):
    """Patterns that backtrack over what follows each line or tag start took hours on texts like these."""
    text = "</p>" + unit * (MAX_ARTICLE_CHARS // len(unit) - 4)
    started = time.monotonic()
    assert len(clean_text(text)) == len(text)
    assert time.monotonic() - started < 5


def test_unclosed_comments_and_scripts_run_to_the_end_as_in_a_browser():
    assert strip_markup("<p>Body</p><script>var a = 1; never closed").strip() == "Body"
    assert strip_markup("</p>Text <!-- a comment left open").strip() == "Text"


def test_text_that_is_not_markup_is_left_alone():
    text = "Casualties rose <10% in 2020 & 2021; AT&T said x<y and y>z."
    assert strip_markup(text) == text


def test_control_characters_become_spaces_keeping_offsets():
    raw = "Rebels\x00attacked\x1bthe\x7ftown\r\nof Sirte\u0085on\ufffdFriday\ud800.\tEnd"
    cleaned = clean_text(raw)
    assert len(cleaned) == len(raw)
    assert cleaned == "Rebels attacked the town \nof Sirte on Friday .\tEnd"


def test_mostly_binary_text_is_quarantined():
    junk = "".join(chr(i % 32) for i in range(2000)) + "some words here"
    assert reason_of(line(text=junk)).startswith("binary or garbled `text`: ")
    assert "% of its characters are control characters or invalid Unicode" in reason_of(line(text=junk))
    some_noise = ENGLISH + "\x00\x01\x02"  # a few stray control characters: cleaned, not rejected
    assert isinstance(parse_line(line(text=some_noise), "f.jsonl", 1), Article)


def test_non_english_articles_are_quarantined_as_unsupported():
    french = ("Les forces du gouvernement d'union nationale ont repris vendredi le contrôle de Tarhouna, "
              "dernier bastion du maréchal Haftar dans l'ouest de la Libye.")
    arabic = "استعادت قوات حكومة الوفاق الوطني يوم الجمعة السيطرة على مدينة ترهونة، آخر معاقل حفتر في غرب ليبيا."
    assert reason_of(line(text=french)) == "unsupported language: fr"
    assert reason_of(line(text=arabic)) == "unsupported language: ar"
    # the text decides when it can; a declared language only when the text is too short to judge
    assert isinstance(parse_line(line(language="fr"), "f.jsonl", 1), Article)
    assert reason_of(line(text="Tarhuna, vendredi.", language="fr-FR")) == \
        "unsupported language: fr (declared in `language`)"
    for declared in ("en", "EN-gb", "en_US", "eng", "English", ""):
        assert isinstance(parse_line(line(text="Clashes in Tripoli.", language=declared), "f.jsonl", 1), Article)


def test_short_english_texts_are_never_rejected_for_language():
    for text in ("Fine.", "A.", "Clashes in Tripoli.", "Houthi drone strike on Marib", "Ankara",
                 "Follow us on social media for live updates.", "12 killed", "Mr. Haftar's LNA; UAE; GNA; HTS."):
        assert isinstance(parse_line(line(text=text), "f.jsonl", 1), Article), text


def test_bad_lines_are_quarantined_with_file_line_and_reason(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(
        '{"id": "ok", "text": "Fine.", "published": "2020-06-05"}\n'
        '{not json\n'
        '\n'
        '   \n'
        '{"id": "ok", "text": "Different.", "published": "2020-06-05"}\n'
        '{"id": "ok", "text": "Fine.", "published": "2020-06-06"}\n', encoding="utf-8")
    records = list(read_articles(path))
    assert [(type(r).__name__, r.line_no) for r in records] == [
        ("Article", 1), ("Quarantined", 2), ("Quarantined", 5), ("Quarantined", 6)]
    assert [r.reason for r in records[1:]] == [
        "not valid JSON: Expecting property name enclosed in double quotes at column 2",
        "duplicate `id` with different text", "duplicate `id` with identical text"]
    assert [(r.input_file, r.doc_id) for r in records[1:]] == [("bad.jsonl", ""), ("bad.jsonl", "ok"), ("bad.jsonl", "ok")]


def test_invalid_utf8_line_is_quarantined(tmp_path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes('{"id": "a", "text": "caf\xe9", "published": "2020-06-05"}\n'.encode("latin-1"))
    [record] = list(read_articles(path))
    assert isinstance(record, Quarantined) and record.reason == "not valid UTF-8 (byte 25 of the line)"


def test_a_file_entirely_in_latin1_gives_one_record_per_line(tmp_path):
    path = tmp_path / "latin1.jsonl"
    rows = [json.dumps({"id": f"d{i}", "text": "Café crème à Tripoli.", "published": "2020-06-05"},
                       ensure_ascii=False) for i in range(3)]
    path.write_bytes("\n".join(rows).encode("latin-1"))
    records = list(read_articles(path))
    assert [(r.line_no, r.reason.startswith("not valid UTF-8")) for r in records] == [(1, True), (2, True), (3, True)]


def test_utf16_file_is_one_quarantine_record(tmp_path):
    path = tmp_path / "utf16.jsonl"
    path.write_text(line() + "\n" + line(id="b") + "\n", encoding="utf-16")
    [record] = list(read_articles(path))
    assert record.reason == "file is UTF-16 or UTF-32 (it starts with a byte-order mark), not UTF-8"
    assert (record.input_file, record.line_no) == ("utf16.jsonl", 0)


def test_utf8_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.jsonl"
    path.write_text("\ufeff" + line() + "\n", encoding="utf-8")
    assert [type(r) for r in read_articles(path)] == [Article]


def test_random_bytes_line_is_quarantined(tmp_path):
    path = tmp_path / "junk.jsonl"
    path.write_bytes(bytes(b for b in range(256) if b != 10) + b"\n" + line().encode() + b"\n")
    records = list(read_articles(path))
    assert isinstance(records[0], Quarantined) and records[0].reason.startswith("not valid UTF-8")
    assert isinstance(records[1], Article)


def test_a_huge_line_is_skipped_without_reading_it_whole(tmp_path, monkeypatch):
    monkeypatch.setattr("extractor.ingest.MAX_LINE_BYTES", 1000)
    path = tmp_path / "huge.jsonl"
    path.write_text(line(text="x" * 5000) + "\n" + line(id="b") + "\n", encoding="utf-8")
    records = list(read_articles(path))
    assert [(type(r).__name__, r.line_no) for r in records] == [("Quarantined", 1), ("Article", 2)]
    assert records[0].reason == "line is longer than 1,000 bytes"


def test_unreadable_file_is_quarantined_and_the_rest_still_read(tmp_path):
    write_jsonl(tmp_path / "b.jsonl", [{"id": "b", "text": "B.", "published": "2020-01-02"}])
    (tmp_path / "a.jsonl").symlink_to(tmp_path / "missing")
    records = list(read_articles(tmp_path))
    assert isinstance(records[0], Quarantined)
    assert (records[0].input_file, records[0].reason) == ("a.jsonl", "cannot read the file: No such file or directory")
    assert records[1].id == "b"


def test_missing_input_or_a_directory_without_jsonl_fails(tmp_path):
    with pytest.raises(FileNotFoundError, match="input not found"):
        input_files(tmp_path / "nope.jsonl")
    (tmp_path / "notes.txt").write_text("not input")
    with pytest.raises(FileNotFoundError, match=r"no \*\.jsonl files in"):
        input_files(tmp_path)


def test_directory_input_reads_jsonl_files_in_name_order(tmp_path):
    write_jsonl(tmp_path / "b.jsonl", [{"id": "b", "text": "B.", "published": "2020-01-02"}])
    write_jsonl(tmp_path / "a.jsonl", [{"id": "a", "text": "A.", "published": "2020-01-01"}])
    (tmp_path / "notes.txt").write_text("ignored")
    assert [r.id for r in read_articles(tmp_path)] == ["a", "b"]


def test_every_seed_article_passes_ingest_unchanged_in_length(seed_articles, tmp_path):
    path = write_jsonl(tmp_path / "seeds.jsonl", list(seed_articles.values()))
    articles = list(read_articles(path))
    assert all(isinstance(a, Article) for a in articles) and len(articles) == len(seed_articles)
    assert all(len(a.text) == len(seed_articles[a.id]["text"]) for a in articles)
