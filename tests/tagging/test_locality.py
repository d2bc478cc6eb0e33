"""Locality resolver: what province and ward(s) a citizen's message is about."""

from __future__ import annotations

import unicodedata

import pytest

from bot.tagging.locality import LocalityResolver
from bot.tagging.types import LocalityTag, TagContext

VINH_TUONG_NGHE_AN = 17357  # Xã Vĩnh Tường: became home to the old commune Hội Sơn (Anh Sơn district)
NGHIA_KHANH = 17032  # Xã Nghĩa Khánh: took in the old commune Nghĩa Đức (Nghĩa Đàn district)
NGHE_AN, HA_NOI, HAI_PHONG, HCM, DA_NANG, THAI_NGUYEN, THANH_HOA = 40, 1, 31, 79, 48, 19, 38


@pytest.fixture(scope="module")
def resolver() -> LocalityResolver:
    return LocalityResolver.build()


def where(
    resolver: LocalityResolver, text: str, context: TagContext | None = None
) -> tuple[int | None, set[int]]:
    tag = resolver.resolve(text, context or TagContext())
    return tag.province_code, set(tag.ward_codes)


# --- the cases the issue requires ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Tôi ở xã Hội Sơn, huyện Anh Sơn, Nghệ An, đường làng bị sạt lở.",
        "Hoi Son commune, Anh Son district, Nghe An: the bridge is broken.",
        "nha em o xa hoi son huyen anh son nghe an a",
    ],
)
def test_old_commune_resolves_to_the_ward_it_became(resolver: LocalityResolver, text: str) -> None:
    assert where(resolver, text) == (NGHE_AN, {VINH_TUONG_NGHE_AN})


@pytest.mark.parametrize(
    "text",
    [
        "Đường vào xã Nghĩa Đức (Nghĩa Đàn) ngập sâu.",
        "Tôi quê ở Nghĩa Đức, huyện Nghĩa Đàn, muốn hỏi về sổ đỏ.",
    ],
)
def test_old_commune_named_with_its_old_district(resolver: LocalityResolver, text: str) -> None:
    assert where(resolver, text) == (NGHE_AN, {NGHIA_KHANH})


@pytest.mark.parametrize("text", ["Thị xã Thái Hòa mất điện cả ngày", "TX Thái Hoà mất điện cả ngày"])
def test_old_town_resolves_to_all_the_wards_it_became(resolver: LocalityResolver, text: str) -> None:
    assert where(resolver, text) == (NGHE_AN, {16939, 17011, 17017})


def test_old_district_of_an_old_province(resolver: LocalityResolver) -> None:
    province, wards = where(resolver, "Bà con huyện Chợ Đồn (Bắc Kạn) chưa nhận được tiền hỗ trợ lũ.")
    assert province == THAI_NGUYEN
    names = {resolver.ward_name(code) for code in wards}
    assert names == {
        "Xã Đồng Phúc", "Xã Bạch Thông", "Xã Chợ Đồn", "Xã Nam Cường",
        "Xã Quảng Bạch", "Xã Yên Thịnh", "Xã Nghĩa Tá", "Xã Yên Phong",
    }  # fmt: skip


def test_old_province_resolves_to_its_new_province(resolver: LocalityResolver) -> None:
    assert where(resolver, "Tôi ở tỉnh Bắc Kạn cũ, hỏi về giấy phép lái xe") == (THAI_NGUYEN, set())


# --- accents, tone placement, abbreviations, English ------------------------------------------


def test_accented_name_picks_exactly_that_ward(resolver: LocalityResolver) -> None:
    # Cẩm Giang and Cẩm Giàng are two different communes of Hải Phòng.
    giang = where(resolver, "Nước sạch ở xã Cẩm Giang, Hải Phòng bị đục")
    giang_grave = where(resolver, "Nước sạch ở xã Cẩm Giàng, Hải Phòng bị đục")
    assert giang[0] == giang_grave[0] == HAI_PHONG
    assert len(giang[1]) == len(giang_grave[1]) == 1
    assert giang[1] != giang_grave[1]
    assert resolver.ward_name(next(iter(giang[1]))) == "Xã Cẩm Giang"
    assert resolver.ward_name(next(iter(giang_grave[1]))) == "Xã Cẩm Giàng"


def test_unaccented_name_shared_by_two_wards_gives_only_the_province(resolver: LocalityResolver) -> None:
    assert where(resolver, "nuoc sach o xa cam giang, hai phong bi duc") == (HAI_PHONG, set())


@pytest.mark.parametrize(
    "text", ["Đèn đường ở Xã Vĩnh Tường, Nghệ An hỏng", "den duong o xa Vinh Tuong, Nghe An hong"]
)
def test_accented_and_unaccented_text_agree(resolver: LocalityResolver, text: str) -> None:
    assert where(resolver, text) == (NGHE_AN, {VINH_TUONG_NGHE_AN})


@pytest.mark.parametrize(
    ("text", "province"),
    [
        ("Kẹt xe ở TP.HCM quá", HCM),
        ("Kẹt xe ở HCM quá", HCM),
        ("Kẹt xe ở Sài Gòn quá", HCM),
        ("Traffic jams in Saigon every evening", HCM),
        ("Kẹt xe ở SG quá", HCM),
        ("Ô nhiễm không khí ở HN tăng", HA_NOI),
        ("Ô nhiễm không khí ở T.P Hà Nội tăng", HA_NOI),
        ("Biển ĐN hôm nay có sứa", DA_NANG),
        ("Ho Chi Minh City has flooding again", HCM),
        ("Flooding in Hanoi again", HA_NOI),
    ],
)
def test_province_abbreviations(resolver: LocalityResolver, text: str, province: int) -> None:
    assert where(resolver, text)[0] == province


def test_city_abbreviation_names_an_old_city(resolver: LocalityResolver) -> None:
    province, wards = where(resolver, "Rác ở Tp. Vinh không ai thu gom")
    assert province == NGHE_AN
    assert len(wards) > 1  # the old city became several wards


def test_district_abbreviation_and_ward_abbreviation(resolver: LocalityResolver) -> None:
    assert where(resolver, "X. Hội Sơn, H. Anh Sơn mưa lớn") == (NGHE_AN, {VINH_TUONG_NGHE_AN})
    province, wards = where(resolver, "Vỉa hè Q. Hoàn Kiếm bị lấn chiếm")
    assert province == HA_NOI and wards
    assert where(resolver, "Vỉa hè P. Bến Nghé, Q.1 bị lấn chiếm") == (HCM, {26740})


def test_old_town_abbreviation(resolver: LocalityResolver) -> None:
    tag = resolver.resolve("Chợ TT Nam Đàn cũ bị ngập", TagContext())
    assert tag.province_code == NGHE_AN
    assert len(tag.ward_codes) == 1


def test_english_ward_and_district_numbers(resolver: LocalityResolver) -> None:
    assert where(resolver, "Flooding in Ward 5, District 3, HCMC") == (HCM, {27154})


# --- current names, old names, ambiguity ------------------------------------------------------


def test_current_name_beats_old_name_unless_marked_old(resolver: LocalityResolver) -> None:
    # "Kim Anh" is today a commune of Hà Nội and was a commune of Hải Phòng before 2025.
    assert where(resolver, "Đường ở xã Kim Anh xuống cấp") == (HA_NOI, {382})
    assert where(resolver, "Đường ở xã Kim Anh cũ xuống cấp") == (HAI_PHONG, {10750})


def test_before_the_merger_marks_a_name_old(resolver: LocalityResolver) -> None:
    assert where(resolver, "Tôi ở xã Kim Anh trước sáp nhập") == (HAI_PHONG, {10750})


def test_short_ward_and_district_abbreviations_with_numbers(resolver: LocalityResolver) -> None:
    assert where(resolver, "P.5, Q.3 ngập nặng") == (HCM, {27154})


def test_name_shared_by_provinces_without_context_is_not_guessed(resolver: LocalityResolver) -> None:
    assert where(resolver, "Trường học xã Vĩnh Tường bị dột") == (None, set())


def test_context_province_picks_among_provinces(resolver: LocalityResolver) -> None:
    context = TagContext(province_code=NGHE_AN)
    tag = resolver.resolve("Trường học xã Vĩnh Tường bị dột", context)
    assert (tag.province_code, tag.ward_codes, tag.source) == (NGHE_AN, (VINH_TUONG_NGHE_AN,), "text")


def test_ambiguous_place_outside_the_context_province_is_not_replaced_by_the_context(
    resolver: LocalityResolver,
) -> None:
    # Vĩnh Tường communes exist in three provinces, none of them Hà Nội: the bot must ask.
    tag = resolver.resolve("Trường học xã Vĩnh Tường bị dột", TagContext(province_code=HA_NOI, ward_code=4))
    assert (tag.province_code, tag.ward_codes, tag.source) == (None, (), None)
    assert tag.mention == "xã Vĩnh Tường"


def test_co_mentioned_province_picks_among_provinces(resolver: LocalityResolver) -> None:
    assert where(resolver, "Trường học xã Vĩnh Tường (Nghệ An) bị dột") == (NGHE_AN, {VINH_TUONG_NGHE_AN})


def test_bare_number_needs_its_district(resolver: LocalityResolver) -> None:
    assert where(resolver, "Ngập ở phường 5 từ sáng") == (None, set())
    assert where(resolver, "Ngập ở phường 5, quận 3 từ sáng") == (HCM, {27154})


# --- not places -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Anh Sơn ơi cho em hỏi làm căn cước ở đâu",
        "anh sơn nói là bản làng mình sắp có điện",
        "Con tôi học trường Nguyễn Du, cô giáo thu tiền quỹ lớp.",
        "Cộng hòa xã hội chủ nghĩa Việt Nam, độc lập tự do hạnh phúc.",
        "Đề nghị xã cho người xuống kiểm tra",
    ],
)
def test_common_words_and_names_are_not_places(resolver: LocalityResolver, text: str) -> None:
    tag = resolver.resolve(text, TagContext())
    assert (tag.province_code, tag.ward_codes, tag.source) == (None, (), None)


def test_person_named_like_a_province_keeps_the_context(resolver: LocalityResolver) -> None:
    context = TagContext(province_code=NGHE_AN, ward_code=VINH_TUONG_NGHE_AN)
    tag = resolver.resolve("Nhà ông Thái Bình xóm dưới lấn đất làm chuồng gà", context)
    assert (tag.province_code, tag.ward_codes, tag.source) == (NGHE_AN, (VINH_TUONG_NGHE_AN,), "context")


# --- context ----------------------------------------------------------------------------------


def test_no_place_in_text_falls_back_to_context_ward(resolver: LocalityResolver) -> None:
    tag = resolver.resolve("Đèn đường trước cổng chợ hỏng cả tuần", TagContext(ward_code=VINH_TUONG_NGHE_AN))
    assert tag == LocalityTag(NGHE_AN, (VINH_TUONG_NGHE_AN,), None, None, "context")


def test_no_place_in_text_falls_back_to_context_province(resolver: LocalityResolver) -> None:
    tag = resolver.resolve("Đèn đường trước cổng chợ hỏng cả tuần", TagContext(province_code=HA_NOI))
    assert (tag.province_code, tag.ward_codes, tag.source) == (HA_NOI, (), "context")


def test_nothing_anywhere_gives_an_empty_tag(resolver: LocalityResolver) -> None:
    assert resolver.resolve("Xin chào, bot này có nhận ảnh không ạ?", TagContext()) == LocalityTag()


def test_text_beats_a_different_context(resolver: LocalityResolver) -> None:
    context = TagContext(province_code=HCM, ward_code=26740)
    tag = resolver.resolve("Nhờ nhóm chuyển giúp: mẹ tôi ở xã Hội Sơn, huyện Anh Sơn chờ trợ cấp", context)
    assert (tag.province_code, tag.ward_codes, tag.source) == (NGHE_AN, (VINH_TUONG_NGHE_AN,), "text")
    assert tag.mention is not None and "Hội Sơn" in tag.mention


def test_province_in_text_keeps_the_context_ward_inside_it(resolver: LocalityResolver) -> None:
    context = TagContext(province_code=NGHE_AN, ward_code=VINH_TUONG_NGHE_AN)
    tag = resolver.resolve("Ở Nghệ An năm nay lúa mất mùa", context)
    assert (tag.province_code, tag.ward_codes, tag.source) == (NGHE_AN, (VINH_TUONG_NGHE_AN,), "context")
    other = resolver.resolve("Ở Thanh Hóa năm nay lúa mất mùa", context)
    assert (other.province_code, other.ward_codes, other.source) == (THANH_HOA, (), "text")


# --- sub-localities ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "sub"),
    [
        ("Đường thôn 2 xã Hội Sơn bị lún", "thôn 2"),
        ("Nhà tôi ở xóm Đông, nước giếng bị nhiễm phèn", "xóm Đông"),
        ("Tổ dân phố 7 chưa có đèn đường", "Tổ dân phố 7"),
        ("Khu phố 3 bị ngập", "Khu phố 3"),
        ("Ấp 3 thiếu nước ngọt", "Ấp 3"),
        ("Khối 4 có chó thả rông", "Khối 4"),
        ("Rác ở tổ 5 không ai thu", "tổ 5"),
        ("Đường lên bản Mường Hin sạt lở", "bản Mường Hin"),
    ],
)
def test_sub_locality(resolver: LocalityResolver, text: str, sub: str) -> None:
    assert resolver.resolve(text, TagContext()).sub_locality == sub


def test_village_named_like_a_province_is_a_village(resolver: LocalityResolver) -> None:
    tag = resolver.resolve("Xóm Thái Bình có chó dại cắn người", TagContext())
    assert (tag.province_code, tag.sub_locality) == (None, "Xóm Thái Bình")


def test_group_word_inside_a_place_name_is_not_a_village(resolver: LocalityResolver) -> None:
    tag = resolver.resolve("nha em o xa Van Lang, tinh Lang Son", TagContext())
    assert tag.province_code == 20
    assert tag.sub_locality is None


@pytest.mark.parametrize("text", ["Bản tôi còn nhiều hộ nghèo", "Tôi báo trưởng xóm 3 lần rồi"])
def test_no_sub_locality(resolver: LocalityResolver, text: str) -> None:
    assert resolver.resolve(text, TagContext()).sub_locality is None


# --- the bot's look-ups -----------------------------------------------------------------------


def test_labels_and_names(resolver: LocalityResolver) -> None:
    assert resolver.ward_label(VINH_TUONG_NGHE_AN) == "Xã Vĩnh Tường, Nghệ An"
    assert resolver.ward_name(VINH_TUONG_NGHE_AN) == "Xã Vĩnh Tường"
    assert resolver.province_name(NGHE_AN) == "Nghệ An"
    assert resolver.province_name(HA_NOI) == "Hà Nội"
    assert resolver.province_of_ward(VINH_TUONG_NGHE_AN) == NGHE_AN
    assert resolver.province_of_ward(999_999) is None
    assert resolver.is_ward(VINH_TUONG_NGHE_AN) and not resolver.is_ward(NGHE_AN)
    assert resolver.is_province(NGHE_AN) and not resolver.is_province(VINH_TUONG_NGHE_AN)
    assert resolver.data_version.startswith("2026.9")


def test_search_finds_a_ward_by_its_old_name(resolver: LocalityResolver) -> None:
    labels = [m.label for m in resolver.search("hoi son")]
    assert "Xã Vĩnh Tường, Nghệ An (trước: xã Hội Sơn)" in labels
    old = next(m for m in resolver.search("Hội Sơn") if m.legacy_name)
    assert old.legacy_name == "xã Hội Sơn"


def test_search_puts_current_names_first_and_filters_by_province(resolver: LocalityResolver) -> None:
    matches = resolver.search("Vĩnh Tường")
    assert matches and all(m.legacy_name is None for m in matches[:3])
    assert {m.province_code for m in matches[:3]} == {25, 40, 92}
    in_nghe_an = resolver.search("vinh tuong", province_code=NGHE_AN)
    assert in_nghe_an[0].ward_code == VINH_TUONG_NGHE_AN
    assert all(m.province_code == NGHE_AN for m in in_nghe_an)


def test_search_with_type_word_and_province(resolver: LocalityResolver) -> None:
    assert resolver.search("xã Vĩnh Tường Nghệ An")[0].ward_code == VINH_TUONG_NGHE_AN


def test_search_completes_a_partial_name(resolver: LocalityResolver) -> None:
    assert any(m.ward_code == VINH_TUONG_NGHE_AN for m in resolver.search("vinh tuo", NGHE_AN))


def test_search_respects_the_limit_and_rejects_nonsense(resolver: LocalityResolver) -> None:
    assert len(resolver.search("Tân", limit=4)) == 4
    assert resolver.search("zzqx") == []


# --- normalisation helper added for the hot path ------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Thị xã Thái Hoà, xã Hoà Bình",
        "UỶ BAN NHÂN DÂN huyện Quỳ Hợp, thuỷ lợi",
        "khoẻ không? hoà. Hoàn, quý, thuý, huỷ",
        "oà oá oã oả oạ oè oé oẽ oẻ oẹ uỳ uý uỹ uỷ uỵ quỳ quý",
        "hoàng hoàn khoèo thuyền",
        "",
    ],
)
def test_canonical_fast_agrees_with_canonical(text: str) -> None:
    from bot.tagging.normalize import canonical, canonical_fast

    assert canonical_fast(text) == canonical(text)


# --- the fast path (UTF-8 split, one scan) and the slow one give the same answers --------------


@pytest.mark.parametrize(
    "suffix",
    ["", " 🙏", " “cảm ơn”", "\u00a0ạ", " ≠", " ΟΔΟΣ", " İstanbul"],
)
def test_text_outside_the_fast_path_resolves_the_same(resolver: LocalityResolver, suffix: str) -> None:
    # Emoji, curly quotes, no-break spaces, symbols and other scripts send a text the slow way;
    # a dotted capital I lower-cases to two characters.
    text = "Tôi ở xã Hội Sơn, huyện Anh Sơn (Nghệ An), thôn Đông bị ngập." + suffix
    tag = resolver.resolve(text)
    assert (tag.province_code, tag.ward_codes) == (NGHE_AN, (VINH_TUONG_NGHE_AN,))
    assert (tag.mention, tag.sub_locality) == ("xã Hội Sơn", "thôn Đông")


def test_decomposed_text_resolves_like_composed_text(resolver: LocalityResolver) -> None:
    text = "Nước sạch ở xã Cẩm Giàng, Hải Phòng bị đục"
    assert resolver.resolve(unicodedata.normalize("NFD", text)) == resolver.resolve(text)


@pytest.mark.parametrize(
    ("text", "cased"),
    [
        ("Nhà tôi ở xã tân phú. Mất điện.", False),  # capitals only after sentence ends
        ("nhà tôi ở xã Tân Phú", True),
        ("Nhà tôi ở (Đông Hòa) mất điện", True),  # a capital after a bracket, a non-ASCII capital
        ("Nhà tôi ở xã Đông. Ông nói", True),
        ("Nhà tôi. Ông nói! Ở đâu?\nTôi", False),
        ("NHÀ TÔI Ở XÃ TÂN PHÚ", False),  # all capitals
        ("Mất điện 3 ngày.   Ưu tiên sửa", False),
    ],
)
def test_writer_capitalises_names(text: str, cased: bool) -> None:
    from bot.tagging.locality_text import TokenizedText, Vocabulary

    vocabulary = Vocabulary(frozenset({"tan", "phu", "dong"}), frozenset({"dong"}))
    assert TokenizedText(text, vocabulary).cased is cased
    assert TokenizedText(text + " 🙏", vocabulary).cased is cased  # the slow way


@pytest.mark.parametrize("text", ["Tôi từ chối ký", "Con tôi làm ở đó", "từ 6 ngày nay không có nước"])
def test_lower_case_one_word_unit_names_are_not_places(resolver: LocalityResolver, text: str) -> None:
    # "từ", "con", "làm" and bare numbers are also unit names; the scan skips them in lower case.
    assert resolver.resolve(text).mention is None


def test_name_across_a_full_stop_is_still_one_name(resolver: LocalityResolver) -> None:
    # Only hard punctuation ends a name: "Hội. Sơn" is read as "Hội Sơn", as before.
    joined = resolver.resolve("Tôi ở xã Hội Sơn huyện Anh Sơn")
    split = resolver.resolve("Tôi ở xã Hội. Sơn huyện Anh Sơn")
    assert (split.province_code, split.ward_codes) == (joined.province_code, joined.ward_codes)
    assert split.mention == "xã Hội. Sơn"


def test_punctuation_outside_ascii_splits_words_like_the_regular_expression() -> None:
    import re

    from bot.tagging.locality_text import _OTHER_GAP_CHARS, TokenizedText, Vocabulary

    vocabulary = Vocabulary(frozenset(), frozenset())
    for char in _OTHER_GAP_CHARS:
        if unicodedata.normalize("NFC", char) != char:
            continue  # never in a normalised text
        text = f"Tân{char}Phú {char}xã{char}"
        tokenized = TokenizedText(text, vocabulary)
        tokenized.prepare()
        assert tokenized._parts is None, repr(char)  # the fast path
        assert tokenized.folded == ["tan", "phu", "xa"], repr(char)
        assert [w.lower() for w in re.findall(r"[^\W_]+", text)] == ["tân", "phú", "xã"], repr(char)
        assert tokenized.excerpt(0, 2) == f"Tân{char}Phú"


def test_kept_candidate_subsets_give_the_same_answer_every_time(resolver: LocalityResolver) -> None:
    """``Candidates.pick`` and ``Candidates.touched`` keep their results per object: a name
    co-mentioned many times, alone or among others, resolves the same way each time."""
    texts = [
        "Trường học xã Vĩnh Tường (Nghệ An) bị dột",
        "xã Vĩnh Tường",
        "Đường ở xã Hội Sơn, huyện Anh Sơn, Nghệ An hỏng",
    ]
    first = [resolver.resolve(text) for text in texts]
    for _ in range(40):  # past the number of results kept
        assert [resolver.resolve(text) for text in texts] == first
