"""``doithoai tag`` (JSON Lines in, tags out) and ``doithoai tagger …`` (tools around the tagger).

``tag`` reads ``{"id"?, "text", "context"?: {"province_code", "ward_code"}}`` per line on stdin and
writes one line per input, in order: ``{"id", "topic", "topic_confidence", "urgent", "locality"}``, or
``{"id", "error"}`` for a line it cannot use. Other tools depend on this exact shape.

``tagger`` subcommands are registered from ``TAGGER_SUBCOMMANDS``; add a function there to add one.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable
from typing import IO, Any, Protocol

from bot.commands.corrections import add_corrections
from bot.tagging.types import TagContext, Tags

Subparsers = Any  # argparse's subparsers action has no public type


class TaggerLike(Protocol):
    def tag(self, text: str, context: TagContext) -> Tags: ...


class LineError(ValueError):
    def __init__(self, message: str, line_id: object = None) -> None:
        super().__init__(message)
        self.line_id = line_id


_ABSENT = object()


def _context_value(context: dict[str, object], key: str, line_id: object) -> int | None:
    value = context.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise LineError(f"context.{key} must be an integer or null", line_id)
    return value


def parse_request(raw: bytes | str) -> tuple[object, str, TagContext]:
    """``(id, text, context)`` of one input line; raises ``LineError`` saying what is wrong."""
    try:
        line = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as exc:
        raise LineError(f"line is not UTF-8: {exc.reason}") from exc
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise LineError(f"invalid JSON: {exc.msg}") from exc
    if not isinstance(data, dict):
        raise LineError("expected a JSON object")
    line_id = data.get("id")
    text = data.get("text", _ABSENT)
    if text is _ABSENT:
        raise LineError("missing `text`", line_id)
    if not isinstance(text, str):
        raise LineError("`text` must be a string", line_id)
    context = data.get("context")
    if context is None:
        return line_id, text, TagContext()
    if not isinstance(context, dict):
        raise LineError("`context` must be an object with province_code and ward_code", line_id)
    province = _context_value(context, "province_code", line_id)
    ward = _context_value(context, "ward_code", line_id)
    return line_id, text, TagContext(province, ward)


def tag_line(tagger: TaggerLike, raw: bytes | str) -> dict[str, object]:
    try:
        line_id, text, context = parse_request(raw)
    except LineError as exc:
        return {"id": exc.line_id, "error": str(exc)}
    try:
        tags = tagger.tag(text, context)
    except Exception as exc:  # one bad message must not stop the stream
        return {"id": line_id, "error": f"tagging failed: {type(exc).__name__}: {exc}"}
    return {"id": line_id, **tags.to_json()}


def tag_stream(tagger: TaggerLike, lines: Iterable[bytes | str], out: IO[bytes]) -> int:
    """Tag every non-empty line, writing and flushing one UTF-8 JSON line each; returns the count."""
    count = 0
    for raw in lines:
        if not raw.strip():
            continue
        result = tag_line(tagger, raw)
        out.write(json.dumps(result, ensure_ascii=False).encode("utf-8") + b"\n")
        out.flush()
        count += 1
    return count


def _default_tagger() -> TaggerLike:
    from bot.tagging import get_tagger

    return get_tagger()


def run_tag(args: argparse.Namespace) -> int:
    tagger = _default_tagger()
    stdin = sys.stdin.buffer
    tag_stream(tagger, iter(stdin.readline, b""), sys.stdout.buffer)
    return 0


def run_eval(args: argparse.Namespace) -> int:
    from bot.tagging.evaluation import ExampleFileError, evaluate, format_report, load_examples

    try:
        examples = load_examples(args.file)
    except ExampleFileError as exc:
        print(f"doithoai tagger eval: {exc}", file=sys.stderr)
        return 2
    tagger = _default_tagger()
    report = evaluate(examples, tagger.tag)
    if args.json:
        print(json.dumps(report.to_json(failures=args.failures), ensure_ascii=False, indent=2))
    else:
        print(format_report(report, failures=args.failures))
    return 0


def add_eval(tagger_subparsers: Subparsers) -> None:
    parser = tagger_subparsers.add_parser(
        "eval", help="measure the tagger on a labelled JSON Lines file (dev-set format)"
    )
    parser.add_argument("file", help="labelled examples, one JSON object per line")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--failures", action="store_true", help="list every miss (id, expected, got)")
    parser.set_defaults(handler=run_eval)


# Each adds one ``doithoai tagger <name>`` subcommand; append to add more (e.g. ``corrections``).
TAGGER_SUBCOMMANDS: list[Callable[[Subparsers], None]] = [add_eval, add_corrections]


def register(subparsers: Subparsers) -> None:
    tag_parser = subparsers.add_parser(
        "tag", help="tag JSON Lines from stdin: {id?, text, context?} → {id, topic, …, locality}"
    )
    tag_parser.set_defaults(handler=run_tag)
    tagger_parser = subparsers.add_parser("tagger", help="tools around the tagging engine")
    tagger_subparsers = tagger_parser.add_subparsers(dest="tagger_command", metavar="SUBCOMMAND")
    for add in TAGGER_SUBCOMMANDS:
        add(tagger_subparsers)
    tagger_parser.set_defaults(handler=lambda _args: _usage(tagger_parser))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


__all__ = [
    "TAGGER_SUBCOMMANDS",
    "LineError",
    "TaggerLike",
    "add_eval",
    "parse_request",
    "register",
    "run_eval",
    "run_tag",
    "tag_line",
    "tag_stream",
]
