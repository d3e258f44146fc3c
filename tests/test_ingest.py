"""Stage 1: the input contract, page furniture, and bad lines becoming quarantine records."""

from __future__ import annotations

from datetime import date

from extractor.ingest import read_articles, strip_page_furniture
from extractor.records import Article, Quarantined

from .conftest import write_jsonl


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


def test_bad_lines_are_quarantined_with_file_line_and_reason(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(
        '{"id": "ok", "text": "Fine.", "published": "2020-06-05"}\n'
        '{not json\n'
        '{"id": 7, "text": "x", "published": "2020-06-05"}\n'
        '{"id": "nodate", "text": "x"}\n'
        '{"id": "baddate", "text": "x", "published": "5 June"}\n'
        '{"id": "empty", "text": "   ", "published": "2020-06-05"}\n'
        '{"id": "future", "text": "x", "published": "2999-01-01"}\n'
        '{"id": "old", "text": "x", "published": "1850-01-01"}\n'
        '{"id": "ok", "text": "Different.", "published": "2020-06-05"}\n', encoding="utf-8")
    records = list(read_articles(path))
    good = [r for r in records if isinstance(r, Article)]
    bad = [r for r in records if isinstance(r, Quarantined)]
    assert [a.id for a in good] == ["ok"]
    assert [q.line_no for q in bad] == [2, 3, 4, 5, 6, 7, 8, 9]
    assert all(q.input_file == "bad.jsonl" and q.stage == "ingest" and q.reason for q in bad)
    reasons = [q.reason for q in bad]
    assert "not valid JSON" in reasons[0]
    assert "id" in reasons[1]
    assert "published" in reasons[2] and "ISO date" in reasons[3]
    assert "empty" in reasons[4]
    assert "future" in reasons[5] and "1900" in reasons[6]
    assert reasons[7] == "duplicate `id` with different text"


def test_invalid_utf8_line_is_quarantined(tmp_path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes('{"id": "a", "text": "caf\xe9", "published": "2020-06-05"}\n'.encode("latin-1"))
    [record] = list(read_articles(path))
    assert isinstance(record, Quarantined) and "UTF-8" in record.reason


def test_directory_input_reads_jsonl_files_in_name_order(tmp_path):
    write_jsonl(tmp_path / "b.jsonl", [{"id": "b", "text": "B.", "published": "2020-01-02"}])
    write_jsonl(tmp_path / "a.jsonl", [{"id": "a", "text": "A.", "published": "2020-01-01"}])
    (tmp_path / "notes.txt").write_text("ignored")
    assert [r.id for r in read_articles(tmp_path)] == ["a", "b"]
