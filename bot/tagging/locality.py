"""Locality resolver: which province and ward(s) a citizen's message is about.

Names are matched against current (post-2025) and pre-2025 units; old names resolve to the
current ward(s) they became. When the text is ambiguous the resolver returns only what is
certain (a province, or nothing) and the context fills in the rest.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from itertools import islice
from operator import attrgetter
from typing import NamedTuple

from bot.tagging.gazetteer import Candidates, Gazetteer, Kind, Unit, folded_key, split_type, token_key
from bot.tagging.locality_mentions import NUMBER_AFTER, NUMBER_BEFORE, Mention, find_mentions
from bot.tagging.locality_scan import Scan, Scanner
from bot.tagging.locality_sub import GROUP_PHRASES, find_sub_locality
from bot.tagging.locality_text import TokenizedText, Vocabulary
from bot.tagging.types import LocalityTag, TagContext

_SEARCH_TYPES = frozenset({"xa", "phuong", "x", "p", "tt", "thi tran", "dac khu", "thi xa"})
_SEARCH_HITS_MAX = 400
# Another mention as a ranking sees it: the mention and its candidates' keys before the ranking.
_Other = tuple[Mention, frozenset[tuple[int, int]]]
_START = attrgetter("start")


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    ward_code: int
    province_code: int
    label: str  # "Xã Vĩnh Tường, Nghệ An" (+ " (trước: xã Hội Sơn)" for an old name)
    legacy_name: str | None = None


class _Found(NamedTuple):
    province: int | None  # None: a place is named but which one is not certain
    wards: tuple[int, ...]
    mention: str


class LocalityResolver:
    def __init__(self, gazetteer: Gazetteer) -> None:
        self._gaz = gazetteer
        self.data_version = gazetteer.data_version
        self._scanner = Scanner(gazetteer.index, GROUP_PHRASES, NUMBER_BEFORE, NUMBER_AFTER)
        self._vocabulary = Vocabulary(self._scanner.words, self._scanner.capitals)
        self._search_keys = sorted(
            (folded_key(u.name), u.uid) for u in gazetteer.units if u.kind in (Kind.WARD, Kind.OLD_WARD)
        )

    @classmethod
    def build(cls) -> LocalityResolver:
        return cls(Gazetteer.build())

    # --- resolution -------------------------------------------------------------------------

    def resolve(self, text: str, context: TagContext | None = None) -> LocalityTag:
        context = context or TagContext()
        context_province = self._context_province(context)
        tokenized = TokenizedText(text, self._vocabulary)
        scan = self._scanner.scan(tokenized.line)
        if not scan.names and not scan.groups:  # nothing that could be a place
            return self._merge(None, context, context_province, None)
        tokenized.prepare()
        sub_span = find_sub_locality(tokenized, self._gaz.pair_prefixes, scan.groups)
        found = self._from_text(tokenized, context_province, scan, sub_span) if scan.names else None
        sub = tokenized.excerpt(*sub_span) if sub_span else None
        return self._merge(found, context, context_province, sub)

    def _from_text(
        self, text: TokenizedText, context_province: int | None, scan: Scan, sub_span: tuple[int, int] | None
    ) -> _Found | None:
        mentions = _accept(find_mentions(self._gaz, text, scan.names, sub_span))
        if not mentions:
            return None
        snapshot = [(m, m.cands.keys) for m in mentions] if len(mentions) > 1 else []
        for mention in mentions:
            _rank(mention, [other for other in snapshot if other[0] is not mention])
        verdicts = [m.cands.verdicts(context_province) for m in mentions]
        for level in range(3):  # wards, then districts, then provinces
            for mention, verdict in zip(mentions, verdicts, strict=True):
                decided = verdict[level]
                if decided is not None:
                    return _Found(decided[0], decided[1], text.excerpt(mention.start, mention.end))
        # A commune or district is named but could be in several provinces (none the context's):
        # the message is about a place elsewhere, so the context must not stand in for it.
        named = next((m for m in mentions if m.cands.below_province), None)
        return _Found(None, (), text.excerpt(named.start, named.end)) if named else None

    def _context_province(self, context: TagContext) -> int | None:
        if context.ward_code is not None and context.ward_code in self._gaz.ward_province:
            return self._gaz.ward_province[context.ward_code]
        return context.province_code

    def _merge(
        self, found: _Found | None, context: TagContext, context_province: int | None, sub: str | None
    ) -> LocalityTag:
        context_ward = context.ward_code if self.is_ward(context.ward_code) else None
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
    pending = [m for m in mentions if m.needs_support]
    if not pending:
        return mentions if len(mentions) < 2 else sorted(mentions, key=_START)
    accepted = [m for m in mentions if not m.needs_support]
    changed = True
    while changed and pending:
        changed = False
        keys = frozenset().union(*(m.cands.keys for m in accepted))
        for mention in list(pending):
            cands = mention.cands
            supported = sorted({p for key in keys & cands.reach for p in cands.by_parent[key]})
            if supported:
                mention.cands = cands.pick(tuple(supported))
                accepted.append(mention)
                pending.remove(mention)
                changed = True
    accepted.extend(m for m in pending if m.locative and _one_place(m))
    accepted.sort(key=_START)
    return accepted


def _one_place(mention: Mention) -> bool:
    """An unconfirmed name after "ở"/"in" counts when it can only mean places in one province;
    current units are weighed first ("ở Phú Quốc")."""
    current = mention.cands.current()
    cands = current if current.units else mention.cands
    if len(cands.provinces) != 1:
        return False
    mention.cands = cands
    return True


def _rank(mention: Mention, others: list[_Other]) -> None:
    """Keep the candidates best confirmed by the other mentions; then current over pre-2025 names."""
    cands = mention.cands
    if others:
        support = _support(cands, others)
        best = max(support)
        if best > 0:
            cands = mention.cands = cands.pick(tuple(k for k, score in enumerate(support) if score == best))
    current = cands.current()  # the same object when all are current
    if current is not cands and current.units:
        mention.cands = cands.legacy() if _old_context(mention, others) else current


def _support(cands: Candidates, others: list[_Other]) -> list[int]:
    """Per candidate, how many other mentions contain it or are contained by it."""
    support = [0] * len(cands.units)
    for other, keys in others:
        for position in cands.touched(keys, other.cands):
            support[position] += 1
    return support


def _old_context(mention: Mention, others: list[_Other]) -> bool:
    """The text marks the name as pre-2025, or names a pre-2025-only unit containing it."""
    if mention.old:
        return True
    legacy = mention.cands.legacy().units
    for other, keys in others:
        if other.cands.legacy_only and any(not c.parents.isdisjoint(keys) for c in legacy):
            return True
    return False
