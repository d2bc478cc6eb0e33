"""A message split once into the word forms the locality resolver matches on.

Most messages are Latin letters (Vietnamese with or without accents, English) with ASCII
punctuation, sometimes emoji, curly quotes or no-break spaces. Such a text is split in C: its UTF-8
bytes with the punctuation blanked out (``bytes.translate`` for ASCII, a regular expression for the
rest, byte for byte so that offsets stay those of the text), then ``split``. What the resolver needs
of each word (folded and canonical forms, capitals) comes from caches keyed by the word's bytes,
since the vocabulary of messages is limited. A word that is not all Latin letters and digits
(another script, a stray combining mark) sends the whole text the slow way, a regular-expression
split, which gives the same words for any text.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import chain
from typing import Final

from bot.tagging.locality_scan import CAPITAL
from bot.tagging.normalize import canonical, fold

_SPLIT = re.compile(r"([^\W_]+)")
# Punctuation a place name never spans ("Hòa Bình, Thái Bình" is two names). Dots and hyphens
# do occur inside names and abbreviations ("TP.HCM", "Lang Biang - Đà Lạt").
_HARD_BREAKS = frozenset(',;()!?:\n"[]{}|')
_SENTENCE_ENDS = frozenset(".!?\n")
_ASCII_ALNUM = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
# Words of the fast path: letters and digits from Latin-1, Latin Extended-A/B and Latin Extended
# Additional (all Vietnamese letters), so that ``_CASED`` can tell capitals in the UTF-8 bytes.
_LATIN = frozenset(chr(c) for c in chain(range(0x250), range(0x1E00, 0x1F00)))
# Punctuation, symbols, spaces and emoji outside ASCII: never part of a word, nor a hard break or a
# sentence end. The fast path blanks them out like ASCII punctuation, a space per byte.
_OTHER_GAP_RANGES = ((0x80, 0xC0), (0x2000, 0x2C00), (0x3000, 0x3040), (0xFE00, 0xFE10), (0xFF01, 0xFF10),
                     (0x1F000, 0x1FB00))  # fmt: skip
_OTHER_GAP_CHARS = [c for c in map(chr, chain(*(range(*r) for r in _OTHER_GAP_RANGES))) if not c.isalnum()]

# Gaps between words are kept with one byte per byte: "|" a hard break, "-" anything else.
BREAK = b"|"


def _gap_class(byte: int) -> int:
    return BREAK[0] if chr(byte) in _HARD_BREAKS else ord("-")


def _shape(byte: int) -> int:
    """ "U" an ASCII capital, "w" another word byte, "." a sentence end, " " another gap."""
    if 65 <= byte <= 90:
        return ord("U")
    if byte in _ASCII_ALNUM or byte >= 0x80:
        return ord("w")
    return ord(".") if chr(byte) in _SENTENCE_ENDS else ord(" ")


# Tables for ``bytes.translate`` over UTF-8 text: its words (ASCII letters and digits, any byte of
# another character), the gaps blanked out; its gaps as classes, the words blanked out; gaps joined
# by "a" as classes (no byte of another UTF-8 character is "a"); its shape (``_shape``).
_TO_WORDS = bytes(b if b in _ASCII_ALNUM or b >= 0x80 else 32 for b in range(256))
_TO_GAPS = bytes(32 if b in _ASCII_ALNUM or b >= 0x80 else _gap_class(b) for b in range(256))
_GAPS_JOINED = bytes(b if b == ord("a") or b >= 0x80 else _gap_class(b) for b in range(256))
_SHAPES = bytes(map(_shape, range(256)))


def _utf8_class(chars: list[str]) -> bytes:
    """A regular expression (bytes) matching the UTF-8 encoding of any of ``chars``."""
    by_prefix: dict[bytes, list[int]] = {}
    for char in chars:
        encoded = char.encode()
        by_prefix.setdefault(encoded[:-1], []).append(encoded[-1])
    return b"|".join(
        re.escape(prefix) + b"[" + b"".join(re.escape(bytes([last])) for last in sorted(lasts)) + b"]"
        for prefix, lasts in sorted(by_prefix.items())
    )


_OTHER_GAPS = re.compile(_utf8_class(_OTHER_GAP_CHARS))
# UTF-8 bytes of ASCII, of Latin letters (lead bytes of U+00C0–U+027F and U+1000–U+1FFF) and
# continuation bytes; the lead bytes of the other gaps. What is left of a text without the first
# tells quickly whether it has other gaps to blank out or characters only the slow path takes.
_PLAIN_BYTES = bytes([*range(0xC2), *range(0xC3, 0xCA), 0xE1])
_OTHER_GAP_LEADS = bytes(sorted({c.encode()[0] for c in _OTHER_GAP_CHARS}))


def _blank(match: re.Match[bytes]) -> bytes:
    return b" " * len(match.group())


# A capitalised word that does not start a sentence: a word's last byte, a gap without a
# sentence end, a capital.
_CASED = re.compile(
    rb"[A-Za-z0-9\x80-\xbf][^A-Za-z0-9\x80-\xff.!?\n]+(?:"
    + _utf8_class(sorted(c for c in _LATIN if c.isupper() and c.isalnum()))
    + rb")"
)
_SENTENCE_END_BYTES = tuple(c.encode() for c in sorted(_SENTENCE_ENDS))

_Forms = tuple[str, str | None, str, int]  # see ``Vocabulary``
_FOLDED: Final = 0
_MARKED: Final = 1
_CANON: Final = 2
_CASE: Final = 3
_CAPITALISED, _ALL_CAPS = 1, 2  # bits of the case


class Vocabulary:
    """The forms of each word seen, cached per word as written (UTF-8): (folded, marked,
    canonical, case), plain tuples, the fastest to read. Marked: the word's token in a marked line
    (``locality_scan``), None outside the fast path; it depends on the words a scanner looks for,
    hence one vocabulary per scanner."""

    _CACHE_MAX = 50_000

    def __init__(self, words: frozenset[str], capitals: frozenset[str]) -> None:
        self._words = words  # written out in a marked line
        self._capitals = capitals  # marked when capitalised
        self._forms: dict[bytes, _Forms] = {}

    def of(self, raw: list[bytes]) -> list[_Forms]:
        try:
            return [self._forms[word] for word in raw]
        except KeyError:
            return self._learn(raw)

    def _learn(self, raw: list[bytes]) -> list[_Forms]:
        if len(self._forms) > self._CACHE_MAX:
            self._forms.clear()
        out = []
        for word in raw:
            forms = self._forms.get(word)
            if forms is None:
                forms = self._forms[word] = self._forms_of(word.decode())
            out.append(forms)
        return out

    def _forms_of(self, word: str) -> _Forms:
        canon = canonical(word)
        folded = fold(canon)
        case = (_CAPITALISED if word[:1].isupper() else 0) | (_ALL_CAPS if word.isupper() else 0)
        fast = word.isalnum() and _LATIN.issuperset(word)
        return folded, self.token(folded, case) if fast else None, canon, case

    def token(self, folded: str, case: int) -> str:
        """The word in a marked line."""
        capital = CAPITAL if case & _CAPITALISED else ""
        if folded not in self._words:
            return capital
        return capital + folded if capital and folded in self._capitals else folded


class TokenizedText:
    """The words of a message: the marked line up front; folded and canonical forms, gaps and the
    word count (``len``) once ``prepare`` is called (only when the scan found something)."""

    __slots__ = (
        "_bytes", "_cased", "_lead", "_parts", "_raw", "_utf8", "_word_bytes", "_words", "canon", "folded", "gaps",
        "line", "original",
    )  # fmt: skip

    def __init__(self, text: str, vocabulary: Vocabulary) -> None:
        self.original = text if text.isascii() else unicodedata.normalize("NFC", text)
        self._utf8 = self._bytes = self.original.encode()
        self._cased: bool | None = None
        self._parts: list[str] | None = None  # the regular-expression split, on the slow path
        self.folded: list[str] = []
        self.canon: list[str] = []
        self.gaps: list[bytes] = []  # per word, the gap before it (the first one empty)
        self._lead = 0  # bytes before the first word, on the slow path
        special = self._utf8.translate(None, _PLAIN_BYTES)
        if special and not special.translate(None, _OTHER_GAP_LEADS):  # emoji, curly quotes, …
            self._bytes = _OTHER_GAPS.sub(_blank, self._utf8)
        marked = None if special.translate(None, _OTHER_GAP_LEADS) else self._split(vocabulary)
        if marked is None:
            marked = self._split_slowly(vocabulary)
        self.line = f" {marked} "  # for ``locality_scan``

    def _split(self, vocabulary: Vocabulary) -> str | None:
        """Words of the fast path; returns the marked words, or None when a word is not of it."""
        self._word_bytes = self._bytes.translate(_TO_WORDS)  # the gaps blanked out, for ``_offset``
        self._raw = self._word_bytes.split()  # words as written
        self._words = vocabulary.of(self._raw)
        try:
            return " ".join([word[_MARKED] for word in self._words])  # type: ignore[misc]  # None: TypeError
        except TypeError:
            return None

    def _split_slowly(self, vocabulary: Vocabulary) -> str:
        """Words of a text outside the fast path; returns the marked words."""
        parts = self._parts = _SPLIT.split(self.original)  # gap, word, gap, word, …, gap
        words = parts[1::2]
        self._raw = "\x00".join(words).encode().split(b"\x00") if words else []
        self._words = vocabulary.of(self._raw)
        return " ".join([
            vocabulary.token(word[_FOLDED], word[_CASE]) if word[_MARKED] is None else word[_MARKED]
            for word in self._words
        ])  # fmt: skip

    def prepare(self) -> None:
        """Canonical forms and gaps, for the steps that look at the words around a find."""
        if self.gaps or not self._raw:
            return
        self.folded = [word[_FOLDED] for word in self._words]
        self.canon = self.folded if self.original.isascii() else [word[_CANON] for word in self._words]
        if self._parts is not None:
            self._lead = len(self._parts[0].encode())
            self.gaps = [b"", *"a".join(self._parts[2::2]).encode().translate(_GAPS_JOINED).split(b"a")]
            return
        gaps = self._bytes.translate(_TO_GAPS)
        self.gaps = gaps.split()
        if gaps[:1] != b" ":  # a gap before the first word
            self.gaps[0] = b""
        else:
            self.gaps.insert(0, b"")

    def __len__(self) -> int:
        return len(self.folded)

    def any_accented(self, start: int, end: int) -> bool:
        return self.canon[start:end] != self.folded[start:end]

    def brk(self, index: int) -> bool:
        """A hard punctuation break precedes word ``index``."""
        return BREAK in self.gaps[index]

    def breaks(self, start: int, end: int) -> bool:
        """A hard punctuation break precedes one of the words ``start:end``."""
        return BREAK in b"".join(self.gaps[start:end])

    def upper(self, index: int) -> bool:
        """The word starts with a capital letter."""
        return self._words[index][_CASE] & _CAPITALISED != 0

    def all_caps(self, index: int) -> bool:
        return self._words[index][_CASE] & _ALL_CAPS != 0

    @property
    def cased(self) -> bool:
        """The writer uses capitals for names: some word not starting a sentence is capitalised
        (and the text is not all capitals)."""
        if self._cased is None:
            self._cased = self._capital_inside() and not self.original.isupper()
        return self._cased

    def _capital_inside(self) -> bool:
        """Some word but the first is capitalised and follows no sentence end."""
        if self._parts is not None:
            gaps = self._parts[2:-1:2]  # before words 1, 2, …
            return any(
                self.upper(k) and _SENTENCE_ENDS.isdisjoint(gap) for k, gap in enumerate(gaps, start=1)
            )
        # Quick sufficient checks first: an ASCII capital one space after a word ("xã Tân"); more
        # capitals than sentence ends, each of which comes before one word (the marked line shows
        # the capitals of all words but those the scanner looks for only inside longer names).
        if b"w U" in self._bytes.translate(_SHAPES):
            return True
        if self.line.count(" " + CAPITAL, 1) > sum(map(self._bytes.count, _SENTENCE_END_BYTES)):
            return True
        return _CASED.search(self._bytes) is not None

    def excerpt(self, start: int, end: int) -> str:
        """Original text from word ``start`` to word ``end`` (exclusive)."""
        first = self._offset(start)
        last = first + sum(map(len, self._raw[start:end])) + sum(map(len, self.gaps[start + 1 : end]))
        return self._utf8[first:last].decode()

    def _offset(self, index: int) -> int:
        """Where word ``index`` starts in the UTF-8 text."""
        if self._parts is not None:  # the lengths before it
            return self._lead + sum(map(len, self.gaps[: index + 1])) + sum(map(len, self._raw[:index]))
        # Found as the word (with a space on each side), after as many equal words.
        spaced = b" " + self._word_bytes + b" "
        word = self._raw[index]
        needle = b" " + word + b" "
        found = spaced.find(needle)
        for _ in range(self._raw[:index].count(word)):
            found = spaced.find(needle, found + 1)
        return found  # the space before the word, one byte ahead in ``spaced``
