"""Stage 1 — ingest: JSON Lines articles in, checked `Article` records (or quarantine records) out.

The input contract (README, "Input contract"): one JSON object per line with `id` (a unique string, kept as
given), `text`, `published` (ISO date) and optional `title`, `source`, `url`, `language`. The job runs unattended
over scraped news, so a bad line never stops the run and never vanishes: it becomes a `Quarantined` record with
the file, the line, the id when known and a plain reason. Only a missing input (no file, an empty directory)
fails the run, as nothing could be read at all.

Cleaning keeps every character offset of `text`: markup, control characters and page furniture are replaced
by spaces (an entity such as `&amp;` by its character and spaces), so a mention's `start_char`/`end_char` point
into the `text` exactly as it was given.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from .config import MAX_ARTICLE_CHARS, MAX_FIELD_CHARS, MAX_ID_CHARS, MAX_JUNK_SHARE, MAX_LINE_BYTES
from .language import unsupported_language
from .records import Article, Quarantined

log = logging.getLogger("extractor")

EARLIEST_PUBLICATION = date(1900, 1, 1)
# Time zones: an article can carry tomorrow's date in UTC+14 while it is still today here.
PUBLICATION_GRACE = timedelta(days=1)
OPTIONAL_FIELDS = ("title", "source", "url", "language")
UTF16_OR_32_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
UTF8_BOM = "\ufeff"

JSON_TYPES = {dict: "an object", list: "an array", str: "a string", int: "a number", float: "a number",
              bool: "a boolean", type(None): "null"}

# Control characters, unpaired surrogates (JSON "\ud800" escapes, which no file format can store) and U+FFFD
# left by an earlier lossy decoding are not text; in `text`, tab and line feed are.
UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffd]")
JUNK = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffd]")
# Comments and scripts; unclosed, they run to the end of the text, as a browser reads them (and as only that keeps
# the search linear on a text of many unclosed "<!--").
BLANKED_ELEMENTS = re.compile(r"<!--.*?(?:-->|\Z)|<(script|style|noscript|template)\b[^<>]*>.*?(?:</\1\s*>|\Z)",
                              re.IGNORECASE | re.DOTALL)
# A tag that ends a block of text: it becomes a line break, so headings and paragraphs stay separate sentences.
BLOCK_TAG = re.compile(r"</?(?:p|div|br|hr|li|ul|ol|h[1-6]|tr|td|th|table|section|article|header|footer|"
                       r"blockquote|figure|figcaption|title)\b[^<>]*>", re.IGNORECASE)
TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>|<![A-Za-z][^<>]*>")
# Only a text with a closing tag or a comment is markup: elsewhere "<" is a comparison ("x<y and y>z").
LOOKS_LIKE_HTML = re.compile(r"</[A-Za-z][A-Za-z0-9]*\s*>|<br\s*/?>|<!--", re.IGNORECASE)
ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")

# Indentation is matched with [^\S\n]* (blanks within the line), never \s*: from every line start, \s* would run
# on over all the blank lines that follow, which takes hours on a text of many empty lines.
FURNITURE_PATTERNS = [
    # Navigation breadcrumbs left at the top of reposted articles ("Home / news / ...").
    re.compile(r"^[^\S\n]*Home[^\S\n]*/.*$", re.IGNORECASE | re.MULTILINE),
    # Trailing link lists and comment boxes: everything from the marker to the end is not the article.
    re.compile(r"^[^\S\n]*(Popular posts from this blog|Related (posts|articles)|Leave a Reply|Leave a comment"
               r"|Share this:|You may also like)\b.*\Z", re.IGNORECASE | re.MULTILINE | re.DOTALL),
    re.compile(r"^[^\S\n]*(Source link|Read more|Advertisement)[^\S\n]*$", re.IGNORECASE | re.MULTILINE),
]


def _blank(match: re.Match) -> str:
    """Spaces for the matched text, keeping its line breaks (and so every offset after it)."""
    return re.sub(r"[^\n]", " ", match.group(0))


def _entity_character(match: re.Match) -> str:
    """The character an HTML entity stands for, padded with spaces to the entity's length."""
    character = html.unescape(match.group(0)).replace("\xa0", " ")
    return character.ljust(len(match.group(0))) if len(character) == 1 else match.group(0)


def strip_markup(text: str) -> str:
    """HTML to text of the same length: comments and scripts blanked, block tags to line breaks, other tags to
    spaces, entities decoded."""
    if LOOKS_LIKE_HTML.search(text):
        text = BLANKED_ELEMENTS.sub(_blank, text)
        text = BLOCK_TAG.sub(lambda m: "\n".ljust(len(m.group(0))), text)
        text = TAG.sub(_blank, text)
    if "&" in text:
        text = ENTITY.sub(_entity_character, text)
    return text


def strip_page_furniture(text: str) -> str:
    """Blank out scraped page furniture, keeping character offsets of the remaining text unchanged.

    Offsets matter: mentions point back into the original article text.
    """
    for pattern in FURNITURE_PATTERNS:
        text = pattern.sub(_blank, text)
    return text


def junk_share(text: str) -> float:
    """Share of the non-blank characters that are control characters (a carriage return too), surrogates or
    U+FFFD."""
    non_blank = len(text) - sum(text.count(c) for c in " \n\t")
    return len(JUNK.findall(text)) / non_blank if non_blank else 0.0


def clean_text(text: str) -> str:
    """The article text the NLP reads: same length as given, with markup, junk and page furniture blanked."""
    return strip_page_furniture(JUNK.sub(" ", strip_markup(text)))


def _printable(value: str) -> str:
    """A value from the input made safe to report in the quarantine table: no junk, bounded length."""
    return UNPRINTABLE.sub("\ufffd", value[:MAX_ID_CHARS])


def _type_name(value: object) -> str:
    return JSON_TYPES.get(type(value), type(value).__name__)


def parse_published(value: str) -> date | None:
    """An ISO 8601 date or date-time ('2020-06-05', '2020-06-05T14:30:00Z') as its date; None if it is not one."""
    try:
        return datetime.fromisoformat(value.strip()).date()
    except ValueError:
        return None


def parse_line(raw: str, file_label: str, line_no: int) -> Article | Quarantined:
    """One line of the input checked against the contract: an article, or the first reason it fails."""
    def reject(reason: str, doc_id: str = "") -> Quarantined:
        return Quarantined(stage="ingest", reason=reason, input_file=file_label, line_no=line_no,
                           doc_id=_printable(doc_id))

    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as err:
        return reject(f"not valid JSON: {err.msg} at column {err.colno}")
    except RecursionError:
        return reject("not valid JSON: nested too deeply")
    except ValueError as err:  # e.g. an integer of more than 4300 digits
        return reject(f"not valid JSON: {err}")
    if not isinstance(obj, dict):
        return reject(f"line is {_type_name(obj)}, not a JSON object")

    doc_id = obj.get("id")
    if doc_id is None:
        return reject("missing `id`")
    if not isinstance(doc_id, str):
        return reject(f"`id` is {_type_name(doc_id)}, not a string")
    if not doc_id.strip():
        return reject("empty `id`")
    if len(doc_id) > MAX_ID_CHARS:
        return reject(f"`id` is longer than {MAX_ID_CHARS} characters", doc_id)
    if UNPRINTABLE.search(doc_id):
        return reject("`id` contains control characters or invalid Unicode", doc_id)

    text = obj.get("text")
    if text is None:
        return reject("missing `text`", doc_id)
    if not isinstance(text, str):
        return reject(f"`text` is {_type_name(text)}, not a string", doc_id)
    if not text.strip():
        return reject("empty `text`", doc_id)
    if len(text) > MAX_ARTICLE_CHARS:
        return reject(f"`text` is too long: {len(text):,} characters (the limit is {MAX_ARTICLE_CHARS:,})", doc_id)

    published_raw = obj.get("published")
    if published_raw is None:
        return reject("missing `published`", doc_id)
    if not isinstance(published_raw, str):
        return reject(f"`published` is {_type_name(published_raw)}, not a string", doc_id)
    published = parse_published(published_raw)
    if published is None:
        return reject(f"`published` is not an ISO date: {_printable(published_raw[:40])!r}", doc_id)
    if published < EARLIEST_PUBLICATION:
        return reject(f"`published` {published.isoformat()} is before 1900", doc_id)
    if published > datetime.now(timezone.utc).date() + PUBLICATION_GRACE:
        return reject(f"`published` {published.isoformat()} is in the future", doc_id)

    optional = {}
    for key in OPTIONAL_FIELDS:
        value = obj.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            return reject(f"`{key}` is {_type_name(value)}, not a string", doc_id)
        if len(value) > MAX_FIELD_CHARS:
            return reject(f"`{key}` is longer than {MAX_FIELD_CHARS:,} characters", doc_id)
        if value := " ".join(JUNK.sub(" ", value).split()):
            optional[key] = value

    share = junk_share(text)
    if share > MAX_JUNK_SHARE:
        return reject(f"binary or garbled `text`: {share:.0%} of its characters are control characters or "
                      f"invalid Unicode", doc_id)
    cleaned = clean_text(text)
    if not cleaned.strip():
        return reject("no text left after removing markup, page furniture and control characters", doc_id)
    language_problem = unsupported_language(cleaned, optional.get("language", ""))
    if language_problem:
        return reject(language_problem, doc_id)
    return Article(id=doc_id, text=cleaned, published=published, input_file=file_label, line_no=line_no,
                   **optional)


def input_files(path: Path) -> list[Path]:
    """A file, or the `*.jsonl` entries of a directory in name order (so runs are deterministic).

    Entries that cannot be opened (a broken link) are kept, so that they are reported rather than skipped.
    Raises FileNotFoundError when there is nothing to read: a run over no input must fail, not publish nothing.
    """
    if not path.exists():
        raise FileNotFoundError(f"input not found: {path}")
    if not path.is_dir():
        return [path]
    files = sorted(p for p in path.glob("*.jsonl") if not p.is_dir())
    ignored = sum(1 for p in path.iterdir() if not p.is_dir() and p.suffix != ".jsonl")
    if ignored:
        log.warning("ignoring %d files in %s that are not *.jsonl", ignored, path)
    if not files:
        raise FileNotFoundError(f"no *.jsonl files in {path}")
    return files


def read_articles(path: Path) -> Iterator[Article | Quarantined]:
    """Stream articles from a file or directory; a later line with an `id` already read is quarantined."""
    seen: dict[str, bytes] = {}  # id -> digest of its text: enough to tell a repeat from a clash
    for file in input_files(path):
        for record in read_file(file):
            if isinstance(record, Article):
                digest = hashlib.blake2b(record.text.encode("utf-8"), digest_size=16).digest()
                previous = seen.get(record.id)
                if previous is not None:
                    same = "identical" if previous == digest else "different"
                    yield Quarantined(stage="ingest", input_file=record.input_file, line_no=record.line_no,
                                      doc_id=record.id, reason=f"duplicate `id` with {same} text")
                    continue
                seen[record.id] = digest
            yield record


def read_file(file: Path) -> Iterator[Article | Quarantined]:
    """The records of one JSONL file; a file that cannot be read becomes one quarantine record."""
    label = file.name
    line_no = 0
    try:
        with file.open("rb") as handle:
            if handle.peek(4).startswith(UTF16_OR_32_BOMS):
                yield Quarantined(stage="ingest", input_file=label, line_no=0,
                                  reason="file is UTF-16 or UTF-32 (it starts with a byte-order mark), not UTF-8")
                return
            while raw := handle.readline(MAX_LINE_BYTES + 1):
                line_no += 1
                if len(raw) > MAX_LINE_BYTES:
                    while not raw.endswith(b"\n") and (raw := handle.readline(1 << 20)):
                        pass  # skip the rest of the line without holding it
                    yield Quarantined(stage="ingest", input_file=label, line_no=line_no,
                                      reason=f"line is longer than {MAX_LINE_BYTES:,} bytes")
                    continue
                if not raw.strip():
                    continue
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError as err:
                    yield Quarantined(stage="ingest", input_file=label, line_no=line_no,
                                      reason=f"not valid UTF-8 (byte {err.start + 1} of the line)")
                    continue
                yield parse_line(line.removeprefix(UTF8_BOM) if line_no == 1 else line, label, line_no)
    except OSError as err:
        yield Quarantined(stage="ingest", input_file=label, line_no=line_no,
                          reason=f"cannot read the file: {err.strerror or err}")
