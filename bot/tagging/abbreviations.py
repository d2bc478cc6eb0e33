"""Token analysis for phrase matching: chat abbreviations expanded, accented and folded forms aligned.

Citizens write ``ko dc`` for ``không được`` and ``ubnd`` for ``ủy ban nhân dân``; the expansions come
from ``abbreviations`` in ``config/topics.yaml``. The result is two parallel token lists: the
canonical (accented) form and the folded form, so a phrase found in the folded form can be checked
against its accents word by word.

Tokens are UTF-8 ``bytes``: once folding has shown that every non-ASCII character of a message is an
accented Latin letter, both forms are split with one ``bytes.translate`` and ``split`` each, several
times faster than a regular expression. Anything else (emoji, curly quotes, other scripts) takes
the general path through ``normalize.tokens``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import product

from bot.tagging.normalize import canonical, canonical_fast, fold, tokens

Words = list[bytes]
Expansion = tuple[tuple[bytes, ...], tuple[bytes, ...]]

# ASCII bytes that are not letters or digits become spaces; bytes of UTF-8 sequences are kept.
_SEPARATORS = bytes(c if chr(c).isalnum() or c >= 0x80 else 0x20 for c in range(256))

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


def fold_bytes(canonical_text: str) -> bytes:
    """ASCII fold of canonical text; a character with no ASCII base letter is dropped (callers check)."""
    decomposed = unicodedata.normalize("NFD", canonical_text.replace("đ", "d"))
    return decomposed.encode("ascii", "ignore")


def split_forms(text: str) -> tuple[Words, Words, bool]:
    """Canonical and folded words of ``text`` (aligned), and whether it carries accents."""
    canon_text = canonical_fast(text)
    if canon_text.isascii():
        words = canon_text.encode("ascii").translate(_SEPARATORS).split()
        return words, words, False
    folded_text = fold_bytes(canon_text)
    if len(folded_text) == len(canon_text):
        canon = canon_text.encode().translate(_SEPARATORS).split()
        folded = folded_text.translate(_SEPARATORS).split()
        if len(canon) == len(folded):
            return canon, folded, True
    general = tokens(canon_text)
    return [w.encode() for w in general], [fold(w).encode() for w in general], True


@dataclass(slots=True)
class Analysed:
    canon: Words
    folded: Words
    accented: bool
    english: bool


class Abbreviations:
    """Expands chat abbreviations while producing aligned canonical/folded token lists."""

    def __init__(self, table: Mapping[str, str]) -> None:
        self._table: dict[bytes, Expansion] = {}
        for short, long in table.items():
            for key in phrase_tokens(str(short))[0]:
                self._table[key] = phrase_tokens(str(long))

    def analyse(self, text: str) -> Analysed:
        canon, folded, accented = split_forms(text)
        english = looks_english(folded)
        if english:
            if any(len(w) > 3 and w[-1] == 0x73 for w in folded):  # 0x73: "s"
                folded = [stem(w) for w in folded]
                canon = folded
        elif not self._table.keys().isdisjoint(canon):
            canon, folded = self._expand(canon, folded)
        return Analysed(canon, folded, accented, english)

    def _expand(self, canon: Words, folded: Words) -> tuple[Words, Words]:
        table = self._table
        canon, folded = canon[:], folded[:]
        for index in reversed([i for i, w in enumerate(canon) if w in table]):
            expanded_canon, expanded_folded = table[canon[index]]
            canon[index : index + 1] = expanded_canon
            folded[index : index + 1] = expanded_folded
        return canon, folded


__all__ = [
    "Abbreviations",
    "Analysed",
    "Words",
    "fold_bytes",
    "looks_english",
    "phrase_tokens",
    "split_forms",
    "stem",
]
