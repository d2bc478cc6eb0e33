"""Measure the tagger on a labelled file in the dev-set format (one JSON object per line).

``{"id", "text", "topic", "urgent", "expect": {"province_code", "ward_codes"}, "context"?: {...}}``
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.tagging.types import TagContext, Tags

TagFunction = Callable[[str, TagContext], Tags]


class ExampleFileError(ValueError):
    """The labelled file cannot be read or a line is not a valid example (the message says which)."""


@dataclass(frozen=True, slots=True)
class Example:
    id: Any
    text: str
    topic: str
    urgent: bool
    province_code: int | None
    ward_codes: frozenset[int]
    context: TagContext


@dataclass(frozen=True, slots=True)
class Miss:
    id: Any
    field: str  # "topic", "province", "ward" or "urgent"
    expected: object
    got: object

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "field": self.field, "expected": self.expected, "got": self.got}


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(slots=True)
class Report:
    total: int = 0
    topic_correct: int = 0
    province_correct: int = 0
    ward_correct: int = 0
    urgent_expected: int = 0
    urgent_predicted: int = 0
    urgent_true_positive: int = 0
    misses: list[Miss] = field(default_factory=list)

    @property
    def topic_accuracy(self) -> float | None:
        return _ratio(self.topic_correct, self.total)

    @property
    def province_accuracy(self) -> float | None:
        return _ratio(self.province_correct, self.total)

    @property
    def ward_accuracy(self) -> float | None:
        return _ratio(self.ward_correct, self.total)

    @property
    def urgent_precision(self) -> float | None:
        return _ratio(self.urgent_true_positive, self.urgent_predicted)

    @property
    def urgent_recall(self) -> float | None:
        return _ratio(self.urgent_true_positive, self.urgent_expected)

    def to_json(self, failures: bool = False) -> dict[str, object]:
        out: dict[str, object] = {
            "examples": self.total,
            "topic_accuracy": self.topic_accuracy,
            "province_accuracy": self.province_accuracy,
            "ward_accuracy": self.ward_accuracy,
            "urgent_precision": self.urgent_precision,
            "urgent_recall": self.urgent_recall,
            "counts": {
                "topic_correct": self.topic_correct,
                "province_correct": self.province_correct,
                "ward_correct": self.ward_correct,
                "urgent_expected": self.urgent_expected,
                "urgent_predicted": self.urgent_predicted,
                "urgent_true_positive": self.urgent_true_positive,
            },
        }
        if failures:
            out["failures"] = [m.to_json() for m in self.misses]
        return out


def _optional_int(value: object, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ExampleFileError(f"{where} must be an integer or null")
    return value


def parse_example(data: object, where: str) -> Example:
    if not isinstance(data, dict):
        raise ExampleFileError(f"{where}: expected a JSON object")
    text, topic, urgent = data.get("text"), data.get("topic"), data.get("urgent")
    if not isinstance(text, str) or not isinstance(topic, str) or not isinstance(urgent, bool):
        raise ExampleFileError(f"{where}: needs string `text`, string `topic` and boolean `urgent`")
    expect = data.get("expect") or {}
    context = data.get("context") or {}
    if not isinstance(expect, dict) or not isinstance(context, dict):
        raise ExampleFileError(f"{where}: `expect` and `context` must be objects")
    wards = expect.get("ward_codes") or []
    if not isinstance(wards, list) or not all(isinstance(w, int) and not isinstance(w, bool) for w in wards):
        raise ExampleFileError(f"{where}: expect.ward_codes must be a list of integers")
    return Example(
        id=data.get("id"),
        text=text,
        topic=topic,
        urgent=urgent,
        province_code=_optional_int(expect.get("province_code"), f"{where}: expect.province_code"),
        ward_codes=frozenset(wards),
        context=TagContext(
            _optional_int(context.get("province_code"), f"{where}: context.province_code"),
            _optional_int(context.get("ward_code"), f"{where}: context.ward_code"),
        ),
    )


def load_examples(path: Path | str) -> list[Example]:
    source = Path(path)
    try:
        lines = source.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ExampleFileError(f"cannot read {source}: {exc}") from exc
    examples: list[Example] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ExampleFileError(f"{where}: invalid JSON ({exc.msg})") from exc
        examples.append(parse_example(data, where))
    return examples


def ward_correct(expected: frozenset[int], got: Sequence[int]) -> bool:
    """Right when the predicted set is non-empty and within the expected set, or both are empty."""
    if not expected:
        return not got
    return bool(got) and expected.issuperset(got)


def evaluate(examples: Iterable[Example], tag: TagFunction) -> Report:
    report = Report()
    for example in examples:
        tags = tag(example.text, example.context)
        report.total += 1
        _check(report, example, "topic", example.topic, tags.topic, example.topic == tags.topic)
        province = tags.locality.province_code
        _check(
            report, example, "province", example.province_code, province, province == example.province_code
        )
        wards = list(tags.locality.ward_codes)
        _check(
            report,
            example,
            "ward",
            sorted(example.ward_codes),
            wards,
            ward_correct(example.ward_codes, wards),
        )
        report.urgent_expected += example.urgent
        report.urgent_predicted += tags.urgent
        report.urgent_true_positive += example.urgent and tags.urgent
        if example.urgent != tags.urgent:
            report.misses.append(Miss(example.id, "urgent", example.urgent, tags.urgent))
    return report


def _check(report: Report, example: Example, name: str, expected: object, got: object, ok: bool) -> None:
    if ok:
        setattr(report, f"{name}_correct", getattr(report, f"{name}_correct") + 1)
    else:
        report.misses.append(Miss(example.id, name, expected, got))


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def format_report(report: Report, failures: bool = False) -> str:
    rows = [
        ("examples", str(report.total), ""),
        ("topic accuracy", _fmt(report.topic_accuracy), f"{report.topic_correct}/{report.total}"),
        ("province accuracy", _fmt(report.province_accuracy), f"{report.province_correct}/{report.total}"),
        ("ward accuracy", _fmt(report.ward_accuracy), f"{report.ward_correct}/{report.total}"),
        (
            "urgent precision",
            _fmt(report.urgent_precision),
            f"{report.urgent_true_positive}/{report.urgent_predicted}",
        ),
        (
            "urgent recall",
            _fmt(report.urgent_recall),
            f"{report.urgent_true_positive}/{report.urgent_expected}",
        ),
    ]
    lines = [f"{name:<18} {value:>6}  {count}".rstrip() for name, value, count in rows]
    if failures:
        lines.append("")
        lines.append(f"failures ({len(report.misses)}):")
        lines.extend(
            f"  id={json.dumps(m.id, ensure_ascii=False)} {m.field}: expected "
            f"{json.dumps(m.expected, ensure_ascii=False)}, got {json.dumps(m.got, ensure_ascii=False)}"
            for m in report.misses
        )
    return "\n".join(lines)


__all__ = [
    "Example",
    "ExampleFileError",
    "Miss",
    "Report",
    "TagFunction",
    "evaluate",
    "format_report",
    "load_examples",
    "parse_example",
    "ward_correct",
]
