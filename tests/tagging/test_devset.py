"""The shared dev set: topic accuracy ≥ 0.90, urgent recall ≥ 0.90 and precision ≥ 0.80."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.tagging import get_tagger
from bot.tagging.evaluation import Report, evaluate, load_examples

DEV_SET = Path(__file__).resolve().parents[2] / ".." / "shared" / "eval" / "tagging-dev.jsonl"

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def report() -> Report:
    if not DEV_SET.exists():
        reason = (
            f"dev set not found at {DEV_SET.resolve()} (../shared/eval/tagging-dev.jsonl from the repo root)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return evaluate(load_examples(DEV_SET), get_tagger().tag)


def test_topic_accuracy(report: Report) -> None:
    assert report.topic_accuracy is not None and report.topic_accuracy >= 0.90, report.misses


def test_urgent_recall(report: Report) -> None:
    assert report.urgent_recall is not None and report.urgent_recall >= 0.90, report.misses


def test_urgent_precision(report: Report) -> None:
    assert report.urgent_precision is not None and report.urgent_precision >= 0.80, report.misses
