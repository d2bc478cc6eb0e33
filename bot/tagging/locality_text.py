"""A message split once into the token forms the locality resolver matches on.

The original text is split once; each word's canonical and folded forms come from small caches,
since the vocabulary of messages is limited.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from itertools import compress
from operator import itemgetter
from typing import cast

from bot.tagging.normalize import canonical, fold

_SPLIT = re.compile(r"([^\W_]+)")
# Punctuation a place name never spans ("Hòa Bình, Thái Bình" is two names). Dots and hyphens
# do occur inside names and abbreviations ("TP.HCM", "Lang Biang - Đà Lạt").
_HARD_BREAKS = frozenset(',;()!?:\n"[]{}|')
_SENTENCE_ENDS = frozenset(".!?\n")

_CACHE_MAX = 50_000
_CANON: dict[str, str] = {}  # word as written → canonical word
_FOLDED: dict[str, str] = {}  # canonical word → folded word


def _mapped(words: list[str], cache: dict[str, str], convert: Callable[[str], str]) -> list[str]:
    out = list(map(cache.get, words))
    if all(out):  # words are never empty, so only a miss (None) is falsy
        return cast(list[str], out)
    if len(cache) > _CACHE_MAX:
        cache.clear()
    result = []
    for word, known in zip(words, out, strict=True):
        if known is None:
            known = cache[word] = convert(word)
        result.append(known)
    return result


class TokenizedText:
    __slots__ = ("_capitals", "_cased", "_parts", "canon", "folded", "original", "raw")

    def __init__(self, text: str) -> None:
        self.original = unicodedata.normalize("NFC", text)
        self._parts = _SPLIT.split(self.original)  # gap, word, gap, word, …, gap
        self.raw: list[str] = self._parts[1::2]  # words as written
        self.canon: list[str] = _mapped(self.raw, _CANON, canonical)
        # Unaccented text (most typed without Vietnamese keyboards) is already folded.
        self.folded: list[str] = self.canon if self.original.isascii() else _mapped(self.canon, _FOLDED, fold)
        self._cased: bool | None = None
        self._capitals: list[int] | None = None

    def __len__(self) -> int:
        return len(self.canon)

    def accented(self, index: int) -> bool:
        return self.canon[index] != self.folded[index]

    def any_accented(self, start: int, end: int) -> bool:
        return self.canon[start:end] != self.folded[start:end]

    def brk(self, index: int) -> bool:
        """A hard punctuation break precedes word ``index``."""
        gap = self._parts[2 * index]
        return gap != " " and index > 0 and not _HARD_BREAKS.isdisjoint(gap)

    def upper(self, index: int) -> bool:
        """The word starts with a capital letter."""
        return self.raw[index][:1].isupper()

    def all_caps(self, index: int) -> bool:
        return self.raw[index].isupper()

    @property
    def capitals(self) -> list[int]:
        """Indexes of the words that start with a capital letter."""
        if self._capitals is None:
            self._capitals = list(
                compress(range(len(self.raw)), map(str.isupper, map(itemgetter(0), self.raw)))
            )
        return self._capitals

    @property
    def cased(self) -> bool:
        """The writer uses capitals for names: some word not starting a sentence is capitalised
        (and the text is not all capitals)."""
        if self._cased is None:
            parts = self._parts
            self._cased = any(k and _SENTENCE_ENDS.isdisjoint(parts[2 * k]) for k in self.capitals) and (
                not self.original.isupper()
            )
        return self._cased

    def excerpt(self, start: int, end: int) -> str:
        """Original text from word ``start`` to word ``end`` (exclusive)."""
        parts = self._parts
        first = sum(map(len, parts[: 2 * start + 1]))
        return self.original[first : first + sum(map(len, parts[2 * start + 1 : 2 * end]))]
