"""Command line: `extractor run | train | evaluate | benchmark` (also `python -m extractor`).

Exit codes, for cron and systemd (README: "Scheduled regeneration"):
  0  success: the new release is published
  1  failed: nothing new was published; the previous release is intact
  2  bad command line
  3  published, but some input documents or event rows were quarantined (see output/quarantine.csv)
  4  not run: another run holds the output's lock (it exits at once rather than wait)
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from .config import DEFAULT_ENGINE, DEFAULT_INPUT, DEFAULT_OUTPUT, ENGINES, EXTRACTION_MODES
from .train import add_train_arguments, train_from_args

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_QUARANTINED = 3
EXIT_LOCKED = 4


def _run(args: argparse.Namespace) -> int:
    from .engines import make_engine
    from .pipeline import run
    from .publish import RunLocked

    try:
        result = run(args.input, args.output, args.cache, make_engine(args.engine, args.processes, args.scheduler))
    except RunLocked as err:
        print(f"extractor run: {err}", file=sys.stderr)
        return EXIT_LOCKED
    report = result.report
    print(f"{report['events']} events ({report['events_added']} added, {report['events_updated']} updated, "
          f"{report['events_deleted']} deleted), {report['mentions']} mentions; {report['docs_processed']} of "
          f"{report['docs_seen']} documents extracted, {report['docs_cached']} from cache, in "
          f"{report['duration_seconds']}s -> {args.output}")
    if report["docs_quarantined"] or report["events_quarantined"]:
        print(f"{report['docs_quarantined']} documents and {report['events_quarantined']} event rows quarantined: "
              f"see {Path(args.output) / 'quarantine.csv'}")
        return EXIT_QUARANTINED
    return EXIT_OK


def _evaluate(args: argparse.Namespace) -> int:
    from .evaluate import main as evaluate_main

    return evaluate_main(args.gold, args.out, args.mode, args.limit, args.holdout_only)


def _benchmark(args: argparse.Namespace) -> int:
    from .benchmark import main as benchmark_main

    return benchmark_main(args.benchmark_args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="extractor", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="extract, validate and publish events from a corpus")
    run.add_argument("--input", type=Path, default=DEFAULT_INPUT,
                     help="a JSONL file or a directory of *.jsonl files (default: the bundled corpus)")
    run.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="output directory (default: output/)")
    run.add_argument("--cache", type=Path, help="results cache file (default: <output>/../.cache/<output "
                     "name>/results.sqlite); delete it to extract everything again")
    run.add_argument("--engine", choices=ENGINES, default=DEFAULT_ENGINE,
                     help="where extraction runs: local processes or a Dask cluster (default: local)")
    run.add_argument("--processes", type=int, help="local: worker processes (default: one per core); dask without "
                     "--scheduler: workers of the local cluster")
    run.add_argument("--scheduler", help="dask: the scheduler's address, e.g. tcp://host:8786 (default: start a "
                     "local cluster)")
    run.set_defaults(handler=_run)
    train = commands.add_parser("train", help="train the event classifier from an ACLED export with notes")
    add_train_arguments(train)
    train.set_defaults(handler=train_from_args)
    evaluate = commands.add_parser("evaluate", help="measure the pipeline against ACLED-coded gold rows")
    evaluate.add_argument("--gold", type=Path, required=True, help="ACLED CSV: each row's notes is an article "
                          "published on its event_date")
    evaluate.add_argument("--out", type=Path, help="write the report as JSON here")
    evaluate.add_argument("--mode", action="append", choices=EXTRACTION_MODES,
                          help="rules, model or combined (repeat to compare; default: combined)")
    evaluate.add_argument("--limit", type=int, help="evaluate only the first N usable rows")
    evaluate.add_argument("--holdout-only", action="store_true",
                          help="only rows in the default model's held-out split (see the model card)")
    evaluate.set_defaults(handler=_evaluate)
    benchmark = commands.add_parser("benchmark", add_help=False,  # its options are its own: extractor/benchmark.py
                                    help="throughput of the extraction against the bare spaCy model (--help)")
    benchmark.set_defaults(handler=_benchmark)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr)
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "benchmark":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.command == "run" and args.scheduler and args.engine != "dask":
        parser.error("--scheduler needs --engine dask")
    args.benchmark_args = extra
    if args.command == "evaluate" and not args.mode:
        args.mode = ["combined"]
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        print("interrupted; the previously published files are unchanged", file=sys.stderr)
        return EXIT_FAILED
    except (OSError, RuntimeError, ValueError) as err:
        print(f"extractor {args.command} failed: {err}", file=sys.stderr)
        return EXIT_FAILED
