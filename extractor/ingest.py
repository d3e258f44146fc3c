"""Stage 1 — ingest: JSON Lines articles in, checked `Article` records (or quarantine records) out.

The input contract: one JSON object per line with `id` (unique string, kept as given), `text`, `published`
(ISO date) and optional `title`, `source`, `url`, `language`. A bad line never stops the run: it becomes a
`Quarantined` record naming the file, the line and a plain reason.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

from .records import Article, Quarantined

EARLIEST_PUBLICATION = date(1900, 1, 1)

FURNITURE_PATTERNS = [
    # Navigation breadcrumbs left at the top of reposted articles ("Home / news / ...").
    re.compile(r"^\s*Home\s*/.*$", re.IGNORECASE | re.MULTILINE),
    # Trailing link lists and comment boxes: everything from the marker to the end is not the article.
    re.compile(r"^\s*(Popular posts from this blog|Related (posts|articles)|Leave a Reply|Leave a comment"
               r"|Share this:|You may also like)\b.*\Z", re.IGNORECASE | re.MULTILINE | re.DOTALL),
    re.compile(r"^\s*(Source link|Read more|Advertisement)\s*$", re.IGNORECASE | re.MULTILINE),
]


def strip_page_furniture(text: str) -> str:
    """Blank out scraped page furniture, keeping character offsets of the remaining text unchanged.

    Offsets matter: mentions point back into the original article text.
    """
    for pattern in FURNITURE_PATTERNS:
        text = pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    return text


def input_files(path: Path) -> list[Path]:
    """A file, or the `*.jsonl` files of a directory in name order (so runs are deterministic)."""
    if path.is_dir():
        return sorted(p for p in path.glob("*.jsonl") if p.is_file())
    return [path]


def _parse_line(raw: str, file_label: str, line_no: int) -> Article | Quarantined:
    def reject(reason: str, doc_id: str = "") -> Quarantined:
        return Quarantined(stage="ingest", reason=reason, input_file=file_label, line_no=line_no, doc_id=doc_id)

    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as err:
        return reject(f"not valid JSON: {err.msg} at column {err.colno}")
    if not isinstance(obj, dict):
        return reject("line is JSON but not an object")
    doc_id = obj.get("id")
    if not isinstance(doc_id, str) or not doc_id.strip():
        return reject("missing or non-string `id`")
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        return reject("missing or empty `text`", doc_id)
    published_raw = obj.get("published")
    if not isinstance(published_raw, str):
        return reject("missing or non-string `published`", doc_id)
    try:
        published = date.fromisoformat(published_raw.strip()[:10])
    except ValueError:
        return reject(f"`published` is not an ISO date: {published_raw[:40]!r}", doc_id)
    if not EARLIEST_PUBLICATION <= published <= date.today():
        return reject(f"`published` {published.isoformat()} is before 1900 or in the future", doc_id)
    optional = {}
    for key in ("title", "source", "url", "language"):
        value = obj.get(key)
        if value is not None and not isinstance(value, str):
            return reject(f"`{key}` must be a string", doc_id)
        if value:
            optional[key] = value.strip()
    return Article(id=doc_id, text=strip_page_furniture(text), published=published,
                   input_file=file_label, line_no=line_no, **optional)


def read_articles(path: Path) -> Iterator[Article | Quarantined]:
    """Stream articles from a file or directory; duplicates of an `id` already seen are quarantined."""
    seen: dict[str, str] = {}
    for file in input_files(path):
        for record in _read_file(file):
            if isinstance(record, Article):
                previous = seen.get(record.id)
                if previous is not None:
                    same = previous == record.text
                    yield Quarantined(
                        stage="ingest", input_file=record.input_file, line_no=record.line_no, doc_id=record.id,
                        reason="duplicate `id` with identical text" if same else "duplicate `id` with different text")
                    continue
                seen[record.id] = record.text
            yield record


def _read_file(file: Path) -> Iterable[Article | Quarantined]:
    label = file.name
    with file.open("rb") as handle:
        for line_no, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as err:
                yield Quarantined(stage="ingest", reason=f"not valid UTF-8 (byte {err.start})",
                                  input_file=label, line_no=line_no)
                continue
            yield _parse_line(line, label, line_no)
