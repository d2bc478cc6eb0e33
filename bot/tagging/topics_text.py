"""A message's words and texts in the forms phrase matching needs, in a few C-level passes.

Words are UTF-8 ``bytes``: the canonical form (accents kept) and the folded one, word for word, as
``normalize`` makes them for the taxonomy's own phrases.

Most messages are ASCII plus the lower-case letters of ``LETTERS`` (the Vietnamese ones, then other
Latin-1 ones) and characters that only separate words (emoji, curly quotes, dashes). One charmap
encoding gives each character one *letter byte* (a separator a space); one ``bytes.translate`` of
those folds the letters to their ASCII base and turns punctuation into spaces, another keeps the
letters: two texts that line up character for character, in which a phrase is found in the first
and its accents are read off the second, without splitting either into words. Old-style tone
placement ("hoà", "thuỷ") is put right in the letter bytes too. Other text takes the general path
through ``normalize``.
"""

from __future__ import annotations

import codecs
import functools
import re
import unicodedata

from bot.tagging.normalize import OLD_STYLE_PAIRS, TONE_MARKS, fold, tokens

Words = list[bytes]

# ASCII bytes that are not letters or digits become spaces; bytes of UTF-8 sequences are kept.
SEPARATORS = bytes(c if chr(c).isalnum() or c >= 0x80 else 0x20 for c in range(256))


def fold_bytes(canonical_text: str) -> bytes:
    """ASCII fold of canonical text; a character with no ASCII base letter is dropped (callers check)."""
    decomposed = unicodedata.normalize("NFD", canonical_text.replace("đ", "d"))
    return decomposed.encode("ascii", "ignore")


# Lower-case letters that fold to one ASCII letter: the Vietnamese ones, then other Latin-1 ones (whose
# capitals are Latin-1 too).
_VIETNAMESE_LETTERS = ["đ"] + [
    unicodedata.normalize("NFC", vowel + tone) for vowel in "aăâeêioôơuưy" for tone in ("", *TONE_MARKS)
]
_LATIN_1_LETTERS = [chr(c) for c in range(0xC0, 0x100) if chr(c).islower() and chr(c).upper() < "\u0100"]
LETTERS = [
    letter
    for letter in dict.fromkeys(_VIETNAMESE_LETTERS + _LATIN_1_LETTERS)
    if not letter.isascii() and len(fold_bytes(letter)) == 1 and fold_bytes(letter).isalpha()
]
# Their capitals (one character each): letter bytes keep the case, the tables below lower it, so the
# message is never lower-cased as a string.
_CAPITALS = {
    c: letter for letter in LETTERS if len(c := letter.upper()) == 1 and c != letter and c.lower() == letter
}

# Every character with a letter byte: ASCII (but the control characters that are not white space,
# whose bytes hold letters; NUL stays for ``codecs.charmap_build`` to give a fast map), then the
# letters and their capitals.
_RARE_CONTROLS = [*range(0x01, 0x09), *range(0x0E, 0x20), 0x7F]
_BYTES = {chr(c): c for c in range(0x80) if c not in _RARE_CONTROLS}
_BYTES.update(zip([*LETTERS, *_CAPITALS], [*range(0x80, 0x100), *_RARE_CONTROLS], strict=False))
assert len(_BYTES) == 0x80 - len(_RARE_CONTROLS) + len(LETTERS) + len(_CAPITALS)  # every one has a byte
_CHARACTERS = {byte: character for character, byte in _BYTES.items()}
_LETTER_TABLE = "".join(_CHARACTERS.get(byte, "\ufffe") for byte in range(0x100))
_LETTER_MAP = codecs.charmap_build(_LETTER_TABLE)
assert not isinstance(_LETTER_MAP, dict)  # a dict would take several times as long to encode with


def _translation(of_lower_case: dict[str, int]) -> bytes:
    """A ``bytes.translate`` table: the byte of a character → what ``of_lower_case`` gives its lower
    case, or a space."""
    table = bytearray(b" " * 0x100)
    for character, byte in _BYTES.items():
        table[byte] = of_lower_case.get(character.lower(), 0x20)
    return bytes(table)


# Letter bytes → the folded form (ASCII) and → the canonical form (letter bytes), both in lower case,
# with punctuation and white space as spaces; → lower case.
_ASCII_WORD = {c: ord(c) for c in map(chr, range(0x80)) if c.isalnum() and not c.isupper()}
_FOLD = _translation(_ASCII_WORD | {letter: fold_bytes(letter)[0] for letter in LETTERS})
_KEEP = _translation(_ASCII_WORD | {letter: _BYTES[letter] for letter in LETTERS})
_LOWER = bytes(_BYTES[_CHARACTERS[byte].lower()] if byte in _CHARACTERS else byte for byte in range(0x100))


@functools.lru_cache(maxsize=4096)
def _separates(character: str) -> bool:
    """Neither a letter nor a digit, and an ASCII control character or nothing when folded (emoji,
    curly quotes, dashes, ellipsis): such a character only separates words, on either path. Those from
    U+0100 to U+1FFF (combining marks, modifier symbols) are left to the general path: the normaliser
    counts them as letters after an old-style tone pair."""
    if character.isalnum() or "\u0100" <= character < "\u2000":
        return False
    return character.isascii() or not fold_bytes(character)


def _space_for_separators(error: UnicodeError) -> tuple[str, int]:
    """Charmap error handler: separators (``_separates``) become spaces, like ASCII punctuation."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    if not all(map(_separates, error.object[error.start : error.end])):
        raise error
    return " " * (error.end - error.start), error.end


codecs.register_error("bot.tagging.separators", _space_for_separators)


def letter_bytes(text: str) -> bytes | None:
    """One byte per character, a separator (``_separates``) a space; None when a character is none of
    ASCII, ``LETTERS`` or a separator."""
    try:
        return codecs.charmap_encode(text, "bot.tagging.separators", _LETTER_MAP)[0]
    except UnicodeEncodeError:
        return None


UNKNOWN = b"\x00"  # in the letter bytes of canonical words: a character without a letter byte


def _unknown_for_others(error: UnicodeError) -> tuple[str, int]:
    """Charmap error handler for canonical words: characters without a letter byte become as many
    ``UNKNOWN`` as their folded form has UTF-8 bytes, so that the words still line up with the folded
    ones (``scanned`` text is in UTF-8 bytes)."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    others = error.object[error.start : error.end]
    return UNKNOWN.decode() * len(fold(others).encode()), error.end


codecs.register_error("bot.tagging.unknown", _unknown_for_others)


def words_letter_bytes(canonical_words: str) -> bytes:
    """Letter bytes of canonical words between spaces, ``UNKNOWN`` for what has none (see above)."""
    return codecs.charmap_encode(canonical_words, "bot.tagging.unknown", _LETTER_MAP)[0]


def _encoded(letters: str) -> bytes:
    encoded = letter_bytes(letters)
    assert encoded is not None
    return encoded


def from_letter_bytes(letters: bytes) -> str:
    return codecs.charmap_decode(letters, "strict", _LETTER_TABLE)[0]


# Old-style tone placement (see ``normalize``): the tone of "oa", "oe" and "uy" in an open syllable goes
# on the first vowel ("hoà" → "hòa", "thuỷ" → "thủy"); not after "q" ("quý") nor before a letter
# ("hoàng"). In lower-cased letter bytes a letter is a-z or the byte of one of ``LETTERS``, and a
# separator a space.
_NEW_STYLE_BYTES = {_encoded(old): _encoded(new) for old, new in OLD_STYLE_PAIRS.items()}
_LETTER_BYTES = re.escape(bytes(_BYTES[letter] for letter in LETTERS))
_OLD_STYLE = re.compile(
    b"(" + b"|".join(map(re.escape, _NEW_STYLE_BYTES)) + b")(?<!q..)(?![a-z" + _LETTER_BYTES + b"])"
)
# A quick test first: "o" and "u" marked as themselves, the second halves of pairs as "A" and "Y".
_PAIR_MARKS = _translation(
    {"o": ord("o"), "u": ord("u")}
    | {letter: ord("A") for letter in LETTERS if "o" + letter in OLD_STYLE_PAIRS}
    | {letter: ord("Y") for letter in LETTERS if "u" + letter in OLD_STYLE_PAIRS}
)


def _new_style(pair: re.Match[bytes]) -> bytes:
    return _NEW_STYLE_BYTES[pair.group(1)]


def canonical_letters(text: str) -> bytes | None:
    """The letter bytes of ``text`` in NFC, but for old-style tone placement put right as in
    ``normalize.canonical_fast`` (case is left to ``spaced``); None when it has none."""
    normalized = unicodedata.normalize("NFC", text)
    letters = letter_bytes(normalized)
    if letters is None or normalized.isascii():
        return letters
    marked = letters.translate(_PAIR_MARKS)
    if marked.find(b"oA") >= 0 or (b"Y" in marked and marked.find(b"uY") >= 0):
        return _OLD_STYLE.sub(_new_style, letters.translate(_LOWER))
    return letters


def spaced(letters: bytes) -> tuple[bytes, bytes]:
    """Folded and canonical forms (lower case) of letter bytes, separators as spaces, never more than
    two in a row."""
    folded = letters.translate(_FOLD)
    canon = letters.translate(_KEEP)
    while folded.find(b"   ") >= 0:  # the same in both: their spaces are in the same places
        folded = folded.replace(b"  ", b" ")
        canon = canon.replace(b"  ", b" ")
    return folded, canon


def split_words(canonical: str) -> tuple[Words, Words]:
    """Canonical and folded words of canonical text, for text without letter bytes."""
    folded_text = fold_bytes(canonical)
    if len(folded_text) == len(canonical):  # every character folded to one ASCII character
        canon = canonical.encode().translate(SEPARATORS).split()
        folded = folded_text.translate(SEPARATORS).split()
        if len(canon) == len(folded):
            return canon, folded
    general = tokens(canonical)
    return list(map(str.encode, general)), list(map(str.encode, map(fold, general)))


def scanned(spaced_words: bytes) -> str:
    """The text phrases are looked for in: words between spaces, one more at each end, reversed."""
    return (b" " + spaced_words + b" ")[::-1].decode("latin-1")


__all__ = [
    "LETTERS",
    "SEPARATORS",
    "UNKNOWN",
    "Words",
    "canonical_letters",
    "fold_bytes",
    "from_letter_bytes",
    "letter_bytes",
    "scanned",
    "spaced",
    "split_words",
    "words_letter_bytes",
]
