"""``doithoai tag`` and ``doithoai tagger eval``: the JSON Lines contract other tools rely on."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.commands.tag import tag_stream
from bot.tagging.types import LocalityTag, TagContext, Tags

REPO = Path(__file__).resolve().parents[2]


class FakeTagger:
    """Echoes what it was given into the tags, so a test sees which line produced which output."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, TagContext | None]] = []

    def tag(self, text: str, context: TagContext | None = None) -> Tags:
        self.calls.append((text, context))
        if text == "boom":
            raise RuntimeError("index corrupted")
        province = context.province_code if context else None
        return Tags(topic=f"topic:{text}", topic_confidence=0.5, urgent=False, locality=LocalityTag(province))


def _run(lines: Sequence[str | bytes], tagger: FakeTagger | None = None) -> list[dict[str, Any]]:
    out = io.BytesIO()
    tag_stream(tagger or FakeTagger(), lines, out)
    return [json.loads(line) for line in out.getvalue().decode("utf-8").splitlines()]


def test_one_output_per_input_in_order_with_ids() -> None:
    lines = [json.dumps({"id": i, "text": f"m{i}"}) for i in (3, 1, 2)]
    assert [(r["id"], r["topic"]) for r in _run(lines)] == [(3, "topic:m3"), (1, "topic:m1"), (2, "topic:m2")]


def test_output_shape_id_first_and_null_id_when_absent() -> None:
    [result] = _run([json.dumps({"text": "x"})])
    assert list(result) == ["id", "topic", "topic_confidence", "urgent", "locality"]
    assert result["id"] is None
    assert set(result["locality"]) == {"province_code", "ward_codes", "mention", "sub_locality", "source"}


def test_any_json_id_is_echoed() -> None:
    ids = ["abc", 7, {"chat": 1, "msg": 2}, [1, 2]]
    assert [r["id"] for r in _run([json.dumps({"id": i, "text": "x"}) for i in ids])] == ids


def test_context_is_passed_to_the_tagger() -> None:
    tagger = FakeTagger()
    [result] = _run([json.dumps({"text": "x", "context": {"province_code": 79, "ward_code": None}})], tagger)
    assert tagger.calls == [("x", TagContext(79, None))]
    assert result["locality"]["province_code"] == 79


@pytest.mark.parametrize(
    ("line", "expected_id", "message"),
    [
        ("{not json", None, "invalid JSON"),
        ('["a list"]', None, "JSON object"),
        ('{"id": 4}', 4, "missing `text`"),
        ('{"id": 5, "text": 12}', 5, "`text` must be a string"),
        ('{"id": 6, "text": null}', 6, "`text` must be a string"),
        ('{"id": 7, "text": "x", "context": [79]}', 7, "`context` must be an object"),
        ('{"id": 8, "text": "x", "context": {"province_code": "79"}}', 8, "province_code"),
        ('{"id": 9, "text": "x", "context": {"ward_code": true}}', 9, "ward_code"),
    ],
)
def test_malformed_line_gets_an_error_and_the_rest_continue(
    line: str, expected_id: object, message: str
) -> None:
    before, after = json.dumps({"id": "a", "text": "ok"}), json.dumps({"id": "b", "text": "ok"})
    results = _run([before, line, after])
    assert [r["id"] for r in results] == ["a", expected_id, "b"]
    assert set(results[1]) == {"id", "error"}
    assert message in str(results[1]["error"])
    assert results[2]["topic"] == "topic:ok"


def test_invalid_utf8_and_tagger_failure_are_errors_not_crashes() -> None:
    results = _run(
        [b'{"id": 1, "text": "\xff"}', json.dumps({"id": 2, "text": "boom"}), '{"id": 3, "text": "ok"}']
    )
    assert "UTF-8" in str(results[0]["error"])
    assert results[1]["id"] == 2 and "index corrupted" in str(results[1]["error"])
    assert results[2]["topic"] == "topic:ok"


def test_empty_lines_are_skipped() -> None:
    assert [
        r["id"] for r in _run(["\n", '{"id": 1, "text": "a"}\n', "   \n", '{"id": 2, "text": "b"}\n'])
    ] == [1, 2]


def test_output_is_utf8_not_escaped() -> None:
    out = io.BytesIO()
    tag_stream(FakeTagger(), [json.dumps({"text": "đường"})], out)
    assert "topic:đường".encode() in out.getvalue()


def test_real_command_end_to_end() -> None:
    lines = [
        {"id": "p", "text": "Xóm tôi mất điện từ sáng đến giờ chưa có lại"},
        {"text": "Cột điện đổ đè lên mái nhà, dây điện đang tóe lửa, nguy hiểm lắm"},
        {"id": "bad"},
    ]
    stdin = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    run = subprocess.run(
        [sys.executable, "-m", "bot", "tag"], input=stdin.encode(), capture_output=True, cwd=REPO, check=True
    )
    results = [json.loads(line) for line in run.stdout.decode("utf-8").splitlines()]
    assert [r["id"] for r in results] == ["p", None, "bad"]
    assert (results[0]["topic"], results[0]["urgent"]) == ("electricity", False)
    assert (results[1]["topic"], results[1]["urgent"]) == ("electricity", True)
    assert "error" in results[2]


def _labelled(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


NO_PLACE: dict[str, object] = {"province_code": None, "ward_codes": []}


def test_eval_reports_accuracy_and_lists_failures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows: list[dict[str, object]] = [
        {
            "id": 1,
            "text": "Xóm tôi mất điện từ sáng đến giờ",
            "topic": "electricity",
            "urgent": False,
            "expect": NO_PLACE,
        },
        {
            "id": 2,
            "text": "Đường làng nhiều ổ gà quá",
            "topic": "transport",
            "urgent": False,
            "expect": NO_PLACE,
        },
        # Deliberately mislabelled, so one topic miss must be reported.
        {"id": 3, "text": "Bãi rác bốc mùi hôi thối", "topic": "land", "urgent": False, "expect": NO_PLACE},
        {
            "id": 4,
            "text": "Nước lũ đang tràn vào nhà, hai cụ già bị mắc kẹt, cứu với",
            "topic": "water",
            "urgent": True,
            "expect": NO_PLACE,
        },
    ]
    path = _labelled(tmp_path / "set.jsonl", rows)
    assert main(["tagger", "eval", str(path), "--json", "--failures"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["examples"] == 4
    assert report["topic_accuracy"] == 0.75
    assert (report["urgent_precision"], report["urgent_recall"]) == (1.0, 1.0)
    assert {"id": 3, "field": "topic", "expected": "land", "got": "environment"} in report["failures"]

    assert main(["tagger", "eval", str(path), "--failures"]) == 0
    text = capsys.readouterr().out
    assert "topic accuracy" in text and "0.750" in text
    assert 'id=3 topic: expected "land", got "environment"' in text


def test_eval_unreadable_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tagger", "eval", str(tmp_path / "missing.jsonl")]) == 2
    assert "cannot read" in capsys.readouterr().err
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": 1, "text": "x", "topic": "land", "urgent": false}\n{oops\n', encoding="utf-8")
    assert main(["tagger", "eval", str(broken)]) == 2
    assert "broken.jsonl:2" in capsys.readouterr().err


def test_tagger_without_subcommand_shows_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tagger"]) == 2
    assert "eval" in capsys.readouterr().err
