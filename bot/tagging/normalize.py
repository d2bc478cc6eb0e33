"""Text normalisation shared by the locality resolver and the topic classifier.

Three forms of a text are used:
- ``canonical``: NFC, lower case, tone marks placed one way (``hoà`` → ``hòa``, ``uỷ`` → ``ủy``),
  punctuation kept; accented matching happens on this form.
- ``fold``: ``canonical`` with every diacritic removed and ``đ`` → ``d``; unaccented input matches here.
- ``tokens``: the words of a form, split on anything that is not a letter or a digit.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

TONE_MARKS = ("\u0300", "\u0301", "\u0303", "\u0309", "\u0323")  # grave, acute, tilde, hook, dot below

# Old-style placement puts the tone on the second vowel of "oa", "oe", "uy" in an open syllable
# ("hoà", "khoẻ", "thuỷ"); the new style puts it on the first ("hòa", "khỏe", "thủy"). Both occur in
# the official data and in what citizens type, so both are brought to the new style.
_OPEN_PAIR = re.compile(r"(?<!q)([ou])([ae\u0079])([\u0300\u0301\u0303\u0309\u0323])(?![a-z\u0100-\u1fff])")

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def _move_tones(decomposed: str) -> str:
    def swap(match: re.Match[str]) -> str:
        first, second, tone = match.group(1), match.group(2), match.group(3)
        if first == "u" and second != "y":
            return match.group(0)
        if first == "o" and second == "y":
            return match.group(0)
        return first + tone + second

    return _OPEN_PAIR.sub(swap, decomposed)


@lru_cache(maxsize=65536)
def canonical(text: str) -> str:
    """NFC, lower case, tone placement unified."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return unicodedata.normalize("NFC", _move_tones(decomposed))


def _strip_marks(decomposed: str) -> str:
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case, no diacritics, ``đ`` → ``d``: what a citizen typing without accents writes."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    return _strip_marks(decomposed)


def tokens(text: str) -> list[str]:
    """Words of ``text`` (letters and digits), in order."""
    return _WORD.findall(text)


def has_accents(text: str) -> bool:
    """True when the text carries Vietnamese diacritics (so accent-aware matching is meaningful)."""
    decomposed = unicodedata.normalize("NFD", text)
    return "đ" in text.lower() or any(unicodedata.combining(ch) for ch in decomposed)


OLD_STYLE_PAIRS = {
    "o" + unicodedata.normalize("NFC", vowel + tone): unicodedata.normalize("NFC", "o" + tone) + vowel
    for vowel in "ae"
    for tone in TONE_MARKS
} | {
    "u" + unicodedata.normalize("NFC", "y" + tone): unicodedata.normalize("NFC", "u" + tone) + "y"
    for tone in TONE_MARKS
}
# Characters the tone pattern treats as letters: those whose decomposition starts with one.
_LETTERS_NFC = "".join(
    ch
    for ch in map(chr, range(0xC0, 0x2000))
    if re.match("[a-z\u0100-\u1fff]", unicodedata.normalize("NFD", ch))
)
_OLD_PAIR_NFC = re.compile(
    "(?<!q)(" + "|".join(sorted(OLD_STYLE_PAIRS)) + ")(?![a-z" + re.escape(_LETTERS_NFC) + "])"
)
_ANY_OLD_PAIR = re.compile("|".join(sorted(OLD_STYLE_PAIRS)))


def canonical_fast(text: str) -> str:
    """Same result as ``canonical``, uncached and several times faster on long messages.

    Works on NFC text and only runs the tone-moving pattern when an old-style pair occurs.
    """
    lowered = unicodedata.normalize("NFC", text.lower())
    if _ANY_OLD_PAIR.search(lowered) is None:
        return lowered
    return _OLD_PAIR_NFC.sub(lambda m: OLD_STYLE_PAIRS[m.group(1)], lowered)


__all__ = ["OLD_STYLE_PAIRS", "TONE_MARKS", "canonical", "canonical_fast", "fold", "has_accents", "tokens"]
