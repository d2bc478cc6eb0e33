"""A message analysed for phrase matching: chat abbreviations expanded, English told apart.

Citizens write ``ko dc`` for ``không được`` and ``ubnd`` for ``ủy ban nhân dân``; the expansions come
from ``abbreviations`` in ``config/topics.yaml``. The result holds the message's canonical (accented)
and folded forms word for word, as the texts ``topics_scan`` searches (see ``topics_text``). For
the usual message those texts come straight from its letter bytes, and abbreviations are found and
expanded in them by one Aho-Corasick pass; other messages go through word lists.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import product
from typing import Any

import ahocorasick

from bot.tagging.normalize import canonical, canonical_fast, fold, tokens
from bot.tagging.topics_text import (
    Words,
    canonical_letters,
    from_letter_bytes,
    letter_bytes,
    scanned,
    spaced,
    split_words,
    words_letter_bytes,
)

Expansion = tuple[tuple[bytes, ...], tuple[bytes, ...]]

# Every folded Vietnamese syllable shape: optional initial, one to three vowels, optional final.
# Text in which many words are not such syllables ("school", "still", "glass") is English.
_INITIALS = ("", "b", "c", "ch", "d", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh", "nh", "p", "ph",
             "qu", "r", "s", "t", "th", "tr", "v", "x")  # fmt: skip
_FINALS = ("", "c", "ch", "m", "n", "ng", "nh", "p", "t")
_VOWELS = ["".join(v) for size in (1, 2, 3) for v in product("aeiouy", repeat=size)]
_VN_SYLLABLES = frozenset("".join(parts).encode() for parts in product(_INITIALS, _VOWELS, _FINALS))


def stem(token: bytes) -> bytes:
    """Drop an English plural ``s``; folded Vietnamese syllables never end in ``s``, so they are untouched."""
    if len(token) > 3 and token[-1:] == b"s" and token[-2:-1] != b"s" and token.isascii():
        return token[:-1]
    return token


def phrase_tokens(phrase: str) -> tuple[tuple[bytes, ...], tuple[bytes, ...]]:
    """Canonical and folded tokens of a configured phrase (stemmed like English message tokens)."""
    canon = tuple(stem(t.encode()) for t in tokens(canonical(phrase)))
    return canon, tuple(stem(fold(t.decode()).encode()) for t in canon)


def looks_english(folded_words: Words) -> bool:
    """At least three words, and three in ten, that are neither numbers nor Vietnamese syllables."""
    size = len(folded_words)
    other = size - sum(map(_VN_SYLLABLES.__contains__, folded_words))
    if other < 3 or other < 0.3 * size:  # too few even before numbers are set aside: most messages
        return False
    foreign = other - sum(map(bytes.isdigit, folded_words))
    return foreign >= 3 and foreign >= 0.3 * size


class Analysed:
    """A message as phrase matching sees it.

    ``folded_text`` and ``canon_text`` are the texts searched for phrases (``topics_text.scanned``):
    the folded words and, character for character, the canonical ones in letter bytes (a character
    without one as ``UNKNOWN``; None when the words do not line up, after a stemmed expansion). The
    word lists are split from them when first needed.
    """

    __slots__ = ("_canon", "_folded", "canon_text", "english", "folded_text")

    def __init__(
        self,
        folded_text: str,
        canon_text: str | None,
        english: bool,
        *,
        canon: Words | None = None,
        folded: Words | None = None,
    ) -> None:
        self.folded_text = folded_text
        self.canon_text = canon_text
        self.english = english
        self._canon = canon
        self._folded = folded

    @classmethod
    def of_words(cls, canon: Words, folded: Words, english: bool) -> Analysed:
        folded_joined = b" ".join(folded)
        letters = words_letter_bytes(b" ".join(canon).decode())
        # Only a stemmed folded word (of an expansion) can be shorter than its canonical one.
        canon_text = scanned(letters) if len(letters) == len(folded_joined) else None
        return cls(scanned(folded_joined), canon_text, english, canon=canon, folded=folded)

    @property
    def folded(self) -> Words:
        if self._folded is None:
            self._folded = self.folded_text[::-1].encode("latin-1").split()
        return self._folded

    @property
    def canon(self) -> Words:
        if self._canon is None:
            assert self.canon_text is not None  # either is always given
            self._canon = _canon_words(self.canon_text)
        return self._canon


# An abbreviation's expansion as spliced into scanned texts: canonical letters and folded words,
# reversed; None when the two do not line up (a stemmed folded word) or the letters are missing.
_Splice = tuple[str, str] | None


class Abbreviations:
    """Analyses messages, expanding the chat abbreviations of ``table`` (short form → long form)."""

    def __init__(self, table: Mapping[str, str]) -> None:
        self._table: dict[bytes, Expansion] = {}
        for short, long in table.items():
            for key in phrase_tokens(str(short))[0]:
                self._table[key] = phrase_tokens(str(long))
        self._in_text: Any = None  # finds abbreviations in canonical scanned texts
        for key, (canon, folded) in self._table.items():
            key_letters = letter_bytes(key.decode())
            if key_letters is not None:  # else no text with letter bytes contains it
                if self._in_text is None:
                    self._in_text = ahocorasick.Automaton()
                self._in_text.add_word(scanned(key_letters), (len(key_letters), _splice(canon, folded)))
        if self._in_text is not None:
            self._in_text.make_automaton()

    def analyse(self, text: str) -> Analysed:
        letters = canonical_letters(text)
        if letters is None:
            return self._analyse_words(*split_words(canonical_fast(text)))
        folded_spaced, canon_spaced = spaced(letters)
        folded = folded_spaced.split()
        english = looks_english(folded)
        if english and _has_plural(folded):
            stemmed = [stem(w) for w in folded]
            return Analysed.of_words(stemmed, stemmed, True)
        folded_text = scanned(folded_spaced)
        canon_text = folded_text if canon_spaced == folded_spaced else scanned(canon_spaced)
        if not english and self._in_text is not None:
            found = list(self._in_text.iter(canon_text))
            if found:
                return self._expand_text(folded_text, canon_text, found, folded)
        return Analysed(folded_text, canon_text, english, folded=folded)

    def _analyse_words(self, canon: Words, folded: Words) -> Analysed:
        english = looks_english(folded)
        if english:
            if _has_plural(folded):
                folded = [stem(w) for w in folded]
                canon = folded
        elif not self._table.keys().isdisjoint(canon):
            canon, folded = self._expand(canon, folded)
        return Analysed.of_words(canon, folded, english)

    def _expand_text(
        self, folded_text: str, canon_text: str, found: list[tuple[int, tuple[int, _Splice]]], folded: Words
    ) -> Analysed:
        """Splice the abbreviations' expansions into both texts, the last (in the reversed texts) first
        so that the positions of the others stay put; through word lists if one cannot be spliced."""
        splices = [(end, length, splice) for end, (length, splice) in found if splice is not None]
        if len(splices) < len(found):
            return Analysed.of_words(*self._expand(_canon_words(canon_text), folded), False)
        for end, length, (canon_expansion, folded_expansion) in reversed(splices):
            start = end - length  # the word is between the spaces at ``start`` and ``end``
            canon_text = canon_text[:start] + canon_expansion + canon_text[end:]
            folded_text = folded_text[:start] + folded_expansion + folded_text[end:]
        return Analysed(folded_text, canon_text, False)

    def _expand(self, canon: Words, folded: Words) -> tuple[Words, Words]:
        table = self._table
        canon, folded = canon[:], folded[:]
        for index in reversed([i for i, w in enumerate(canon) if w in table]):
            expanded_canon, expanded_folded = table[canon[index]]
            canon[index : index + 1] = expanded_canon
            folded[index : index + 1] = expanded_folded
        return canon, folded


def _canon_words(canon_text: str) -> Words:
    """The canonical words (UTF-8) of a scanned text in letter bytes."""
    return from_letter_bytes(canon_text[::-1].encode("latin-1")).encode().split()


def _has_plural(folded: Words) -> bool:
    return any(len(w) > 3 and w[-1] == 0x73 for w in folded)  # 0x73: "s"


def _splice(canon: tuple[bytes, ...], folded: tuple[bytes, ...]) -> _Splice:
    letters = letter_bytes(b" ".join(canon).decode())
    folded_joined = b" ".join(folded)
    if letters is None or len(letters) != len(folded_joined):
        return None
    return letters[::-1].decode("latin-1"), folded_joined[::-1].decode("latin-1")


__all__ = ["Abbreviations", "Analysed", "Words", "looks_english", "phrase_tokens", "stem"]
