"""Finding the taxonomy's phrases in a message: one Aho-Corasick pass over its folded text.

The message is scanned as ``topics_text.scanned`` text: folded words separated by one or two spaces
(punctuation became spaces), reversed. Every folded phrase key goes into one automaton, delimited by
spaces so that only whole words match, reversed, and spelt with each choice of one or two spaces
between its words. Scanning backwards, the automaton reports at each word the longest key that starts
there first; every other key starting at that word is a prefix of it. So what a word-by-word trie walk
would pick at that word (the longest phrase carrying a topic, and the longest one without) is looked
up per key, and Python only sees one entry per word that starts a phrase.

Accents are checked only for the phrases found, mostly by one dictionary lookup: the canonical text,
which lines up with the folded one character for character, is cut at the match, and what a match
does is precomputed for the canonical forms most matches have (the phrase's own accents, or none).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import product
from typing import Any

import ahocorasick

from bot.tagging.abbreviations import Analysed
from bot.tagging.topics_text import letter_bytes, scanned


@dataclass(frozen=True, slots=True)
class PhraseForm:
    """What matching needs of a phrase; ``topical`` says whether it carries a topic."""

    canon: tuple[bytes, ...]
    folded: tuple[bytes, ...]
    english: bool
    topical: bool

    @property
    def single_accented(self) -> bool:
        return len(self.canon) == 1 and self.canon != self.folded


@dataclass(frozen=True, slots=True)
class AccentWeights:
    """How much a match counts by how its accents agree (see ``accent`` in ``config/topics.yaml``)."""

    exact: float
    unaccented: float
    conflicting: float
    unaccented_single: float


# What one match does to the found phrases: ``(phrase, quality, replace)``, each setting the phrase's
# quality when ``replace`` or when it is higher than the quality found so far.
Plan = tuple[tuple[int, float, bool], ...]

# A word written with accents that are neither the phrase's nor none (private use: never in a word).
_OTHER_ACCENTS = "\ue000".encode()


class _Key:
    """The phrases sharing one folded key, as spelt with some gaps, for messages of one language.

    ``plans`` maps the canonical text of a match to its plan: precomputed for each phrase written with
    its own accents and for the key written without any. A one-word key also has the plan of a word
    with any other accents, ``others``.
    """

    __slots__ = ("length", "others", "phrases", "plans", "size", "topical")

    def __init__(self, phrases: tuple[int, ...], size: int, topical: bool, length: int) -> None:
        self.phrases = phrases
        self.size = size
        self.topical = topical
        self.length = length  # characters of the key in the scanned text, its two delimiting spaces included
        self.plans: dict[str, Plan] = {}
        self.others: Plan | None = None


Gaps = tuple[bytes, ...]
_GAPS = (b" ", b"  ")  # what separates two words in a scanned text
# What a trie walk from a word keeps: the longest key without a topic, then the longest with one.
_Start = tuple[_Key, ...]


def _spelt(words: Sequence[bytes], gaps: Gaps) -> bytes:
    spelt = words[0]
    for gap, word in zip(gaps, words[1:], strict=True):
        spelt += gap + word
    return spelt


def _letter_words(words: Sequence[bytes]) -> tuple[bytes, ...] | None:
    """The words in letter bytes, if they have them."""
    letters = [letter_bytes(word.decode()) for word in words]
    return None if None in letters else tuple(word for word in letters if word is not None)


_Letters = dict[tuple[bytes, ...], list[tuple[bytes, ...] | None]]


@dataclass(frozen=True, slots=True)
class _Spelling:
    """A key spelt with some gaps: as scanned text, its canonical forms spelt the same way (None for a
    form without letter bytes), and where a trie walk over it stops: the spellings of its longest
    prefix key without a topic, then with one (as there are)."""

    folded: tuple[bytes, ...]
    text: str
    canon_texts: tuple[str | None, ...]
    walk: tuple[int, ...]


class PhraseScanner:
    """Finds the phrases of a taxonomy in analysed messages and weighs their accents."""

    def __init__(self, forms: Sequence[PhraseForm], accent: AccentWeights) -> None:
        self._forms = list(forms)
        self._accent = accent
        self._by_folded: dict[tuple[bytes, ...], tuple[int, ...]] = {}
        for index, form in enumerate(forms):
            self._by_folded[form.folded] = (*self._by_folded.get(form.folded, ()), index)
        self._topical = {
            folded: any(forms[i].topical for i in phrases) for folded, phrases in self._by_folded.items()
        }
        # The canonical forms of each key in letter bytes (None for one without them).
        letters = {
            folded: [_letter_words(c) for c in self._canon_forms(folded)] for folded in self._by_folded
        }
        spellings = self._spellings(letters)
        # One automaton per message language (Vietnamese, English), whose keys hold that language's plans.
        self._automata = tuple(self._automaton(spellings, letters, english) for english in (False, True))

    def _canon_forms(self, folded: tuple[bytes, ...]) -> list[tuple[bytes, ...]]:
        """The canonical forms plans are made for: the key without accents, then each phrase's."""
        return [folded, *(self._forms[i].canon for i in self._by_folded[folded])]

    def _spellings(self, letters: _Letters) -> list[_Spelling]:
        numbers: dict[tuple[tuple[bytes, ...], Gaps], int] = {}
        for folded in self._by_folded:
            for gaps in product(_GAPS, repeat=len(folded) - 1):
                numbers[folded, gaps] = len(numbers)
        spellings = []
        for folded, gaps in numbers:
            walk: list[int | None] = [None, None]  # the longest prefix key without a topic, with one
            for size in range(1, len(folded) + 1):
                number = numbers.get((folded[:size], gaps[: size - 1]))
                if number is not None:
                    walk[self._topical[folded[:size]]] = number
            text = scanned(_spelt(folded, gaps))
            canon_texts = tuple(
                None if w is None else text if w == folded else scanned(_spelt(w, gaps))
                for w in letters[folded]
            )
            stops = tuple(number for number in walk if number is not None)
            spellings.append(_Spelling(folded, text, canon_texts, stops))
        return spellings

    def _automaton(self, spellings: list[_Spelling], letters: _Letters, english: bool) -> Any:
        plans: dict[tuple[bytes, ...], tuple[list[Plan], Plan | None]] = {}
        for folded, phrases in self._by_folded.items():
            size = len(folded)
            of_form = [
                self._plan(phrases, size, _analysed(c, folded, english), 0) for c in self._canon_forms(folded)
            ]
            others = None
            # A word with other accents: one that is none of the forms. Every form must have letter
            # bytes for that, as the word may be one without them (with ``UNKNOWN`` in its text).
            if size == 1 and None not in letters[folded]:
                others = self._effective(
                    self._plan(phrases, 1, _analysed((_OTHER_ACCENTS,), folded, english), 0)
                )
            plans[folded] = [self._effective(p) for p in of_form], others
        keys = []
        for spelling in spellings:
            folded = spelling.folded
            key = _Key(self._by_folded[folded], len(folded), self._topical[folded], len(spelling.text))
            of_form, key.others = plans[folded]
            key.plans = {text: plan for text, plan in zip(spelling.canon_texts, of_form, strict=True) if text}
            keys.append(key)
        automaton = ahocorasick.Automaton()
        for spelling in spellings:
            start: _Start = tuple(keys[number] for number in spelling.walk)
            automaton.add_word(spelling.text, start)
        automaton.make_automaton()
        return automaton

    def _effective(self, plan: Plan) -> Plan:
        """``plan`` without the steps that can never change anything: those that would only set a quality
        of zero or less when it is higher, since found qualities are never below zero (when an exact
        match does not count less than nothing)."""
        if self._accent.exact < 0:
            return plan
        return tuple(step for step in plan if step[2] or step[1] > 0)

    def scan(self, words: Analysed) -> dict[int, float]:
        """Matched phrase ids with their best accent quality, in the order they were first matched.

        At each word the longest topic-bearing phrase wins and hides shorter ones inside it, so
        "đường dây điện" is not also "đường"; the longest urgent-only or cue-only phrase at each word
        is kept as well, since it carries no topic to hide.
        """
        text = words.folded_text
        canon_text = words.canon_text
        # Reversed, the matches come by descending start, the longest first at each: keyed by
        # position and read backwards, the dict keeps the longest, by ascending start.
        starts: dict[int, _Start] = dict(reversed(list(self._automata[words.english].iter(text))))
        found: dict[int, float] = {}
        get = found.get
        covered = len(text)  # where (in the reversed text) the last topic-bearing phrase recorded ends
        word_at: dict[int, int] | None = None  # word indices, for the rare match without a plan
        for end, start in starts.items():
            after = end + 1
            for key in start:
                begin = after - key.length
                if key.topical:
                    if begin > covered:
                        continue
                    covered = begin - 1
                plan = None if canon_text is None else key.plans.get(canon_text[begin:after], key.others)
                if plan is None:
                    if word_at is None:
                        word_at = _word_indices(text)
                    plan = self._plan(key.phrases, key.size, words, word_at[end])
                for index, quality, replace in plan:
                    if replace or quality > get(index, 0.0):
                        found[index] = quality
        return found

    def _plan(self, phrases: tuple[int, ...], size: int, words: Analysed, start: int) -> Plan:
        """What a match of ``phrases`` (of ``size`` words) at word ``start`` sets: the best-agreeing
        phrases' qualities."""
        forms = self._forms
        if len(phrases) == 1:
            form = forms[phrases[0]]
            if form.english == words.english and words.canon[start : start + size] == list(form.canon):
                return ((phrases[0], self._accent.exact, True),)
            return ((phrases[0], self._quality(form, words, start), False),)
        qualities = [(self._quality(forms[i], words, start), i) for i in phrases]
        best = max(q for q, _ in qualities)
        return tuple((index, quality, False) for quality, index in qualities if quality == best)

    def _quality(self, form: PhraseForm, words: Analysed, start: int) -> float:
        """How well the accents agree; English phrases only count in English messages and vice versa."""
        canon = form.canon
        size = len(canon)
        if form.english != words.english and (
            form.english or canon != tuple(words.folded[start : start + size])
        ):
            return 0.0
        accent = self._accent
        if size == 1:
            got = words.canon[start]
            if got == canon[0]:
                return accent.exact
            if got != words.folded[start]:
                return 0.0 if form.single_accented else accent.conflicting
            return accent.unaccented_single if form.single_accented else accent.unaccented
        quality = accent.exact
        for offset, expected in enumerate(canon):
            got = words.canon[start + offset]
            if got == expected:
                continue
            if got != words.folded[start + offset]:
                return accent.conflicting
            quality = accent.unaccented
        return quality


_WORD_START = re.compile(r"(?<= )[^ ]")


def _word_indices(text: str) -> dict[int, int]:
    """Where a key starting at each word ends in the reversed scanned ``text`` → that word's index."""
    last = len(text) - 1
    return {last - match.start() + 1: index for index, match in enumerate(_WORD_START.finditer(text[::-1]))}


def _analysed(canon: Sequence[bytes], folded: Sequence[bytes], english: bool) -> Analysed:
    return Analysed("", None, english, canon=list(canon), folded=list(folded))


__all__ = ["AccentWeights", "PhraseForm", "PhraseScanner"]
