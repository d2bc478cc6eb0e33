"""The place-name index behind the locality resolver, built once from ``vietnam_provinces``.

Every administrative unit, current (34 provinces, 3,321 wards) and pre-2025 (63 provinces,
696 districts, 10,051 wards), becomes a ``Unit`` that knows the current province(s) and ward(s)
it corresponds to today and the units that contain it. Names are indexed by their folded
(unaccented) token string; a message finds them in one automaton pass (``locality_scan``). What
the resolver asks of a name's units (``Candidates``) is kept with them, worked out once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import IntEnum

from bot.tagging.normalize import canonical, fold, tokens


class Kind(IntEnum):
    PROVINCE = 0
    OLD_PROVINCE = 1
    OLD_DISTRICT = 2
    WARD = 3
    OLD_WARD = 4


CURRENT_KINDS = frozenset({Kind.PROVINCE, Kind.WARD})
PROVINCE_KINDS = frozenset({Kind.PROVINCE, Kind.OLD_PROVINCE})
LEGACY_KINDS = frozenset({Kind.OLD_PROVINCE, Kind.OLD_DISTRICT, Kind.OLD_WARD})

# Type words as they prefix official names, longest first.
_TYPE_PREFIXES = (
    "thành phố",
    "thị trấn",
    "đặc khu",
    "thị xã",
    "phường",
    "huyện",
    "quận",
    "tỉnh",
    "xã",
)

# Other names citizens use for a current province: (alias, province code, upper-case only).
# Short abbreviations count only when written in capitals ("dn" is also "doanh nghiệp").
_PROVINCE_ALIASES: tuple[tuple[str, int, bool], ...] = (
    ("hcm", 79, False),
    ("tphcm", 79, False),
    ("hcmc", 79, False),
    ("sài gòn", 79, False),
    ("saigon", 79, False),
    ("sg", 79, True),
    ("hn", 1, True),
    ("hanoi", 1, False),
    ("danang", 48, False),
    ("haiphong", 31, False),
    ("cantho", 92, False),
    ("đn", 48, True),
    ("thừa thiên huế", 46, False),
)


@dataclass(frozen=True, slots=True)
class Unit:
    uid: int
    kind: Kind
    code: int
    type_word: str  # canonical: "xã", "phường", "huyện", "tỉnh", "thành phố", …
    name: str  # bare official name, as written in the data ("Vĩnh Tường")
    provinces: tuple[int, ...]  # current province code(s)
    wards: tuple[int, ...]  # current ward code(s); empty for provinces
    parents: frozenset[tuple[int, int]]  # (kind, code) of every unit that contains this one
    key: tuple[int, int]  # (kind, code)
    is_current: bool  # a post-2025 unit
    level: int  # 0 province, 1 district, 2 ward


@dataclass(frozen=True, slots=True)
class Entry:
    """One way of writing a unit's name."""

    unit: Unit
    canon: str  # canonical tokens joined by spaces: accented matching
    upper_only: bool = False


class Candidates:
    """Units a place name may mean, and what the resolver asks of them, each worked out on first
    use: the candidates of a name's spelling are one object shared by every message naming it
    (``Spelling.subsets``), so most of it is worked out once per process."""

    __slots__ = (
        "_by_parent", "_current", "_keys", "_legacy", "_legacy_only", "_picked", "_provinces", "_reach",
        "_touched", "_verdicts", "_wide", "units",
    )  # fmt: skip

    _KEPT_MAX = 32  # results kept per object (``pick``, ``touched``)

    def __init__(self, units: Sequence[Unit]) -> None:
        self.units = units
        self._keys: frozenset[tuple[int, int]] | None = None
        self._by_parent: dict[tuple[int, int], list[int]] | None = None
        self._reach: frozenset[tuple[int, int]] | None = None
        self._wide: list[int] | None = None
        self._legacy_only: bool | None = None
        self._provinces: frozenset[int] | None = None
        self._current: Candidates | None = None
        self._legacy: Candidates | None = None
        self._verdicts: dict[int | None, tuple[_Decision | None, _Decision | None, _Decision | None]] = {}
        self._picked: dict[tuple[int, ...], Candidates] | None = None
        self._touched: dict[object, tuple[int, ...]] | None = None

    @property
    def keys(self) -> frozenset[tuple[int, int]]:
        if self._keys is None:
            self._keys = frozenset(u.key for u in self.units)
        return self._keys

    @property
    def by_parent(self) -> dict[tuple[int, int], list[int]]:
        """Key of a unit containing some of these → their positions."""
        if self._by_parent is None:
            self._by_parent = {}
            for position, unit in enumerate(self.units):
                for parent in unit.parents:
                    self._by_parent.setdefault(parent, []).append(position)
        return self._by_parent

    @property
    def reach(self) -> frozenset[tuple[int, int]]:
        """Every unit that contains one of these."""
        if self._reach is None:
            self._reach = frozenset(self.by_parent)
        return self._reach

    @property
    def legacy_only(self) -> bool:
        """All are pre-2025 units (none is current)."""
        if self._legacy_only is None:
            self._legacy_only = all(u.kind in LEGACY_KINDS for u in self.units)
        return self._legacy_only

    @property
    def wide(self) -> list[int]:
        """Positions of the provinces and districts."""
        if self._wide is None:
            self._wide = [position for position, unit in enumerate(self.units) if unit.level < 2]
        return self._wide

    @property
    def provinces(self) -> frozenset[int]:
        if self._provinces is None:
            self._provinces = frozenset(p for u in self.units for p in u.provinces)
        return self._provinces

    def current(self) -> Candidates:
        """The post-2025 units (the same object when all are)."""
        if self._current is None:
            current = [u for u in self.units if u.is_current]
            self._current = self if len(current) == len(self.units) else Candidates(current)
        return self._current

    def pick(self, positions: tuple[int, ...]) -> Candidates:
        """The units at ``positions`` (ascending), kept so that what is worked out on them is too:
        the same names support each other in many messages ("Hội Sơn, Anh Sơn")."""
        if self._picked is None:
            self._picked = {}
        found = self._picked.get(positions)
        if found is None:
            found = Candidates([self.units[p] for p in positions])
            if len(self._picked) < self._KEPT_MAX:
                self._picked[positions] = found
        return found

    def touched(self, keys: frozenset[tuple[int, int]], other: Candidates) -> tuple[int, ...]:
        """Positions of the units that a unit of ``keys`` contains, or that contain one of
        ``other`` (checked only for the rare provinces and districts among these)."""
        if self._touched is None:
            self._touched = {}
        wide = self.wide
        cache_key: object = (keys, other) if wide else keys
        found = self._touched.get(cache_key)
        if found is None:
            by_parent = self.by_parent
            touched = {position for key in keys & self.reach for position in by_parent[key]}
            if wide:
                reach = other.reach
                touched.update(k for k in wide if self.units[k].key in reach)
            found = tuple(touched)
            if len(self._touched) < self._KEPT_MAX:
                self._touched[cache_key] = found
        return found

    def legacy(self) -> Candidates:
        """The pre-2025 units."""
        if self._legacy is None:
            self._legacy = Candidates([u for u in self.units if not u.is_current])
        return self._legacy

    def verdicts(
        self, context_province: int | None
    ) -> tuple[_Decision | None, _Decision | None, _Decision | None]:
        """What the wards, the districts and the provinces among these certainly say, in that order:
        (province, wards) when they are all in one province, or in several of which one is the
        context's; the wards only below the province level, when those units all agree on them."""
        found = self._verdicts.get(context_province)
        if found is None:
            found = self._verdicts[context_province] = (
                _decision([u for u in self.units if u.level == 2], 2, context_province),
                _decision([u for u in self.units if u.level == 1], 1, context_province),
                _decision([u for u in self.units if u.level == 0], 0, context_province),
            )
        return found

    @property
    def below_province(self) -> bool:
        """Some are districts or wards."""
        return any(u.level > 0 for u in self.units)


_Decision = tuple[int, tuple[int, ...]]  # (province, wards)


def _decision(units: list[Unit], level: int, context_province: int | None) -> _Decision | None:
    if not units:
        return None
    provinces = {p for u in units for p in u.provinces}
    if len(provinces) > 1 and context_province in provinces:
        units = [u for u in units if context_province in u.provinces]
        provinces = {context_province}
    if len(provinces) != 1:
        return None
    ward_sets = {u.wards for u in units}
    return next(iter(provinces)), next(iter(ward_sets)) if level > 0 and len(ward_sets) == 1 else ()


@dataclass(eq=False, slots=True)
class Spelling:
    """The units a name may mean as written one way: all the entries of a folded name, or those
    whose accents match. Subsets the resolver asks for again and again (the units of one type
    word, the provinces) are kept in ``subsets``."""

    units: Candidates
    units_in_capitals: Candidates  # written in capitals: also aliases such as "SG" (else ``units``)
    subsets: dict[object, Candidates] = field(default_factory=dict)

    @classmethod
    def of(cls, entries: list[Entry]) -> Spelling:
        units = Candidates(tuple(e.unit for e in entries if not e.upper_only))
        if len(units.units) == len(entries):
            return cls(units, units)
        return cls(units, Candidates(tuple(e.unit for e in entries)))


def _spellings(index: dict[str, list[Entry]]) -> dict[str, tuple[Spelling, dict[str, Spelling]]]:
    """Per folded name: its spelling whatever the accents, and one per accented form."""
    out = {}
    for key, entries in index.items():
        by_canon: dict[str, list[Entry]] = {}
        for entry in entries:
            by_canon.setdefault(entry.canon, []).append(entry)
        out[key] = (Spelling.of(entries), {canon: Spelling.of(same) for canon, same in by_canon.items()})
    return out


def split_type(full_name: str) -> tuple[str, str]:
    """``"Xã Vĩnh Tường"`` → ``("xã", "Vĩnh Tường")``."""
    lowered = canonical(full_name)
    for prefix in _TYPE_PREFIXES:
        if lowered.startswith(prefix + " "):
            return prefix, full_name[len(prefix) + 1 :].strip()
    return "", full_name


def token_key(text: str) -> str:
    return " ".join(tokens(canonical(text)))


def folded_key(text: str) -> str:
    return " ".join(tokens(fold(canonical(text))))


@dataclass(slots=True)
class Gazetteer:
    units: list[Unit]
    index: dict[str, list[Entry]]  # folded name → entries
    # Folded name → its spelling whatever the accents, and per canonical form the one with those accents.
    spellings: dict[str, tuple[Spelling, dict[str, Spelling]]]
    pair_prefixes: frozenset[str]  # the first two folded words of every name of two words or more
    untyped_one_word_names: frozenset[
        str
    ]  # those that may stand without a type word (provinces, old districts)
    province_names: dict[int, str]  # current province code → full official name
    ward_names: dict[int, str]  # current ward code → full official name
    ward_province: dict[int, int]
    data_version: str

    @classmethod
    def build(cls) -> Gazetteer:
        import vietnam_provinces
        from vietnam_provinces._lookup import PROVINCE_MAPPING, WARD_MAPPING
        from vietnam_provinces._province_conversion_2025 import OLD_TO_NEW as PROVINCE_OLD_TO_NEW
        from vietnam_provinces._ward_conversion_2025 import NEW_TO_OLD, OLD_TO_NEW
        from vietnam_provinces.legacy._lookup import DISTRICT_MAPPING as OLD_DISTRICTS
        from vietnam_provinces.legacy._lookup import PROVINCE_MAPPING as OLD_PROVINCES
        from vietnam_provinces.legacy._lookup import WARD_MAPPING as OLD_WARDS

        builder = _Builder()
        old_province_new = {
            code: tuple(ref.code for ref in entry.new_provinces)
            for code, entry in PROVINCE_OLD_TO_NEW.items()
        }
        for code, province in PROVINCE_MAPPING.items():
            builder.add(Kind.PROVINCE, code, province.name, (code,), (), frozenset())
        for code, old_province in OLD_PROVINCES.items():
            new_codes = old_province_new.get(code, ())
            in_new = frozenset((int(Kind.PROVINCE), new) for new in new_codes)
            builder.add(Kind.OLD_PROVINCE, code, old_province.name, new_codes, (), in_new)

        district_province = {code: int(d.province_code) for code, d in OLD_DISTRICTS.items()}
        district_wards: dict[int, set[int]] = {code: set() for code in OLD_DISTRICTS}
        old_ward_new: dict[int, tuple[int, ...]] = {}
        for code, entry in OLD_TO_NEW.items():
            new = tuple(ref.code for ref in entry.new_wards)
            old_ward_new[code] = new
            district_wards.setdefault(entry.old_ward.district_code, set()).update(new)

        for code, ward in WARD_MAPPING.items():
            province_code = int(ward.province_code)
            ward_parents = {(int(Kind.PROVINCE), province_code)}
            old = NEW_TO_OLD.get(code)
            for ref in old.old_wards if old else ():
                ward_parents.add((int(Kind.OLD_DISTRICT), ref.district_code))
                ward_parents.add((int(Kind.OLD_PROVINCE), ref.province_code))
            builder.add(Kind.WARD, code, ward.name, (province_code,), (code,), frozenset(ward_parents))
            builder.ward_province[code] = province_code

        for code, district in OLD_DISTRICTS.items():
            wards = tuple(sorted(district_wards.get(code, ())))
            provinces = tuple(sorted({builder.ward_province[w] for w in wards}))
            old_province_code = district_province[code]
            district_parents = {(int(Kind.OLD_PROVINCE), old_province_code)}
            district_parents.update((int(Kind.PROVINCE), p) for p in provinces)
            builder.add(Kind.OLD_DISTRICT, code, district.name, provinces, wards, frozenset(district_parents))

        for code, old_ward in OLD_WARDS.items():
            district_code = int(old_ward.district_code)
            wards = old_ward_new.get(code, ())
            provinces = tuple(sorted({builder.ward_province[w] for w in wards}))
            old_ward_parents = {
                (int(Kind.OLD_DISTRICT), district_code),
                (int(Kind.OLD_PROVINCE), district_province[district_code]),
            }
            old_ward_parents.update((int(Kind.PROVINCE), p) for p in provinces)
            builder.add(Kind.OLD_WARD, code, old_ward.name, provinces, wards, frozenset(old_ward_parents))

        province_uid = {u.code: u.uid for u in builder.units if u.kind is Kind.PROVINCE}
        for alias, code, upper_only in _PROVINCE_ALIASES:
            builder.index_name(alias, province_uid[code], upper_only)

        version = f"{vietnam_provinces.__version__} ({vietnam_provinces.__data_version__})"
        return cls(
            units=builder.units,
            index=builder.index,
            spellings=_spellings(builder.index),
            pair_prefixes=frozenset(" ".join(key.split(" ")[:2]) for key in builder.index if " " in key),
            untyped_one_word_names=frozenset(
                key
                for key, entries in builder.index.items()
                if " " not in key and any(e.unit.level < 2 for e in entries)
            ),
            province_names={code: p.name for code, p in PROVINCE_MAPPING.items()},
            ward_names={code: w.name for code, w in WARD_MAPPING.items()},
            ward_province=builder.ward_province,
            data_version=version,
        )


class _Builder:
    def __init__(self) -> None:
        self.units: list[Unit] = []
        self.index: dict[str, list[Entry]] = {}
        self.ward_province: dict[int, int] = {}

    def add(
        self,
        kind: Kind,
        code: int,
        full_name: str,
        provinces: tuple[int, ...],
        wards: tuple[int, ...],
        parents: frozenset[tuple[int, int]],
    ) -> None:
        type_word, name = split_type(full_name)
        level = 0 if kind in PROVINCE_KINDS else 1 if kind is Kind.OLD_DISTRICT else 2
        current = kind in CURRENT_KINDS
        key = (int(kind), code)
        unit = Unit(
            len(self.units), kind, code, type_word, name, provinces, wards, parents, key, current, level
        )
        self.units.append(unit)
        self.index_name(name, unit.uid, False)

    def index_name(self, name: str, uid: int, upper_only: bool) -> None:
        key = folded_key(name)
        if not key:
            return
        self.index.setdefault(key, []).append(Entry(self.units[uid], token_key(name), upper_only))
