"""Villages, hamlets and residential groups below the ward ("thôn 2", "xóm Đông", "tổ dân phố 7")."""

from __future__ import annotations

from bot.tagging.locality_scan import NAME_TOO, NUMBER_ONLY
from bot.tagging.locality_text import TokenizedText

# Folded words → what may follow: a number ("tổ 5"), or also a capitalised name ("xóm Đông").
_BY_NUMBER_ONLY = frozenset({("to",), ("khoi",), ("to", "dan", "pho"), ("khu", "pho"), ("khom",)})
_BY_NAME_TOO = frozenset(
    {("thon",), ("xom",), ("ban",), ("ap",), ("lang",), ("buon",), ("hamlet",), ("village",)}
)
# Group phrases (folded words) and what may follow them.
GROUP_PHRASES = tuple(
    (words, NAME_TOO if words in _BY_NAME_TOO else NUMBER_ONLY)
    for words in sorted(_BY_NUMBER_ONLY | _BY_NAME_TOO)
)
# Accented spellings; an unaccented word only counts when written without accents.
_SPELLINGS = frozenset(
    {
        "tổ",
        "khối",
        "tổ dân phố",
        "khu phố",
        "khóm",
        "thôn",
        "xóm",
        "bản",
        "ấp",
        "làng",
        "buôn",
        "hamlet",
        "village",
    }
)
# A capitalised word that ends a group's name: the unit it belongs to starts ("xóm Đông Xã …").
_TYPE_WORDS = frozenset(
    {"xa", "phuong", "huyen", "quan", "tinh", "thi", "tp", "thanh", "dac", "ward", "commune"}
)
# A number followed by one of these is a quantity ("xóm 3 lần"), not a group's number.
_QUANTITY_WORDS = frozenset(
    {
        "lan",
        "ngay",
        "thang",
        "nam",
        "tuan",
        "gio",
        "nguoi",
        "ho",
        "con",
        "m",
        "km",
        "m2",
        "cai",
        "chiec",
        "tieng",
    }
)


def find_sub_locality(
    text: TokenizedText, place_starts: frozenset[str], groups: list[tuple[int, int, int]]
) -> tuple[int, int] | None:
    """Word span of the first village/hamlet/residential group named ("thôn 2", "Tổ dân phố 7").

    ``groups`` are the group phrases in the text (``locality_scan.Scan.groups``): first word, minus
    the width (the widest first), and what may follow (a number, or also a name). A group word that
    starts a place name with the next word ("Lang Son", "Lang Biang") is part of that name:
    ``place_starts`` holds the first two (folded) words of every place name."""
    n = len(text)
    folded = text.folded
    for i, minus_width, follows in groups:
        end = i - minus_width
        if end >= n or (text.canon[end].isalpha() and not (follows == NAME_TOO and text.upper(end))):
            continue  # no number or name can follow (the quick part of ``_named``)
        if not _spelled_right(text, i, end) or text.brk(end):
            continue
        if f"{folded[end - 1]} {folded[end]}" in place_starts:
            continue
        found = _named(text, end, follows == NAME_TOO)
        if found:
            return i, found
    return None


def _spelled_right(text: TokenizedText, i: int, end: int) -> bool:
    if not text.any_accented(i, end):
        return True
    return " ".join(text.canon[i:end]) in _SPELLINGS


def _named(text: TokenizedText, end: int, by_name: bool) -> int | None:
    """End of the group's number or name starting at word ``end``."""
    head = text.canon[end]
    if head.isdigit() or (len(head) <= 3 and head.isalnum() and any(ch.isdigit() for ch in head)):
        if end + 1 < len(text) and not text.brk(end + 1) and text.folded[end + 1] in _QUANTITY_WORDS:
            return None
        return end + 1
    if not by_name or not text.upper(end):
        return None
    last = end + 1
    while (
        last < len(text)
        and last - end < 3
        and text.upper(last)
        and not text.brk(last)
        and text.folded[last] not in _TYPE_WORDS
    ):
        last += 1
    return last
