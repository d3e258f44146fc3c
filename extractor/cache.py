"""Per-document results cache: a run extracts only the documents that are new or changed.

Extraction (NLP, detection, resolution) is by far the slowest stage and depends on nothing but the document and
the extractor, so its per-document result (`DocumentResult`) is kept in SQLite (stdlib `sqlite3`) under two keys:
- the extractor fingerprint: a hash of everything that decides what extraction yields — the package's code and
  data files, the trained models, the data contract, the spaCy model and the library versions. Change any of it
  and every document is extracted again;
- the document's content hash: every field of the article except where it was read from (file and line), so a
  document that moves within the corpus is still found.
Results are stored as JSON, never pickle: nothing executable is read back from disk. The cache is disposable:
delete the file and the next run extracts everything.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import sqlite3
import types
import typing
from datetime import date
from functools import cache
from importlib import metadata
from pathlib import Path

from . import __version__, schema
from .config import DATA_DIR, EXTRACTION_PACKAGES, MODELS_DIR, PACKAGE_DIR, SPACY_MODEL
from .records import Article, DocumentResult

log = logging.getLogger("extractor")

SCHEMA_DIR = Path(schema.__file__).parent


def extractor_fingerprint() -> str:
    """Hash of the extractor: code, data, models, data contract, spaCy model and library versions."""
    digest = hashlib.sha256(f"extractor {__version__}\n".encode())
    for name in (SPACY_MODEL, *EXTRACTION_PACKAGES):
        digest.update(f"{name} {metadata.version(name)}\n".encode())
    sources = [(PACKAGE_DIR, sorted(PACKAGE_DIR.glob("*.py")))] + [
        (root, sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts))
        for root in (DATA_DIR, MODELS_DIR, SCHEMA_DIR)]
    for root, files in sources:
        for path in files:
            content = path.read_bytes()
            digest.update(f"{root.name}/{path.relative_to(root).as_posix()} {len(content)}\n".encode())
            digest.update(content)
    return digest.hexdigest()


def content_hash(article: Article) -> str:
    """Hash of what extraction sees of an article: every field except its input file and line."""
    fields = dataclasses.asdict(article)
    del fields["input_file"], fields["line_no"]
    return hashlib.sha256(json.dumps(fields, sort_keys=True, default=date.isoformat).encode()).hexdigest()


def encode(result: DocumentResult) -> str:
    return json.dumps(dataclasses.asdict(result), default=date.isoformat, ensure_ascii=False)


def decode(text: str) -> DocumentResult:
    return _from_json(DocumentResult, json.loads(text))


def _from_json(kind: object, value: object) -> object:
    """Rebuild a value of the type `kind` (a record dataclass, tuple, optional, date or scalar) from JSON."""
    if dataclasses.is_dataclass(kind):
        hints = _type_hints(kind)
        return kind(**{name: _from_json(hints[name], item) for name, item in value.items()})
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin is tuple:
        return tuple(_from_json(args[0], item) for item in value)
    if origin in (typing.Union, types.UnionType):
        return None if value is None else _from_json(next(a for a in args if a is not type(None)), value)
    if kind is date:
        return date.fromisoformat(value)
    return value


@cache
def _type_hints(kind: type) -> dict[str, object]:
    return typing.get_type_hints(kind)


def relocated(result: DocumentResult, article: Article) -> DocumentResult:
    """A cached result whose quarantine records point at where the article is now (file and line)."""
    return dataclasses.replace(result, rejected=tuple(
        dataclasses.replace(q, input_file=article.input_file, line_no=article.line_no) for q in result.rejected))


class ResultCache:
    """DocumentResults of one extractor fingerprint, looked up by the documents' content hashes."""

    def __init__(self, path: Path, fingerprint: str):
        self.fingerprint = fingerprint
        self._seen: set[str] = set()
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = _connect(path)
        except sqlite3.DatabaseError as err:
            log.warning("results cache %s is unreadable (%s): starting a new one", path, err)
            for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                stale.unlink(missing_ok=True)
            self._db = _connect(path)

    def get(self, article: Article) -> DocumentResult | None:
        key = content_hash(article)
        self._seen.add(key)
        row = self._db.execute("SELECT result FROM documents WHERE fingerprint = ? AND content_hash = ?",
                               (self.fingerprint, key)).fetchone()
        return None if row is None else relocated(decode(row[0]), article)

    def put(self, article: Article, result: DocumentResult) -> None:
        """Store at once: a run killed later keeps the documents it has already extracted."""
        with self._db:
            self._db.execute("INSERT OR REPLACE INTO documents VALUES (?, ?, ?)",
                             (self.fingerprint, content_hash(article), encode(result)))

    def keep_only_seen(self) -> None:
        """Forget results of other extractor versions and of documents this run did not see (after a publish)."""
        with self._db:
            self._db.execute("CREATE TEMP TABLE IF NOT EXISTS seen (content_hash TEXT PRIMARY KEY)")
            self._db.execute("DELETE FROM seen")
            self._db.executemany("INSERT INTO seen VALUES (?)", ((key,) for key in self._seen))
            self._db.execute("DELETE FROM documents WHERE fingerprint != ? "
                             "OR content_hash NOT IN (SELECT content_hash FROM seen)", (self.fingerprint,))

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> ResultCache:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _connect(path: Path) -> sqlite3.Connection:
    """WAL journal: a commit per document costs no fsync, and a crash never corrupts the file."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("CREATE TABLE IF NOT EXISTS documents (fingerprint TEXT NOT NULL, content_hash TEXT NOT NULL, "
               "result TEXT NOT NULL, PRIMARY KEY (fingerprint, content_hash)) WITHOUT ROWID")
    return db
