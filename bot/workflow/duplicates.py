"""Possible duplicates: open tickets whose text is close to a new one ("có thể trùng #N").

The caller picks the candidates (open tickets of the same ward and topic from the last
``DUPLICATE_WINDOW``); this module only scores texts. A text becomes a weighted set of features on
its folded form (accents optional, so "ổ gà" and "o ga" agree): its content syllables, and pairs of
neighbouring content syllables, weighted double, because a Vietnamese word is usually two syllables
("ổ gà", "đèn đường") and a pair says much more than either half. Filler syllables (pronouns,
particles, politeness, administrative words every message has) are dropped first.
Two texts score the weighted Dice coefficient of their features, from 0 (nothing shared) to 1.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from itertools import pairwise

from bot.tagging.normalize import canonical, fold, tokens

DUPLICATE_WINDOW = timedelta(days=14)
DEFAULT_THRESHOLD = 0.5
PAIR_WEIGHT = 2.0


def _syllables(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Folded syllables that carry no subject: pronouns, particles, linking and politeness words, time
# words, chat abbreviations, and the administrative words of every complaint. Folding merges words
# ("có" and "cỏ" are both "co"); only syllables whose common readings are all filler are here.
STOP_SYLLABLES = _syllables(
    """
    a ah ai anh ba bac bao bi ca cac cai chao chi chiec chinh chu chung cho co con cu cua cung
    da dan dang de deu di dia dieu duoc dc dk gi gio gui hay het hoac hom ik ja k
    khi khong ko kinh la lai lam luc luon ma minh moi mong mot mk mn nao nay neu nen nghi nguoi ng
    nha nhe nhieu nhu nhung nua phai phuong qua quyen rat roi se sao tai thay the thi thon
    tren trong tu tuan uy va van vay ve vi voi vs xa xin xom
    """
)
# Filler syllables whose folded form is also a content word ("ở" but "ổ gà", "tôi" but "tối",
# "đến" but "đèn", "đây" but "dây điện"): dropped only when written with these accents.
STOP_ACCENTED = _syllables("ở tôi đến đây đấy đó đã cần ông lần đợi bộ cảm ơn")


def content_syllables(text: str) -> list[str]:
    """Folded syllables of ``text`` without filler, in order."""
    return [
        folded
        for word in tokens(canonical(text))
        if word not in STOP_ACCENTED and (folded := fold(word)) not in STOP_SYLLABLES
    ]


def features(text: str) -> dict[str, float]:
    """Weighted features of a text: content syllables (1) and neighbouring pairs of them (2)."""
    words = content_syllables(text)
    weighted = {word: 1.0 for word in words if len(word) > 1 or word.isdigit()}
    weighted.update({f"{first} {second}": PAIR_WEIGHT for first, second in pairwise(words)})
    return weighted


def similarity(first: dict[str, float], second: dict[str, float]) -> float:
    """Weighted Dice coefficient of two feature sets."""
    total = sum(first.values()) + sum(second.values())
    if not total:
        return 0.0
    shared = sum(weight for feature, weight in first.items() if feature in second)
    return 2 * shared / total


def text_similarity(first: str, second: str) -> float:
    return similarity(features(first), features(second))


def find_similar(
    text: str, candidates: Iterable[tuple[int, str]], threshold: float = DEFAULT_THRESHOLD
) -> list[tuple[int, float]]:
    """Candidates ``(ticket_id, text)`` scoring at least ``threshold``, best first (older first on ties)."""
    own = features(text)
    scored = [(ticket_id, similarity(own, features(other))) for ticket_id, other in candidates]
    return sorted(
        ((ticket_id, score) for ticket_id, score in scored if score >= threshold and score > 0),
        key=lambda item: (-item[1], item[0]),
    )


__all__ = [
    "DEFAULT_THRESHOLD",
    "DUPLICATE_WINDOW",
    "STOP_ACCENTED",
    "STOP_SYLLABLES",
    "content_syllables",
    "features",
    "find_similar",
    "similarity",
    "text_similarity",
]
