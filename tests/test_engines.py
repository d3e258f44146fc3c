"""Speed without change: extraction in this process, in local worker processes and on a Dask cluster publishes
the same files, and the memoized attribute rules annotate exactly as spaCy's attribute ruler.

The corpus is the bundled one plus a few hundred short articles recombined from its sentences
(`benchmark.scale_corpus`, without the dev data, so the test needs nothing outside the repository). Partitions are
small so that every engine spreads the corpus over many tasks.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from extractor.benchmark import scale_corpus
from extractor.engines import WARM_UP_ARTICLE, DaskEngine, LocalEngine, run_partition
from extractor.pipeline import run

from .conftest import CORPUS

GENERATED_ARTICLES = 200
GENERATED_WORDS = 60
PARTITION_DOCS = 16
PUBLISHED_FILES = ("events.parquet", "events.csv", "mentions.parquet", "mentions.csv", "quarantine.parquet",
                   "quarantine.csv", "deleted.parquet", "deleted.csv", "DATASHEET.md")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    shutil.copy(CORPUS, folder / CORPUS.name)
    lines = [json.dumps({"id": a.id, "text": a.text, "published": a.published.isoformat(), "source": a.source})
             for a in scale_corpus(GENERATED_ARTICLES, seed=7, dev_data=None, article_words=GENERATED_WORDS)]
    (folder / "generated.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def in_process(corpus, tmp_path_factory):
    """The reference release: everything extracted in this process."""
    output = tmp_path_factory.mktemp("in_process") / "output"
    result = run(corpus, output, output.parent / "cache.sqlite", LocalEngine(1, partition_docs=PARTITION_DOCS))
    return result, output


def run_from_reference(engine, reference: Path, corpus: Path, folder: Path):
    """A run on `engine` whose previous release is the reference, with an empty cache: it extracts everything,
    and an unchanged row keeps the reference's timestamp, so identical extraction gives identical bytes."""
    output = folder / "output"
    shutil.copytree(reference, output)
    return run(corpus, output, folder / "cache.sqlite", engine), output


def assert_same_release(output: Path, reference: Path) -> None:
    for name in PUBLISHED_FILES:
        assert (output / name).read_bytes() == (reference / name).read_bytes(), name


def test_reference_release_has_events_from_generated_articles(in_process):
    result, _ = in_process
    assert result.report["docs_processed"] == GENERATED_ARTICLES + 5
    assert result.mentions["doc_id"].str.starts_with("scale-").sum() > 0
    workers = result.report["engine"]["workers"]
    assert [w["documents"] for w in workers] == [GENERATED_ARTICLES + 5]


def test_local_processes_publish_the_same_files(in_process, corpus, tmp_path):
    _, reference = in_process
    result, output = run_from_reference(LocalEngine(2, partition_docs=PARTITION_DOCS), reference, corpus, tmp_path)
    assert_same_release(output, reference)
    assert result.report["events_added"] == result.report["events_updated"] == 0
    engine = result.report["engine"]
    assert engine["name"] == "local" and engine["processes"] == 2
    assert len(engine["workers"]) == 2  # both workers took partitions
    assert sum(w["documents"] for w in engine["workers"]) == result.report["docs_processed"]


def test_dask_cluster_publishes_the_same_files(in_process, corpus, tmp_path):
    from distributed import Client, LocalCluster

    _, reference = in_process
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        engine = DaskEngine(client=client, partition_docs=PARTITION_DOCS)
        result, output = run_from_reference(engine, reference, corpus, tmp_path)
    assert_same_release(output, reference)
    report = json.loads((output / "run.json").read_text(encoding="utf-8"))["engine"]
    assert report["name"] == "dask"
    (worker,) = report["workers"]
    assert worker["documents"] == GENERATED_ARTICLES + 5
    assert worker["partitions"] == -(-(GENERATED_ARTICLES + 5) // PARTITION_DOCS)
    assert worker["busy_seconds"] > 0 and worker["peak_rss_mb"] > 100


def test_command_line_on_a_dask_scheduler_publishes_the_same_files(in_process, corpus, tmp_path):
    """`extractor run --engine dask --scheduler ADDRESS` from another process, on a cluster of two worker
    processes, as an operator runs it against a cluster's scheduler."""
    from distributed import LocalCluster

    _, reference = in_process
    output = tmp_path / "output"
    shutil.copytree(reference, output)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        completed = subprocess.run(
            [sys.executable, "-m", "extractor", "run", "--input", str(corpus), "--output", str(output),
             "--cache", str(tmp_path / "cache.sqlite"), "--engine", "dask", "--scheduler", cluster.scheduler_address],
            capture_output=True, text=True, env=os.environ | {"OPENBLAS_NUM_THREADS": "1"})
    assert completed.returncode == 0, completed.stderr
    assert_same_release(output, reference)
    report = json.loads((output / "run.json").read_text(encoding="utf-8"))["engine"]
    assert report["name"] == "dask" and report["scheduler"] == cluster.scheduler_address
    assert len(report["workers"]) == 2 and all(w["cpu_seconds"] > 0 for w in report["workers"])


def test_memoized_attribute_rules_match_exactly_as_the_attribute_ruler(nlp, seed_articles):
    from spacy.pipeline import AttributeRuler

    ruler = nlp.get_pipe("attribute_ruler")
    texts = [a["text"] for a in seed_articles.values()]
    texts += [a.text for a in scale_corpus(50, seed=3, dev_data=None)]
    texts += ["Y'all ain't gonna believe it: c'mon, let's go, I'd've got ta see 'em.", "There were clashes \n\n "]
    for doc in nlp.pipe(texts):
        assert ruler.match(doc) == AttributeRuler.match(ruler, doc)
    assert ruler.match.memo  # the memo is in use


def test_one_partition_runs_in_this_process():
    """Starting workers for a handful of documents would cost more than it saves."""
    engine = LocalEngine(2, partition_docs=PARTITION_DOCS)
    results = list(engine.map_partitions(lambda articles: [a.id for a in articles],
                                         scale_corpus(3, dev_data=None, article_words=10)))
    assert results == ["scale-0-0000000", "scale-0-0000001", "scale-0-0000002"]
    assert engine.pool is None and not engine.started


def ids_or_exit(articles: list) -> list[str]:
    """A task whose worker process dies on any real article (not on the engine's warm-up article)."""
    if any(a.id != WARM_UP_ARTICLE.id for a in articles):
        os._exit(1)
    return [a.id for a in articles]


def test_a_worker_process_that_dies_stops_the_run_with_an_error():
    """An operator's scheduled run fails with a message rather than waiting for the dead worker forever."""
    with LocalEngine(2, partition_docs=1) as engine, pytest.raises(RuntimeError, match="worker process died"):
        list(engine.map_partitions(ids_or_exit, scale_corpus(4, dev_data=None, article_words=10)))


def test_a_result_from_another_version_of_the_extractor_stops_the_run():
    engine = LocalEngine(1)
    run = run_partition(len, [])
    assert engine._account(run) == 0
    with pytest.raises(RuntimeError, match="another version of the extractor"):
        engine._account(dataclasses.replace(run, fingerprint="0" * 64))


def test_benchmark_measures_both_pipelines_over_the_same_documents():
    from extractor.benchmark import measure

    bare, full = (measure(pipeline, 1, 6, seed=0, warm_up_docs=2) for pipeline in ("bare", "full"))
    assert bare["docs"] == full["docs"] == 6
    assert bare["words"] == full["words"] >= 6 * 400
    assert full["cpu_seconds"] > 0 and full["words_per_cpu_second"] > 0


def test_benchmark_profile_times_every_stage_of_both_pipelines(nlp):
    from extractor.benchmark import bare_model, profile_markdown, stage_profile

    profile = stage_profile(3, warm_up_docs=1)
    seconds = profile["cpu_seconds"]
    assert list(seconds["bare"]) == ["tokenizer", *bare_model().pipe_names]
    assert list(seconds["full"]) == ["tokenizer", *nlp.pipe_names, "detection and resolution"]
    assert sum(seconds["full"].values()) > 0 and sum(seconds["bare"].values()) > 0
    table = profile_markdown(profile)
    assert all(f"| {stage} |" in table for stage in seconds["full"])
