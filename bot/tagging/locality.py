"""Locality resolver: which province and ward(s) a citizen's message is about.

Names are matched against current (post-2025) and pre-2025 units; old names resolve to the
current ward(s) they became. When the text is ambiguous the resolver returns only what is
certain (a province, or nothing) and the context fills in the rest.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from itertools import islice
from operator import add

from bot.tagging.gazetteer import Gazetteer, Kind, Unit, folded_key, split_type, token_key
from bot.tagging.locality_mentions import Mention, find_mentions
from bot.tagging.locality_sub import find_sub_locality
from bot.tagging.locality_text import TokenizedText
from bot.tagging.types import LocalityTag, TagContext

_SEARCH_TYPES = frozenset({"xa", "phuong", "x", "p", "tt", "thi tran", "dac khu", "thi xa"})
_SEARCH_HITS_MAX = 400
_LEGACY_ONLY = frozenset({Kind.OLD_PROVINCE, Kind.OLD_DISTRICT, Kind.OLD_WARD})
# Another mention as a ranking sees it: the mention and its candidates' keys.
_Other = tuple[Mention, set[tuple[int, int]]]


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    ward_code: int
    province_code: int
    label: str  # "Xã Vĩnh Tường, Nghệ An" (+ " (trước: xã Hội Sơn)" for an old name)
    legacy_name: str | None = None


@dataclass(frozen=True, slots=True)
class _Found:
    province: int | None  # None: a place is named but which one is not certain
    wards: tuple[int, ...]
    mention: str


class LocalityResolver:
    def __init__(self, gazetteer: Gazetteer) -> None:
        self._gaz = gazetteer
        self.data_version = gazetteer.data_version
        self._search_keys = sorted(
            (folded_key(u.name), u.uid) for u in gazetteer.units if u.kind in (Kind.WARD, Kind.OLD_WARD)
        )

    @classmethod
    def build(cls) -> LocalityResolver:
        return cls(Gazetteer.build())

    # --- resolution -------------------------------------------------------------------------

    def resolve(self, text: str, context: TagContext | None = None) -> LocalityTag:
        context = context or TagContext()
        tokenized = TokenizedText(text)
        sub_span = find_sub_locality(tokenized, self._gaz.pair_prefixes)
        found = self._from_text(tokenized, context, sub_span)
        return self._merge(found, context, tokenized.excerpt(*sub_span) if sub_span else None)

    def _from_text(
        self, text: TokenizedText, context: TagContext, sub_span: tuple[int, int] | None = None
    ) -> _Found | None:
        mentions = _accept(find_mentions(self._gaz, text, sub_span))
        if not mentions:
            return None
        snapshot = [(m, {c.key for c in m.cands}) for m in mentions] if len(mentions) > 1 else []
        for mention in mentions:
            _rank(mention, [other for other in snapshot if other[0] is not mention])
        context_province = self._context_province(context)
        for level in (2, 1, 0):
            for mention in mentions:
                found = _decide(mention, level, context_province, text)
                if found is not None:
                    return found
        # A commune or district is named but could be in several provinces (none the context's):
        # the message is about a place elsewhere, so the context must not stand in for it.
        named = next((m for m in mentions if any(c.level > 0 for c in m.cands)), None)
        return _Found(None, (), text.excerpt(named.start, named.end)) if named else None

    def _context_province(self, context: TagContext) -> int | None:
        if context.ward_code is not None and context.ward_code in self._gaz.ward_province:
            return self._gaz.ward_province[context.ward_code]
        return context.province_code

    def _merge(self, found: _Found | None, context: TagContext, sub: str | None) -> LocalityTag:
        context_ward = context.ward_code if self.is_ward(context.ward_code) else None
        context_province = self._context_province(context)
        if found is not None and found.province is None:
            return LocalityTag(None, (), found.mention, sub, None)
        if found is None:
            if context_ward is not None and context_province is not None:
                return LocalityTag(context_province, (context_ward,), None, sub, "context")
            if context_province is not None:
                return LocalityTag(context_province, (), None, sub, "context")
            return LocalityTag(sub_locality=sub)
        if not found.wards and context_ward is not None and context_province == found.province:
            return LocalityTag(found.province, (context_ward,), found.mention, sub, "context")
        return LocalityTag(found.province, found.wards, found.mention, sub, "text")

    # --- look-ups for the bot -----------------------------------------------------------------

    def is_ward(self, code: int | None) -> bool:
        return code is not None and code in self._gaz.ward_names

    def is_province(self, code: int | None) -> bool:
        return code is not None and code in self._gaz.province_names

    def province_of_ward(self, code: int) -> int | None:
        return self._gaz.ward_province.get(code)

    def province_name(self, code: int) -> str:
        """Short name: "Tỉnh Nghệ An" → "Nghệ An", "Thành phố Hà Nội" → "Hà Nội"."""
        return split_type(self._gaz.province_names[code])[1]

    def ward_name(self, code: int) -> str:
        return self._gaz.ward_names[code]

    def ward_label(self, code: int) -> str:
        return f"{self.ward_name(code)}, {self.province_name(self._gaz.ward_province[code])}"

    def search(self, query: str, province_code: int | None = None, limit: int = 6) -> list[PlaceMatch]:
        """Wards whose current or pre-2025 name matches what a citizen typed, best first.

        Accent-insensitive (typed accents rank an exact match first); a type word ("xã", "phường")
        may be typed or not; a trailing province name narrows the search ("Vĩnh Tường Nghệ An");
        an unfinished last word completes ("vinh tuo").
        """
        folded, accented = folded_key(query).split(), token_key(query).split()
        skip = (
            2
            if " ".join(folded[:2]) in _SEARCH_TYPES
            else 1
            if folded[:1] and folded[0] in _SEARCH_TYPES
            else 0
        )
        folded, accented = folded[skip:], accented[skip:]
        ranked: dict[int, tuple[tuple[int, int, int], PlaceMatch]] = {}
        for name_len in range(len(folded), 0, -1):
            province = self._trailing_province(folded[name_len:], province_code)
            if province == -1:
                continue
            written = " ".join(accented[:name_len])
            for quality, unit in self._name_hits(" ".join(folded[:name_len]), written):
                score = (quality, 0 if unit.kind is Kind.WARD else 1, len(ranked))
                for match in self._matches(unit, province):
                    if match.ward_code not in ranked or score < ranked[match.ward_code][0]:
                        ranked[match.ward_code] = (score, match)
            if ranked:
                break
        return [match for _, match in sorted(ranked.values(), key=lambda item: item[0])][:limit]

    def _trailing_province(self, rest: list[str], given: int | None) -> int | None:
        """Province named by the words after the ward name; -1 when they name none."""
        if not rest:
            return given
        for entry in self._gaz.index.get(" ".join(rest), []):
            unit = entry.unit
            is_province = unit.kind in (Kind.PROVINCE, Kind.OLD_PROVINCE) and len(unit.provinces) == 1
            if is_province and (given is None or given == unit.provinces[0]):
                return unit.provinces[0]
        return -1

    def _name_hits(self, key: str, written: str) -> list[tuple[int, Unit]]:
        """(quality, unit): 0 same name with the same accents, 1 same name, 2 name starts with the key."""
        hits: list[tuple[int, Unit]] = []
        start = bisect.bisect_left(self._search_keys, (key, -1))
        for name_key, uid in islice(self._search_keys, start, None):
            if not name_key.startswith(key) or len(hits) >= _SEARCH_HITS_MAX:
                break
            unit = self._gaz.units[uid]
            if name_key == key:
                hits.append((0 if token_key(unit.name) == written else 1, unit))
            else:
                hits.append((2, unit))
        return hits

    def _matches(self, unit: Unit, province: int | None) -> list[PlaceMatch]:
        legacy = f"{unit.type_word} {unit.name}" if unit.kind is Kind.OLD_WARD else None
        out = []
        for ward in unit.wards:
            ward_province = self._gaz.ward_province[ward]
            if province is not None and ward_province != province:
                continue
            label = self.ward_label(ward) + (f" (trước: {legacy})" if legacy else "")
            out.append(PlaceMatch(ward, ward_province, label, legacy))
        return out


def _accept(mentions: list[Mention]) -> list[Mention]:
    """Keep the mentions that stand alone, plus those another accepted mention contains or confirms."""
    accepted = [m for m in mentions if not m.needs_support]
    pending = [m for m in mentions if m.needs_support]
    changed = True
    while changed and pending:
        changed = False
        keys = {k for m in accepted for k in m.unit_keys()}
        for mention in list(pending):
            supported = [c for c in mention.cands if c.parents & keys]
            if supported:
                mention.cands = supported
                accepted.append(mention)
                pending.remove(mention)
                changed = True
    accepted.extend(m for m in pending if m.locative and _one_place(m))
    accepted.sort(key=lambda m: m.start)
    return accepted


def _one_place(mention: Mention) -> bool:
    """An unconfirmed name after "ở"/"in" counts when it can only mean places in one province;
    current units are weighed first ("ở Phú Quốc")."""
    current = [c for c in mention.cands if c.is_current]
    cands = current or mention.cands
    if len({p for c in cands for p in c.provinces}) != 1:
        return False
    mention.cands = cands
    return True


def _rank(mention: Mention, others: list[_Other]) -> None:
    """Keep the candidates best confirmed by the other mentions; then current over pre-2025 names."""
    if others:
        support = _support(mention.cands, others)
        best = max(support)
        if best > 0:
            mention.cands = [c for score, c in zip(support, mention.cands, strict=True) if score == best]
    current = [c for c in mention.cands if c.is_current]
    if current and len(current) < len(mention.cands):
        if _old_context(mention, others):
            mention.cands = [c for c in mention.cands if not c.is_current]
        else:
            mention.cands = current


def _support(cands: list[Unit], others: list[_Other]) -> list[int]:
    """Per candidate, how many other mentions contain it or are contained by it.

    Containment by another mention is one C-level ``isdisjoint`` pass per mention; only the rare
    province or district candidates are checked the other way round."""
    parents = [c.parents for c in cands]
    support = [0] * len(cands)
    for other, keys in others:
        outside = map(keys.isdisjoint, parents)  # per candidate: in none of the other's units
        touched = [
            not out or (c.level < 2 and _contains(c, other)) for c, out in zip(cands, outside, strict=True)
        ]
        support = list(map(add, support, touched))
    return support


def _contains(unit: Unit, other: Mention) -> bool:
    return any(unit.key in c.parents for c in other.cands)


def _old_context(mention: Mention, others: list[_Other]) -> bool:
    """The text marks the name as pre-2025, or names a pre-2025-only unit containing it."""
    if mention.old:
        return True
    legacy = [c for c in mention.cands if not c.is_current]
    for other, keys in others:
        if all(c.kind in _LEGACY_ONLY for c in other.cands) and any(
            not c.parents.isdisjoint(keys) for c in legacy
        ):
            return True
    return False


def _decide(mention: Mention, level: int, context_province: int | None, text: TokenizedText) -> _Found | None:
    """What the mention's candidates at ``level`` certainly say: one province (the context's when
    they span several), and the ward set when all candidates agree on it."""
    cands = [c for c in mention.cands if c.level == level]
    if not cands:
        return None
    provinces = {p for c in cands for p in c.provinces}
    if len(provinces) > 1 and context_province in provinces:
        cands = [c for c in cands if context_province in c.provinces]
        provinces = {context_province}
    if len(provinces) != 1:
        return None
    province = next(iter(provinces))
    ward_sets = {c.wards for c in cands}
    wards = next(iter(ward_sets)) if level > 0 and len(ward_sets) == 1 else ()
    return _Found(province, wards, text.excerpt(mention.start, mention.end))
