"""Where extraction runs: in this process, in a pool of local processes, or on a Dask cluster.

An engine runs one task (a picklable function from a list of articles to a list of results, such as
`pipeline.extract_partition`) over consecutive partitions of a stream of articles and yields the results in input
order. Whatever the engine, the partitions are the same (`PARTITION_DOCS` articles) and so is the code that runs on
each, so the results, and the files published from them, are the same too.

- Memory stays flat: partitions are cut from the stream as it is read and at most `PARTITIONS_IN_FLIGHT_PER_WORKER`
  per worker are in flight, so the input is never held whole.
- Each worker loads the models once, when it starts (`warm_up`), not once per partition.
- A stream that fits in one partition runs in this process: starting workers (each loads spaCy, the classifier and
  the gazetteer index, a few seconds and ~0.7 GB) would cost more than it saves.
- Every partition reports the worker it ran on, its duration, CPU time and the worker's peak memory;
  `Engine.report()` sums them per worker for the run report. It also carries the worker's extractor fingerprint:
  a result from another version of the extractor (a Dask worker with another install) stops the run, since it
  would be cached and published as this version's.
- A worker process that dies (killed for memory, say) stops the run with an error, never a hang.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import resource
import socket
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass
from datetime import date
from functools import cache
from itertools import chain, islice
from typing import Any

from .cache import extractor_fingerprint
from .config import PARTITION_DOCS, PARTITIONS_IN_FLIGHT_PER_WORKER, WORKER_START_TIMEOUT
from .records import Article

log = logging.getLogger("extractor")

Task = Callable[[list[Article]], list]
WARM_UP_ARTICLE = Article(id="warm-up", text="Fighting was reported in the capital on Monday.",
                          published=date(2020, 1, 1))


@dataclass(frozen=True)
class PartitionRun:
    """A task's output for one partition, with where and how it ran."""

    output: list
    documents: int
    worker: str
    seconds: float
    cpu_seconds: float  # of the thread that ran the task: below `seconds` when it waited for a core
    peak_rss_mb: float
    fingerprint: str  # the worker's `cache.extractor_fingerprint`


@dataclass
class WorkerReport:
    """What one worker did in a run: the run report's `engine.workers` entries."""

    worker: str
    partitions: int = 0
    documents: int = 0
    busy_seconds: float = 0.0
    cpu_seconds: float = 0.0
    peak_rss_mb: float = 0.0


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (ru_maxrss is in KiB on Linux, in bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1 << 20 if sys.platform == "darwin" else 1 << 10), 1)


@cache
def worker_fingerprint() -> str:
    return extractor_fingerprint()


def run_partition(task: Task, partition: list[Article]) -> PartitionRun:
    """Run `task` on one partition where the engine put it, timing it."""
    started, cpu_started = time.perf_counter(), time.thread_time()
    output = task(partition)
    return PartitionRun(output, len(partition), worker_name(), time.perf_counter() - started,
                        time.thread_time() - cpu_started, peak_rss_mb(), worker_fingerprint())


def warm_up(task: Task) -> None:
    """Load what `task` needs (spaCy, classifier, gazetteer, dictionaries) by running it on one short article."""
    task([WARM_UP_ARTICLE])


def partitions(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    iterator = iter(articles)
    while partition := list(islice(iterator, size)):
        yield partition


class Engine:
    """Runs a task over partitions of a stream and keeps per-worker accounts; subclasses say where it runs."""

    name = ""

    def __init__(self, partition_docs: int = PARTITION_DOCS):
        self.partition_docs = partition_docs
        self.workers: dict[str, WorkerReport] = {}
        self.started = False
        self.slots = 1  # partitions the workers run at once

    def map_partitions(self, task: Task, articles: Iterable[Article]) -> Iterator:
        """The task's results for every article, in input order."""
        stream = partitions(articles, self.partition_docs)
        head = list(islice(stream, 2))
        if len(head) == 1 and not self.started:  # one partition: not worth starting workers
            yield from self._account(run_partition(task, head[0]))
            return
        if head:
            self.start(task)
        pending: deque = deque()
        for partition in chain(head, stream):
            pending.append(self.submit(task, partition))
            if len(pending) >= self.slots * PARTITIONS_IN_FLIGHT_PER_WORKER:
                yield from self._account(self.result(pending.popleft()))
        while pending:
            yield from self._account(self.result(pending.popleft()))

    def _account(self, run: PartitionRun) -> list:
        if run.fingerprint != worker_fingerprint():
            raise RuntimeError(f"worker {run.worker} runs another version of the extractor than this process: "
                               "install the same one on every worker")
        worker = self.workers.setdefault(run.worker, WorkerReport(run.worker))
        worker.partitions += 1
        worker.documents += run.documents
        worker.busy_seconds += run.seconds
        worker.cpu_seconds += run.cpu_seconds
        worker.peak_rss_mb = max(worker.peak_rss_mb, run.peak_rss_mb)
        return run.output

    def report(self) -> dict:
        """The engine's part of the run report: where extraction ran and what each worker did."""
        workers = [asdict(w) | {"busy_seconds": round(w.busy_seconds, 2), "cpu_seconds": round(w.cpu_seconds, 2)}
                   for w in self.workers.values()]
        return {"name": self.name, "partition_docs": self.partition_docs, **self.describe(), "workers": workers}

    def start(self, task: Task) -> None:
        """Start the workers and load the task's models in each (once; later calls do nothing)."""
        if not self.started:
            self.launch(task)
            self.started = True

    def launch(self, task: Task) -> None:
        raise NotImplementedError

    def submit(self, task: Task, partition: list[Article]) -> Any:
        """Send one partition to a worker; returns a handle for `result`."""
        raise NotImplementedError

    def result(self, handle: Any) -> PartitionRun:
        raise NotImplementedError

    def describe(self) -> dict:
        """Where the engine runs, for the report."""
        return {}

    def close(self) -> None:
        """Stop whatever the engine started."""

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class LocalEngine(Engine):
    """This machine: in this process (`processes=1`), or in a pool of worker processes started with `spawn`.

    `spawn` (not `fork`): a forked child would inherit the parent's threads' locks (polars, SQLite, tqdm) in
    whatever state they were. Each worker loads the models in its initializer; `start` waits until all have. The
    pool is a `ProcessPoolExecutor`, which fails the pending results when a worker dies (where
    `multiprocessing.Pool` would wait for them forever).
    """

    name = "local"

    def __init__(self, processes: int | None = None, partition_docs: int = PARTITION_DOCS):
        super().__init__(partition_docs)
        self.processes = processes or os.cpu_count() or 1
        self.pool: ProcessPoolExecutor | None = None

    def launch(self, task: Task) -> None:
        if self.processes == 1:
            warm_up(task)
            return
        started = time.monotonic()
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # inherited by the workers: one core each
        context = multiprocessing.get_context("spawn")
        ready = context.Semaphore(0)
        self.pool = ProcessPoolExecutor(self.processes, mp_context=context, initializer=_start_worker,
                                        initargs=(task, ready))
        # the executor starts a worker per submission, up to `processes`; a worker whose start fails fails these
        probes = [self.pool.submit(os.getpid) for _ in range(self.processes)]
        deadline, loaded = time.monotonic() + WORKER_START_TIMEOUT, 0
        while loaded < self.processes:
            if ready.acquire(timeout=1):
                loaded += 1
            elif failed := next((p.exception() for p in probes if p.done() and p.exception()), None):
                self.close()
                raise RuntimeError(f"a worker process could not start: {failed}") from failed
            elif time.monotonic() > deadline:
                self.close()
                raise RuntimeError(f"{self.processes} worker processes did not load the models within "
                                   f"{WORKER_START_TIMEOUT}s")
        self.slots = self.processes
        log.info("%d worker processes ready in %.1fs", self.processes, time.monotonic() - started)

    def submit(self, task: Task, partition: list[Article]) -> Any:
        if self.pool is None:
            return run_partition(task, partition)
        return self.pool.submit(run_partition, task, partition)

    def result(self, handle: Any) -> PartitionRun:
        if self.pool is None:
            return handle
        try:
            return handle.result()
        except BrokenProcessPool as error:
            raise RuntimeError("a worker process died during extraction (killed for lack of memory?): nothing "
                               "was published; the documents done are cached, run again with fewer --processes "
                               "or more memory") from error

    def describe(self) -> dict:
        return {"processes": self.processes}

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


def _start_worker(task: Task, ready: multiprocessing.synchronize.Semaphore) -> None:
    warm_up(task)
    ready.release()


class DaskEngine(Engine):
    """A Dask cluster: one task per partition, sent by a `distributed.Client`.

    `scheduler` is the address of a running scheduler (`tcp://host:8786`, for example of a dask-jobqueue or
    Kubernetes cluster whose workers have this package installed); without one, a `LocalCluster` of
    `local_workers` single-threaded worker processes is started on this machine. A `distributed.Client` may be
    passed instead (tests use one on an in-process cluster). Workers must run the same version of the extractor
    (same `cache.extractor_fingerprint`), which every result is checked for (`Engine._account`).
    """

    name = "dask"

    def __init__(self, scheduler: str | None = None, local_workers: int | None = None, client: Any = None,
                 partition_docs: int = PARTITION_DOCS):
        super().__init__(partition_docs)
        self.scheduler = scheduler
        self.local_workers = local_workers or os.cpu_count() or 1
        self.client = client
        self.owns_client = client is None

    def launch(self, task: Task) -> None:
        from distributed import Client, LocalCluster

        started = time.monotonic()
        if self.client is None and self.scheduler:
            self.client = Client(self.scheduler)
        elif self.client is None:
            logging.getLogger("distributed").setLevel(logging.WARNING)  # our own cluster: its start-up is no news
            self.client = Client(LocalCluster(n_workers=self.local_workers, threads_per_worker=1, processes=True,
                                              dashboard_address=None))
        nthreads = self.client.nthreads()
        self.client.gather([self.client.submit(warm_up, task, workers=[address], allow_other_workers=False,
                                               pure=False) for address in nthreads])  # models loaded once each
        self.slots = sum(nthreads.values()) or 1
        log.info("Dask cluster %s: %d workers ready in %.1fs", self.client.scheduler.address, len(nthreads),
                 time.monotonic() - started)

    def submit(self, task: Task, partition: list[Article]) -> Any:
        return self.client.submit(run_partition, task, partition, pure=False)

    def result(self, handle: Any) -> PartitionRun:
        run = handle.result()
        handle.release()
        return run

    def describe(self) -> dict:
        return {"scheduler": self.client.scheduler.address if self.client else self.scheduler}

    def close(self) -> None:
        if self.client is not None and self.owns_client:
            cluster = self.client.cluster
            self.client.close()
            if cluster is not None:
                cluster.close()
            self.client = None


def make_engine(name: str, processes: int | None = None, scheduler: str | None = None) -> Engine:
    """The engine the command line asks for: `local` (with `processes`) or `dask` (with `scheduler`)."""
    if name == "local":
        return LocalEngine(processes)
    if name == "dask":
        return DaskEngine(scheduler, local_workers=processes)
    raise ValueError(f"unknown engine: {name}")
