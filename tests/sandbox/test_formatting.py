"""Telegram's HTML parse mode, unit-tested."""

from __future__ import annotations

import pytest

from sandbox.errors import ApiError
from sandbox.formatting import parse_html


def test_nested_tags_pre_with_language_and_entities() -> None:
    text, entities = parse_html(
        '<b>a<i>b</i></b> <pre><code class="language-python">x=1</code></pre> &lt;&#65;&gt;'
    )
    assert text == "ab x=1 <A>"
    assert entities == [
        {"type": "bold", "offset": 0, "length": 2},
        {"type": "italic", "offset": 1, "length": 1},
        {"type": "pre", "language": "python", "offset": 3, "length": 3},
    ]


def test_spoiler_needs_its_class() -> None:
    assert parse_html('<span class="tg-spoiler">s</span>')[1] == [
        {"type": "spoiler", "offset": 0, "length": 1}
    ]
    with pytest.raises(ApiError, match="must have class"):
        parse_html("<span>s</span>")


def test_byte_offsets_count_utf8_bytes() -> None:
    with pytest.raises(ApiError, match="at byte offset 4"):
        parse_html("đường</b>".replace("đường", "đư"))
