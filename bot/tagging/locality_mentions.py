"""Finding the place names a message mentions: candidate units per span, with type and old-name markers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress, pairwise
from operator import or_

from bot.tagging.gazetteer import PROVINCE_KINDS, Entry, Gazetteer, Unit
from bot.tagging.locality_text import TokenizedText

_CITY_TYPES = frozenset({"thành phố"})
_DISTRICT_TYPES = frozenset({"huyện", "quận", "thị xã", "thành phố"})

# Type words written before a name, by their folded tokens → (accented spelling or "", official types).
# An accented spelling must match exactly ("quán" is a shop, not "quận").
_PRE_TYPES: dict[tuple[str, ...], tuple[str, frozenset[str]]] = {
    ("tinh",): ("tỉnh", frozenset({"tỉnh"})),
    ("thanh", "pho"): ("thành phố", _CITY_TYPES),
    ("tp",): ("", _CITY_TYPES),
    ("t", "p"): ("", _CITY_TYPES),
    ("huyen",): ("huyện", frozenset({"huyện"})),
    ("h",): ("", frozenset({"huyện"})),
    ("quan",): ("quận", frozenset({"quận"})),
    ("q",): ("", frozenset({"quận"})),
    ("thi", "xa"): ("thị xã", frozenset({"thị xã"})),
    ("tx",): ("", frozenset({"thị xã"})),
    ("xa",): ("xã", frozenset({"xã"})),
    ("x",): ("", frozenset({"xã"})),
    ("phuong",): ("phường", frozenset({"phường"})),
    ("p",): ("", frozenset({"phường"})),
    ("thi", "tran"): ("thị trấn", frozenset({"thị trấn"})),
    ("tt",): ("", frozenset({"thị trấn"})),
    ("dac", "khu"): ("đặc khu", frozenset({"đặc khu"})),
    ("district",): ("", _DISTRICT_TYPES),
    ("ward",): ("", frozenset({"phường"})),
}
# English type words written after a name.
_POST_TYPES: dict[tuple[str, ...], frozenset[str]] = {
    ("province",): frozenset({"tỉnh"}),
    ("city",): _CITY_TYPES,
    ("district",): _DISTRICT_TYPES,
    ("town",): frozenset({"thị xã", "thị trấn"}),
    ("township",): frozenset({"thị trấn"}),
    ("commune",): frozenset({"xã"}),
    ("ward",): frozenset({"phường"}),
    ("special", "zone"): frozenset({"đặc khu"}),
}
_POST_FIRST_TOKENS = frozenset(key[0] for key in _POST_TYPES)
_TYPE_LEVEL = {
    "tỉnh": 0,
    "thành phố": 1,
    "huyện": 1,
    "quận": 1,
    "thị xã": 1,
    "xã": 2,
    "phường": 2,
    "thị trấn": 2,
    "đặc khu": 2,
}
_TYPE_FIRST_TOKENS = frozenset(key[0] for key in _PRE_TYPES)
_TYPE_LAST_TOKENS = frozenset(key[-1] for key in _PRE_TYPES)

# Words after a name that mark it as a pre-2025 name ("cũ", "trước sáp nhập"), and words before it
# ("the former …", "trước đây là …").
_OLD_AFTER = frozenset({"cũ", "trước"})
_OLD_AFTER_FOLDED = frozenset({"cu"})
_OLD_BEFORE = frozenset({"former", "formerly", "old", "used", "previously", "trước", "truoc"})

# A name right after one of these is a person, a street or a village, not the unit of that name
# ("ông Thái Bình", "đường Trần Phú", "xóm Thái Bình").
_NOT_PLACE_BEFORE = frozenset(
    {
        "ông", "bà", "anh", "chị", "em", "cô", "chú", "bác", "cháu", "thầy", "dì", "cậu", "mợ",
        "mr", "mrs", "ms", "miss", "đường", "phố", "ngõ", "ngách", "hẻm", "kiệt", "trường", "chợ", "cầu",
        "bến", "sông", "núi", "hồ", "quán", "đình", "chùa", "street", "road", "st", "hotel",
        "thôn", "xóm", "bản", "ấp", "làng", "buôn", "khóm", "khu", "hamlet", "village",
    }
)  # fmt: skip
_NOT_PLACE_BEFORE_FOLDED = frozenset(
    {
        "ong",
        "anh",
        "chi",
        "em",
        "co",
        "chu",
        "bac",
        "chau",
        "thay",
        "duong",
        "pho",
        "thon",
        "xom",
        "lang",
        "buon",
    }
)
_LOCATIVES = frozenset({"ở", "tại", "o", "tai", "in", "at", "near", "gần"})
_NOT_PLACE_AFTER = frozenset({"ơi", "oi", "street", "road", "st"})


@dataclass(slots=True)
class Mention:
    start: int  # first token, type word included
    end: int  # token after the name (and after an English type word)
    cands: list[Unit]
    old: bool
    needs_support: bool
    locative: bool = False  # right after "ở", "tại", "in", …: a place is expected here

    def unit_keys(self) -> set[tuple[int, int]]:
        return {c.key for c in self.cands}


def find_mentions(gaz: Gazetteer, text: TokenizedText, skip: tuple[int, int] | None = None) -> list[Mention]:
    """Longest-match every indexed name in the text; keep the spans that can be places.

    Words in ``skip`` (a village's name: "xóm Thái Bình") are not looked at."""
    mentions: list[Mention] = []
    folded, prefixes, index = text.folded, gaz.prefixes, gaz.index
    n = len(folded)
    resume = 0
    skip_start, skip_end = skip or (0, 0)
    for i in _starts(gaz, text):
        if i < resume or skip_start <= i < skip_end:
            continue
        ends: list[tuple[int, str]] = []
        key, j = folded[i], i + 1
        if key in index:
            ends.append((j, key))
        while j < n:
            longer = key + " " + folded[j]
            if longer not in prefixes or text.brk(j):
                break
            key, j = longer, j + 1
            if key in index:
                ends.append((j, key))
        picked = _pick_span(text, i, ends, index) if ends else None
        mention = _build(gaz, text, i, *picked) if picked else None
        if mention is not None:
            mentions.append(mention)
            resume = mention.end
    return mentions


def _starts(gaz: Gazetteer, text: TokenizedText) -> list[int]:
    """Words a name may start at: a one-word name, or the first two words of a longer one.

    Where the writer capitalises names, only capitalised words and words right after a type word
    are tried. The scans are C-level ``map``/``compress`` passes: most words start no name.
    """
    folded = text.folded
    n = len(folded)
    if n == 0:
        return []
    positions: Sequence[int]
    if text.cased:
        positions = text.capitals
        if not _TYPE_LAST_TOKENS.isdisjoint(folded):
            after_type = compress(range(1, n), map(_TYPE_LAST_TOKENS.__contains__, folded))
            positions = sorted({*positions, *after_type})
        bigrams = [folded[k] + " " + folded[k + 1] if k + 1 < n else "" for k in positions]
        words = [folded[k] for k in positions]
    else:
        positions = range(n)
        bigrams = [*map(" ".join, pairwise(folded)), ""]
        words = folded
    pairs = list(map(gaz.pair_prefixes.__contains__, bigrams))
    named = map(or_, pairs, map(gaz.one_word_names.__contains__, words))
    return [
        k for k, pair in compress(zip(positions, pairs, strict=True), named) if _may_start(gaz, text, k, pair)
    ]


def _may_start(gaz: Gazetteer, text: TokenizedText, k: int, pair: bool) -> bool:
    """Cheap checks before a span is looked at: after a type word anything goes; otherwise a
    one-word name must be a province or an old district ("Huế", "Vinh"), and where the writer
    capitalises names every word of a longer one must be capitalised."""
    folded = text.folded
    if k > 0 and folded[k - 1] in _TYPE_LAST_TOKENS:
        return True
    if not text.cased:
        return pair
    if not text.upper(k):
        return False
    if pair and k + 1 < len(folded) and text.upper(k + 1):
        return True
    return folded[k] in gaz.untyped_one_word_names


def _pick_span(
    text: TokenizedText, start: int, ends: list[tuple[int, str]], index: dict[str, list[Entry]]
) -> tuple[int, list[Entry]] | None:
    """Longest span; with accented text prefer the longest one whose accents match exactly."""
    accented = text.any_accented(start, ends[-1][0])
    if accented:
        for end, key in reversed(ends):
            canon = " ".join(text.canon[start:end])
            exact = [e for e in index[key] if e.canon == canon]
            if exact:
                return end, exact
        if text.folded[start] in _TYPE_FIRST_TOKENS:
            return None
    end, key = ends[-1]
    return end, index[key]


def _build(gaz: Gazetteer, text: TokenizedText, i: int, j: int, entries: list[Entry]) -> Mention | None:
    """The mention for name span ``i:j``, or None when it cannot be a place here."""
    pre = _pre_type(text, i)
    post = None if pre else _post_type(text, j)
    if not _plausible(text, i, j, typed=bool(pre or post)):
        return None
    units = [e.unit for e in entries if not e.upper_only or all(text.all_caps(k) for k in range(i, j))]
    start = pre[0] if pre else i
    end = post[0] if post else j
    old = _marked_old(text, start, end)
    types = pre[1] if pre else post[1] if post else None
    if types is not None:
        units = _by_type(units, types)
        numeric = text.canon[i].isdigit()
        return Mention(start, end, units, old, numeric and len(units) > 1) if units else None
    if not units:
        return None
    provinces = [u for u in units if u.kind in PROVINCE_KINDS]
    if provinces:
        return Mention(start, end, provinces, old, False)
    locative = i > 0 and not text.brk(i) and text.canon[i - 1] in _LOCATIVES
    return Mention(start, end, units, old, True, locative)


def _plausible(text: TokenizedText, i: int, j: int, typed: bool) -> bool:
    """Capitals and neighbours allow a place here: a one-word name is capitalised (or a number
    after a type word); without a type word, a number never is a place, a lower-case name only
    where the writer does not capitalise, and not after "ông"/"đường" or before "ơi"."""
    numeric = j - i == 1 and text.canon[i].isdigit()
    capital = numeric or text.upper(i)
    if typed:
        return capital or j - i > 1
    if numeric or (text.cased and not _capitalised(text, i, j)) or (not capital and j - i == 1):
        return False
    return not _not_a_place(text, i, j)


def _capitalised(text: TokenizedText, i: int, j: int) -> bool:
    return all(text.upper(k) or text.canon[k].isdigit() for k in range(i, j))


def _by_type(units: list[Unit], types: frozenset[str]) -> list[Unit]:
    exact = [u for u in units if u.type_word in types]
    if exact:
        return exact
    levels = {_TYPE_LEVEL[t] for t in types} | ({0} if "thành phố" in types else set())
    return [u for u in units if u.level in levels]


def _pre_type(text: TokenizedText, i: int) -> tuple[int, frozenset[str]] | None:
    if i == 0 or text.folded[i - 1] not in _TYPE_LAST_TOKENS or text.brk(i):
        return None
    for width in (2, 1):
        start = i - width
        if start < 0 or (width == 2 and text.brk(i - 1)):
            continue
        found = _PRE_TYPES.get(tuple(text.folded[start:i]))
        if found is None:
            continue
        spelling, types = found
        written = " ".join(text.canon[start:i])
        accented = text.any_accented(start, i)
        if accented and written != spelling:
            continue
        return start, types
    return None


def _post_type(text: TokenizedText, j: int) -> tuple[int, frozenset[str]] | None:
    if j >= len(text) or text.folded[j] not in _POST_FIRST_TOKENS:
        return None
    for width in (2, 1):
        end = j + width
        if end > len(text) or text.brk(j) or text.any_accented(j, end):
            continue
        types = _POST_TYPES.get(tuple(text.folded[j:end]))
        if types is not None:
            return end, types
    return None


def _marked_old(text: TokenizedText, start: int, end: int) -> bool:
    if end < len(text):
        word = text.canon[end]
        if word in _OLD_AFTER or (word in _OLD_AFTER_FOLDED and not text.accented(end)):
            return True
    return any(text.canon[k] in _OLD_BEFORE for k in range(max(0, start - 3), start))


def _not_a_place(text: TokenizedText, i: int, j: int) -> bool:
    if i > 0 and not text.brk(i):
        before = text.canon[i - 1]
        if before in _NOT_PLACE_BEFORE or (before in _NOT_PLACE_BEFORE_FOLDED and not text.accented(i - 1)):
            return True
    return j < len(text) and not text.brk(j) and text.folded[j] in _NOT_PLACE_AFTER
