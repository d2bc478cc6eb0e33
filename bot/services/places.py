"""Finding the ward a person means when they type a place: "Hội Sơn", "xã Hội Sơn, Anh Sơn", "17357"."""

from __future__ import annotations

from bot.tagging import Tagger
from bot.tagging.locality import PlaceMatch
from bot.tagging.types import TagContext


def find_places(
    tagger: Tagger, query: str, limit: int = 6, province_code: int | None = None
) -> list[PlaceMatch]:
    """Best candidates first. A ward code, or a name the resolver pins down with its district or
    province, gives one answer; otherwise the name search offers up to ``limit`` choices."""
    localities = tagger.localities
    query = query.strip()
    if query.isdigit() and localities.is_ward(int(query)):
        code = int(query)
        return [_match(tagger, code)]
    if _names_several_levels(query):
        resolved = _resolve(tagger, query, limit, province_code)
        if resolved:
            return resolved
    return localities.search(query, province_code=province_code, limit=limit) or _resolve(
        tagger, query, limit, province_code
    )


def _resolve(tagger: Tagger, query: str, limit: int, province_code: int | None) -> list[PlaceMatch]:
    resolved = tagger.localities.resolve(_as_place(query), TagContext(province_code=province_code))
    if resolved.source == "text" and 0 < len(resolved.ward_codes) <= limit:
        return [_match(tagger, code) for code in resolved.ward_codes]
    return []


_HIGHER_LEVELS = (
    "huyện",
    "huyen",
    "quận",
    "quan ",
    "thị xã",
    "thi xa",
    "tỉnh",
    "tinh ",
    "thành phố",
    "thanh pho",
    "tp",
)


def _names_several_levels(query: str) -> bool:
    """ "Hội Sơn, Anh Sơn" or "xã Hội Sơn huyện Anh Sơn": the higher unit narrows the name down."""
    lowered = query.lower()
    return "," in lowered or "(" in lowered or any(f" {word}" in lowered for word in _HIGHER_LEVELS)


def _as_place(query: str) -> str:
    """A bare name reads as a commune, so the resolver takes it as a place and not a common word."""
    lowered = query.lower()
    if lowered.startswith(("xã", "xa ", "phường", "phuong", "thị trấn", "thi tran", "đặc khu")):
        return query
    return f"xã {query}"


def _match(tagger: Tagger, code: int) -> PlaceMatch:
    localities = tagger.localities
    province = localities.province_of_ward(code)
    return PlaceMatch(ward_code=code, province_code=province or 0, label=localities.ward_label(code))
