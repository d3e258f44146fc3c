"""ACLED-style conflict events from news articles.

`extract_events(path)` returns the events of a corpus as a polars DataFrame; `run(input, output)` is the main
job that also publishes them (see README.md).
"""

__version__ = "0.1.0"


def extract_events(input_path=None):
    """Events of a JSONL corpus (file or directory; default: the bundled corpus) as a polars DataFrame."""
    from .config import DEFAULT_INPUT
    from .pipeline import extract_events as _extract_events

    return _extract_events(input_path or DEFAULT_INPUT)
