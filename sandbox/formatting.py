"""Text formatting: Telegram's HTML parse mode, UTF-16 lengths and auto-detected entities.

The HTML parser follows Telegram's (tdlib's) rules closely enough to reject what Telegram rejects:
only the documented tags, only &lt; &gt; &amp; &quot; and numeric character references.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sandbox.errors import ApiError, bad_request

Entity = dict[str, Any]

_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
}
_ALL_TAGS = {*_SIMPLE_TAGS, "a", "span", "tg-emoji", "blockquote"}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TAG_NAME = re.compile(r"[a-zA-Z0-9-]*")
_ATTR_NAME = re.compile(r"[a-zA-Z0-9_-]*")
_UNQUOTED_VALUE = re.compile(r"[^\s>]*")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse_error(detail: str) -> ApiError:
    return bad_request(f"can't parse entities: {detail}")


@dataclass
class _Open:
    tag: str
    offset: int
    attrs: dict[str, str]
    language: str | None = None


@dataclass
class _Parser:
    source: str
    pos: int = 0
    out: list[str] = field(default_factory=list)
    length: int = 0
    stack: list[_Open] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)

    def byte_offset(self, pos: int) -> int:
        return len(self.source[:pos].encode("utf-8"))

    def emit(self, text: str) -> None:
        self.out.append(text)
        self.length += utf16_len(text)

    def run(self) -> tuple[str, list[Entity]]:
        src = self.source
        while self.pos < len(src):
            char = src[self.pos]
            if char == "<":
                self.tag()
            elif char == "&":
                self.entity()
            else:
                self.emit(char)
                self.pos += 1
        if self.stack:
            raise parse_error(f'Can\'t find end tag corresponding to start tag "{self.stack[-1].tag}"')
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out), self.entities

    def entity(self) -> None:
        src = self.source
        end = src.find(";", self.pos)
        name = src[self.pos + 1 : end] if end != -1 else ""
        if name in _NAMED_ENTITIES:
            self.emit(_NAMED_ENTITIES[name])
        elif re.fullmatch(r"#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}", name):
            code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
            self.emit(chr(code) if 0 < code < 0x110000 else "\ufffd")
        else:
            self.emit("&")
            self.pos += 1
            return
        self.pos = end + 1

    def tag(self) -> None:
        start = self.pos
        if self.source.startswith("</", start):
            self.end_tag(start)
            return
        name = _TAG_NAME.match(self.source, start + 1)
        tag = name.group(0).lower() if name else ""
        if tag not in _ALL_TAGS:
            raise parse_error(f'Unsupported start tag "{tag}" at byte offset {self.byte_offset(start)}')
        self.pos = start + 1 + len(tag)
        attrs = self.attributes(tag, start)
        self.stack.append(_Open(tag, self.length, attrs))

    def attributes(self, tag: str, start: int) -> dict[str, str]:
        src = self.source
        attrs: dict[str, str] = {}
        while True:
            while self.pos < len(src) and src[self.pos].isspace():
                self.pos += 1
            if self.pos >= len(src):
                raise parse_error(f"Unclosed start tag at byte offset {self.byte_offset(start)}")
            if src[self.pos] == ">":
                self.pos += 1
                return attrs
            match = _ATTR_NAME.match(src, self.pos)
            attr = match.group(0).lower() if match else ""
            if not attr:
                raise parse_error(
                    f'Empty attribute name in the tag "{tag}" at byte offset {self.byte_offset(self.pos)}'
                )
            self.pos += len(attr)
            attrs[attr] = self.attribute_value(tag) if src.startswith("=", self.pos) else ""

    def attribute_value(self, tag: str) -> str:
        src = self.source
        self.pos += 1
        if self.pos < len(src) and src[self.pos] in "\"'":
            quote = src[self.pos]
            end = src.find(quote, self.pos + 1)
            if end == -1:
                raise parse_error(f'Unclosed attribute value in the tag "{tag}"')
            raw = src[self.pos + 1 : end]
            self.pos = end + 1
        else:
            match = _UNQUOTED_VALUE.match(src, self.pos)
            raw = match.group(0) if match else ""
            self.pos += len(raw)
        return unescape(raw)

    def end_tag(self, start: int) -> None:
        src = self.source
        close = src.find(">", start)
        if close == -1:
            raise parse_error(f"Unclosed end tag at byte offset {self.byte_offset(start)}")
        tag = src[start + 2 : close].strip().lower()
        if not self.stack:
            raise parse_error(f"Unexpected end tag at byte offset {self.byte_offset(start)}")
        opened = self.stack[-1]
        if tag != opened.tag:
            raise parse_error(
                f'Unmatched end tag at byte offset {self.byte_offset(start)}, expected "</{opened.tag}>", '
                f'found "</{tag}>"'
            )
        self.stack.pop()
        self.pos = close + 1
        self.close(opened, start)

    def close(self, opened: _Open, start: int) -> None:
        length = self.length - opened.offset
        if opened.tag == "code" and self.stack and self.stack[-1].tag == "pre":
            language = opened.attrs.get("class", "")
            if language.startswith("language-"):
                self.stack[-1].language = language.removeprefix("language-")
                return
        entity = self.entity_for(opened, start)
        if entity is not None and length > 0:
            entity.update(offset=opened.offset, length=length)
            self.entities.append(entity)

    def entity_for(self, opened: _Open, start: int) -> Entity | None:
        tag, attrs = opened.tag, opened.attrs
        if tag in _SIMPLE_TAGS:
            entity: Entity = {"type": _SIMPLE_TAGS[tag]}
            if tag == "pre" and opened.language:
                entity["language"] = opened.language
            return entity
        if tag == "span":
            if attrs.get("class") != "tg-spoiler":
                raise parse_error('Tag "span" must have class "tg-spoiler"')
            return {"type": "spoiler"}
        if tag == "a":
            href = attrs.get("href", "")
            return {"type": "text_link", "url": href} if href else None
        if tag == "tg-emoji":
            emoji_id = attrs.get("emoji-id", "")
            if not emoji_id:
                raise parse_error('Tag "tg-emoji" must have attribute "emoji-id"')
            return {"type": "custom_emoji", "custom_emoji_id": emoji_id}
        return {"type": "expandable_blockquote" if "expandable" in attrs else "blockquote"}


def unescape(raw: str) -> str:
    """Decode the HTML entities Telegram supports inside attribute values."""
    parser = _Parser(raw)
    while parser.pos < len(raw):
        if raw[parser.pos] == "&":
            parser.entity()
        else:
            parser.emit(raw[parser.pos])
            parser.pos += 1
    return "".join(parser.out)


def parse_html(source: str) -> tuple[str, list[Entity]]:
    """Return (plain text, entities) or raise 400 "can't parse entities: ..."."""
    return _Parser(source).run()


def apply_parse_mode(
    text: str, parse_mode: str | None, entities: list[Entity] | None
) -> tuple[str, list[Entity]]:
    """Resolve a text/caption and its formatting the way sendMessage/sendPhoto do.

    Explicit entities win over parse_mode (the text is then taken literally).
    """
    if entities or not parse_mode:
        return text, list(entities or [])
    if parse_mode.lower() == "html":
        return parse_html(text)
    if parse_mode in ("Markdown", "MarkdownV2"):
        raise bad_request(f"sandbox does not implement parse_mode {parse_mode}")
    raise bad_request(f"unsupported parse_mode {parse_mode!r}")


_AUTO = [
    ("bot_command", re.compile(r"(?<![\w/])/[a-zA-Z0-9_]{1,32}(?:@[a-zA-Z0-9_]{3,32})?")),
    ("mention", re.compile(r"(?<![\w@])@[a-zA-Z0-9_]{4,32}")),
    ("hashtag", re.compile(r"(?<![\w#])#\w+")),
    ("url", re.compile(r"https?://[^\s<>\"]+")),
]


def detect_entities(text: str) -> list[Entity]:
    """Entities Telegram clients add by themselves to what a person types."""
    found: list[Entity] = []
    for kind, pattern in _AUTO:
        for match in pattern.finditer(text):
            offset = utf16_len(text[: match.start()])
            found.append({"type": kind, "offset": offset, "length": utf16_len(match.group(0))})
    found.sort(key=lambda e: (e["offset"], -e["length"]))
    return found
