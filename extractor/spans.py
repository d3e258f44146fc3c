"""spaCy span look-ups that cost time in proportion to the span, not to the whole document.

spaCy's `Span.ents` builds every entity of the document before keeping those inside the span, so asking it once
per sentence or per event makes an article with thousands of entities quadratic (minutes instead of seconds).
"""

from __future__ import annotations

from spacy.tokens import Span


def entities_in(span: Span) -> list[Span]:
    """The entities wholly inside `span`, exactly as `span.ents` gives them, read from the span's own tokens."""
    doc = span.doc
    found = []
    i = span.start
    while i < span.end:
        token = doc[i]
        if token.ent_iob_ != "B" or not token.ent_type_:
            i += 1  # outside an entity, or inside one that began before the span
            continue
        end = i + 1
        while end < len(doc) and doc[end].ent_iob_ == "I":
            end += 1
        if end > span.end:
            break  # runs past the span
        found.append(Span(doc, i, end, label=token.ent_type, kb_id=token.ent_kb_id, span_id=token.ent_id))
        i = end
    return found
