"""Finding the place names a message mentions: candidate units per span, with type and old-name markers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.tagging.gazetteer import PROVINCE_KINDS, Candidates, Gazetteer, Spelling, Unit
from bot.tagging.locality_text import BREAK, TokenizedText

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
# The same by how they may be written (canonical words joined): without accents, or with exactly
# the right ones.
_PRE_TYPES_WRITTEN = {
    form: types
    for words, (spelling, types) in _PRE_TYPES.items()
    for form in (" ".join(words), spelling)
    if form
}
_POST_TYPES_WRITTEN = {" ".join(words): types for words, types in _POST_TYPES.items()}
# A number is a unit's name only after a type word ("phường 3") or before an English one.
NUMBER_BEFORE, NUMBER_AFTER = _TYPE_LAST_TOKENS, _POST_FIRST_TOKENS

# Words after a name that mark it as a pre-2025 name ("cũ", "trước sáp nhập"), and words before it
# ("the former …", "trước đây là …").
_OLD_AFTER = frozenset({"cũ", "trước", "cu"})
_OLD_BEFORE = frozenset({"former", "formerly", "old", "used", "previously", "trước", "truoc"})

# A name right after one of these is a person, a street or a village, not the unit of that name
# ("ông Thái Bình", "đường Trần Phú", "xóm Thái Bình"). Some count written without accents too
# (an ASCII word is never accented, so they can share the set).
_NOT_PLACE_BEFORE = frozenset(
    {
        "ông", "bà", "anh", "chị", "em", "cô", "chú", "bác", "cháu", "thầy", "dì", "cậu", "mợ",
        "mr", "mrs", "ms", "miss", "đường", "phố", "ngõ", "ngách", "hẻm", "kiệt", "trường", "chợ", "cầu",
        "bến", "sông", "núi", "hồ", "quán", "đình", "chùa", "street", "road", "st", "hotel",
        "thôn", "xóm", "bản", "ấp", "làng", "buôn", "khóm", "khu", "hamlet", "village",
        "ong", "chi", "co", "chu", "bac", "chau", "thay", "duong", "pho", "thon", "xom", "lang", "buon",
    }
)  # fmt: skip
_LOCATIVES = frozenset({"ở", "tại", "o", "tai", "in", "at", "near", "gần"})
_NOT_PLACE_AFTER = frozenset({"ơi", "oi", "street", "road", "st"})


@dataclass(slots=True)
class Mention:
    start: int  # first token, type word included
    end: int  # token after the name (and after an English type word)
    cands: Candidates
    old: bool
    needs_support: bool
    locative: bool = False  # right after "ở", "tại", "in", …: a place is expected here


def find_mentions(
    gaz: Gazetteer,
    text: TokenizedText,
    names: dict[int, list[tuple[int, str]]],
    skip: tuple[int, int] | None = None,
) -> list[Mention]:
    """Longest-match every indexed name in the text; keep the spans that can be places.

    ``names`` are the names the scan found (``locality_scan.Scan.names``). Words in ``skip`` (a
    village's name: "xóm Thái Bình") are not looked at."""
    mentions: list[Mention] = []
    resume = 0
    skip_start, skip_end = skip or (0, 0)
    for i in sorted(names):
        if i < resume or skip_start <= i < skip_end or not _may_start(gaz, text, i):
            continue
        picked = _pick_span(gaz, text, i, _ends(gaz, text, i, names[i]))
        mention = _build(text, i, *picked) if picked else None
        if mention is not None:
            mentions.append(mention)
            resume = mention.end
    return mentions


def _ends(gaz: Gazetteer, text: TokenizedText, i: int, found: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """(end, name) of the names starting at word ``i``, shortest first: the word itself when it is
    a name, and the longer names found that do not span a hard break."""
    word = text.folded[i]
    ends = [(i + 1, word)] if word in gaz.index else []
    ends += [(end, key) for end, key in found if not text.breaks(i + 1, end)]
    return ends


def _may_start(gaz: Gazetteer, text: TokenizedText, k: int) -> bool:
    """Cheap checks before a span is looked at: after a type word anything goes; otherwise a
    one-word name must be a province or an old district ("Huế", "Vinh"), and where the writer
    capitalises names every word of a longer one must be capitalised. Without capitals, a name
    must start with the first two words of some name of two words or more."""
    folded = text.folded
    if k > 0 and folded[k - 1] in _TYPE_LAST_TOKENS:
        return True
    pair = k + 1 < len(folded) and f"{folded[k]} {folded[k + 1]}" in gaz.pair_prefixes
    if not text.upper(k):
        return pair and not text.cased
    if pair and text.upper(k + 1):
        return True
    return folded[k] in gaz.untyped_one_word_names if text.cased else pair


def _pick_span(
    gaz: Gazetteer, text: TokenizedText, start: int, ends: list[tuple[int, str]]
) -> tuple[int, Spelling] | None:
    """Longest span; with accented text prefer the longest one whose accents match exactly."""
    if not ends:
        return None
    if text.any_accented(start, ends[-1][0]):
        for end, key in reversed(ends):
            exact = gaz.spellings[key][1].get(" ".join(text.canon[start:end]))
            if exact is not None:
                return end, exact
        if text.folded[start] in _TYPE_FIRST_TOKENS:
            return None
    end, key = ends[-1]
    return end, gaz.spellings[key][0]


def _build(text: TokenizedText, i: int, j: int, spelling: Spelling) -> Mention | None:
    """The mention for name span ``i:j``, or None when it cannot be a place here."""
    pre = _pre_type(text, i)
    post = None if pre else _post_type(text, j)
    if not _plausible(text, i, j, typed=bool(pre or post)):
        return None
    capitals = spelling.units_in_capitals is not spelling.units and all(map(text.all_caps, range(i, j)))
    units = spelling.units_in_capitals if capitals else spelling.units
    start = pre[0] if pre else i
    end = post[0] if post else j
    old = _marked_old(text, start, end)
    types = pre[1] if pre else post[1] if post else None
    if types is not None:
        units = _subset(spelling, capitals, types, units)
        numeric = text.canon[i].isdigit()
        return Mention(start, end, units, old, numeric and len(units.units) > 1) if units.units else None
    if not units.units:
        return None
    provinces = _subset(spelling, capitals, None, units)
    if provinces.units:
        return Mention(start, end, provinces, old, False)
    locative = i > 0 and not text.brk(i) and text.canon[i - 1] in _LOCATIVES
    return Mention(start, end, units, old, True, locative)


def _subset(
    spelling: Spelling, capitals: bool, types: frozenset[str] | None, units: Candidates
) -> Candidates:
    """The units of the type words ``types`` (see ``_by_type``), or the provinces (``types`` None)."""
    key = (capitals, types)
    found = spelling.subsets.get(key)
    if found is None:
        found = spelling.subsets[key] = Candidates(
            _by_type(units.units, types)
            if types is not None
            else tuple(u for u in units.units if u.kind in PROVINCE_KINDS)
        )
    return found


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


def _by_type(units: Sequence[Unit], types: frozenset[str]) -> tuple[Unit, ...]:
    exact = tuple(u for u in units if u.type_word in types)
    if exact:
        return exact
    levels = {_TYPE_LEVEL[t] for t in types} | ({0} if "thành phố" in types else set())
    return tuple(u for u in units if u.level in levels)


def _pre_type(text: TokenizedText, i: int) -> tuple[int, frozenset[str]] | None:
    """(first word, types) of the type word written right before word ``i``."""
    if i == 0 or text.folded[i - 1] not in _TYPE_LAST_TOKENS or BREAK in text.gaps[i]:
        return None
    canon = text.canon
    if i >= 2 and BREAK not in text.gaps[i - 1]:
        types = _PRE_TYPES_WRITTEN.get(f"{canon[i - 2]} {canon[i - 1]}")
        if types is not None:
            return i - 2, types
    types = _PRE_TYPES_WRITTEN.get(canon[i - 1])
    return (i - 1, types) if types is not None else None


def _post_type(text: TokenizedText, j: int) -> tuple[int, frozenset[str]] | None:
    """(word after, types) of the English type word written right after the name ending at ``j``."""
    n = len(text)
    if j >= n or text.folded[j] not in _POST_FIRST_TOKENS or BREAK in text.gaps[j]:
        return None
    canon = text.canon
    if j + 2 <= n:
        types = _POST_TYPES_WRITTEN.get(f"{canon[j]} {canon[j + 1]}")
        if types is not None:
            return j + 2, types
    types = _POST_TYPES_WRITTEN.get(canon[j])
    return (j + 1, types) if types is not None else None


def _marked_old(text: TokenizedText, start: int, end: int) -> bool:
    canon = text.canon
    if end < len(canon) and canon[end] in _OLD_AFTER:
        return True
    return not _OLD_BEFORE.isdisjoint(canon[max(0, start - 3) : start])


def _not_a_place(text: TokenizedText, i: int, j: int) -> bool:
    gaps = text.gaps  # ``text.brk`` inlined: a hot path
    if i > 0 and BREAK not in gaps[i] and text.canon[i - 1] in _NOT_PLACE_BEFORE:
        return True
    return j < len(text.folded) and BREAK not in gaps[j] and text.folded[j] in _NOT_PLACE_AFTER
