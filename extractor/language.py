"""Which language an article is in, so that only English reaches the English NLP pipeline.

The detector is py3langid (pinned in pyproject.toml): a naive Bayes model over byte n-grams for about 200
languages, shipped inside the package as NumPy arrays (no pickle, nothing downloaded at run time). It reads the
first LANGUAGE_SAMPLE_CHARS characters, enough for a news article and fast (hundreds of articles a second).

The text decides: a text with at least LANGUAGE_MIN_LETTERS letters whose most likely language is not English,
with probability LANGUAGE_MIN_CONFIDENCE or more, is unsupported. Shorter texts (a headline, a list of names)
are not judged, as the guess would be noise; for them, and when the detector is unsure, a declared `language`
other than English decides. A declared language does not overrule a clear reading of the text, because scrapers
often copy the site's default language into every article, translations included.
"""

from __future__ import annotations

from functools import cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from .config import LANGUAGE_MIN_CONFIDENCE, LANGUAGE_MIN_LETTERS, LANGUAGE_SAMPLE_CHARS

ENGLISH = "en"
ENGLISH_DECLARATIONS = frozenset({"en", "eng", "english"})


@cache
def _identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> tuple[str, float] | None:
    """(ISO 639 code, probability) of the text's opening; None when it has too few letters to judge."""
    sample = text[:LANGUAGE_SAMPLE_CHARS]
    if sum(c.isalpha() for c in sample) < LANGUAGE_MIN_LETTERS:
        return None
    code, probability = _identifier().classify(sample)
    return code, probability


def declared_code(language: str) -> str:
    """The language part of a declared tag: 'en-GB' -> 'en', 'fr_FR' -> 'fr'."""
    return language.strip().lower().replace("_", "-").split("-")[0]


def unsupported_language(text: str, declared: str = "") -> str | None:
    """The quarantine reason when the article is not in English, else None."""
    detected = detect_language(text)
    if detected is not None:
        code, probability = detected
        if code == ENGLISH:
            return None
        if probability >= LANGUAGE_MIN_CONFIDENCE:
            return f"unsupported language: {code}"
    code = declared_code(declared)
    if code and code not in ENGLISH_DECLARATIONS:
        return f"unsupported language: {code[:20]} (declared in `language`)"
    return None
