"""Shared fixtures: the real spaCy pipeline and one real run of the main job over the bundled corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus" / "seeds.jsonl"


@pytest.fixture(scope="session")
def nlp():
    from extractor.nlp import build_pipeline

    return build_pipeline()


@pytest.fixture(scope="session")
def seed_articles() -> dict[str, dict]:
    return {json.loads(line)["id"]: json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()}


@pytest.fixture(scope="session")
def bundled_run(tmp_path_factory):
    """The main job on the bundled corpus, published into a temporary output directory."""
    from extractor.pipeline import run

    output = tmp_path_factory.mktemp("output")
    result = run(CORPUS.parent, output)
    return result, output


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path
