"""One C-level pass over a message finds every word where a place name or a village-group phrase
("thôn", "tổ dân phố") may start, so the resolver's Python steps run only there.

The pass is an Aho–Corasick automaton over the text's *marked line* (``locality_text``): one token
per word, joined by single spaces. A word the automaton looks for is written folded ("tan");
a one-word name written capitalised gets a leading ``^`` ("^hue"); any other word is left out
(only ``^`` when capitalised), which keeps the line and the automaton small.

A name or group phrase of several words matches however its words are capitalised (its keys are
every marking). A one-word name matches only where it could be a place on its own: capitalised,
or a number right after a type word ("phường 3") or before an English one ("3 district"). Written
in lower case, or a bare number, it never is (``locality_mentions._plausible``), so "từ", "làm" or
"con", which are also unit names, cost nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import product
from typing import NamedTuple

import ahocorasick

CAPITAL = "^"  # marks a capitalised word in a marked line
NAME_STARTS_HERE = ""  # a hit's name when it only says that a name may start at the word
NUMBER_ONLY, NAME_TOO = 1, 2  # what may follow a group phrase: a number, or also a name


class Hit(NamedTuple):
    """What a key's match says, relative to the key's first word."""

    skip: int  # words of context before the name or phrase
    width: int  # words in the name or phrase
    name: str | None  # folded name of several words; NAME_STARTS_HERE; None: no name
    group: int  # a village-group phrase: NUMBER_ONLY or NAME_TOO; 0: none


class Scan(NamedTuple):
    # First word → (word after the name, folded name) of each name of several words found there,
    # shortest first; an empty list where a one-word name may stand (see the module's docstring).
    names: dict[int, list[tuple[int, str]]]
    # (first word, minus its width, what may follow) of each group phrase, in order (widest first).
    groups: list[tuple[int, int, int]]


class Scanner:
    def __init__(
        self,
        names: Iterable[str],
        group_phrases: Iterable[tuple[tuple[str, ...], int]],
        before_number: Iterable[str],
        after_number: Iterable[str],
    ) -> None:
        """``group_phrases``: (folded words, what may follow); a number is a place name after a
        word in ``before_number`` or before one in ``after_number``."""
        names = list(names)
        # The words written marked when capitalised: the one-word names.
        self.capitals = frozenset(name for name in names if " " not in name and not name.isdigit())
        hits: dict[str, list[Hit]] = {}
        for name in names:
            words = name.split(" ")
            if len(words) > 1:
                for key in self._markings(words):
                    hits.setdefault(key, []).append(Hit(0, len(words), name, 0))
            elif not name.isdigit():
                hits.setdefault(CAPITAL + name, []).append(Hit(0, 1, NAME_STARTS_HERE, 0))
            else:
                for word in before_number:
                    for key in self._markings([word, name]):
                        hits.setdefault(key, []).append(Hit(1, 1, NAME_STARTS_HERE, 0))
                for word in after_number:
                    for key in self._markings([name, word]):
                        hits.setdefault(key, []).append(Hit(0, 1, NAME_STARTS_HERE, 0))
        for phrase, follows in group_phrases:
            for key in self._markings(list(phrase)):
                hits.setdefault(key, []).append(Hit(0, len(phrase), None, follows))
        # Every word of a key: the words a marked line writes out.
        self.words = frozenset(word.removeprefix(CAPITAL) for key in hits for word in key.split(" "))
        self._automaton = ahocorasick.Automaton()
        for key, key_hits in hits.items():
            # Spaces around the key: it matches whole words only. Its length locates its start.
            self._automaton.add_word(f" {key} ", (len(key) + 1, tuple(map(tuple, _merged(key_hits)))))
        self._automaton.make_automaton()

    def _markings(self, words: list[str]) -> list[str]:
        """The words joined, in every way a marked line may write them."""
        choices = [("", CAPITAL) if word in self.capitals else ("",) for word in words]
        return [
            " ".join(m + word for m, word in zip(marks, words, strict=True)) for marks in product(*choices)
        ]

    def scan(self, line: str) -> Scan:
        """Names and group phrases in ``line``, a marked line with a space at each end."""
        names: dict[int, list[tuple[int, str]]] = {}
        groups: list[tuple[int, int, int]] = []
        count = line.count
        first = at = 0  # one space before each word: ``first`` spaces before offset ``at``
        for last, (length, hits) in self._automaton.iter(line):
            key_at = last - length
            first += count(" ", at, key_at) if key_at >= at else -count(" ", key_at, at)
            at = key_at
            for skip, width, name, group in hits:
                start = first + skip
                if group:
                    groups.append((start, -width, group))
                if name is not None:
                    ends = names.get(start)
                    if ends is None:
                        names[start] = [(start + width, name)] if name else []
                    elif name:
                        ends.append((start + width, name))
        groups.sort()
        return Scan(names, groups)


def _merged(hits: list[Hit]) -> list[Hit]:
    """The hits with the same span made one where they can be (a name that is also a group
    phrase: "Làng")."""
    out: list[Hit] = []
    for hit in hits:
        for k, kept in enumerate(out):
            if (
                kept[:2] == hit[:2]
                and (kept.name is None or hit.name is None)
                and not (kept.group and hit.group)
            ):
                out[k] = kept._replace(
                    name=hit.name if kept.name is None else kept.name, group=kept.group or hit.group
                )
                break
        else:
            out.append(hit)
    return out
