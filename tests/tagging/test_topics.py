"""Topic classifier and urgent flag, on sentences written for these tests (not from the dev set)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.tagging.abbreviations import Abbreviations, Analysed
from bot.tagging.normalize import canonical_fast
from bot.tagging.topics import OTHER, TaxonomyError, TopicClassifier, default_taxonomy_path
from bot.tagging.topics_text import UNKNOWN, canonical_letters, from_letter_bytes, split_words


@pytest.fixture(scope="module")
def classifier() -> TopicClassifier:
    return TopicClassifier.load()


TOPIC_CASES = [
    ("land", "Cho tôi hỏi làm lại sổ đỏ bị mất thì cần những giấy tờ gì?"),
    ("land", "Nhà bên cạnh xây tường rào lấn sang đất nhà tôi gần một mét, xin xã xuống đo lại ranh giới."),
    (
        "compensation",
        "Dự án mở rộng quốc lộ thu hồi 100 m2 đất nhà tôi nhưng giá đền bù thấp hơn giá thị trường nhiều.",
    ),
    ("transport", "Đường vào thôn có nhiều ổ gà lớn, xe máy đi lại rất khó khăn, mong xã cho vá lại."),
    ("water", "Kênh mương nội đồng bị bồi lấp nên nước không vào được ruộng."),
    ("electricity", "Xóm tôi điện chập chờn mỗi tối, tủ lạnh hỏng mấy cái rồi."),
    ("environment", "Bãi rác tự phát cạnh chợ bốc mùi hôi thối, ruồi nhặng bay khắp nơi."),
    ("construction", "Nhà bên cạnh đang xây dựng không phép, đổ vật liệu lấn ra cả vỉa hè."),
    (
        "education",
        "Trường tiểu học thu nhiều khoản đầu năm quá, phụ huynh không biết có đúng quy định không.",
    ),
    ("health", "Thẻ bảo hiểm y tế của mẹ tôi hết hạn rồi, gia hạn ở đâu ạ?"),
    ("social_welfare", "Bà nội tôi năm nay 85 tuổi mà vẫn chưa được nhận trợ cấp người cao tuổi."),
    ("security", "Đêm qua nhà tôi bị mất trộm xe máy, đã báo công an nhưng chưa thấy ai xuống."),
    ("admin_procedure", "Làm căn cước cho con 14 tuổi thì cần mang theo những gì?"),
    ("reorganization", "Sau khi sáp nhập xã thì trụ sở ủy ban mới đặt ở đâu?"),
    ("agriculture", "Đàn lợn nhà tôi có dấu hiệu bị dịch tả, xin cán bộ thú y xuống kiểm tra giúp."),
    ("officials", "Cán bộ ở bộ phận tiếp dân thái độ hách dịch, quát nạt người dân."),
    ("other", "Cảm ơn các anh chị đã trả lời rất nhanh!"),
]


@pytest.mark.parametrize(("topic", "text"), TOPIC_CASES)
def test_each_topic_is_recognised(classifier: TopicClassifier, topic: str, text: str) -> None:
    tag = classifier.classify(text)
    assert tag.topic == topic
    assert not tag.needs_review
    assert 0.0 < tag.confidence <= 1.0


def test_every_topic_of_the_taxonomy_has_a_case(classifier: TopicClassifier) -> None:
    assert {topic for topic, _ in TOPIC_CASES} == set(classifier.codes)


@pytest.mark.parametrize(
    ("topic", "text"),
    [
        ("water", "khu pho toi mat nuoc 3 ngay nay roi, cong ty cap nuoc ko thong bao gi ca"),
        ("electricity", "xom toi cup dien tu sang den gio, tien dien thi thang nao cung tang"),
        ("land", "cho hoi thu tuc tach thua dat de chia cho cac con thi can lam gi"),
        ("security", "toi qua co may thanh nien dua xe bop coi am i ca dem"),
    ],
)
def test_unaccented_messages(classifier: TopicClassifier, topic: str, text: str) -> None:
    assert classifier.classify(text).topic == topic


@pytest.mark.parametrize(
    ("topic", "text"),
    [
        ("transport", "The traffic light at the main crossroads has been broken for a week."),
        ("electricity", "My electricity bill doubled this month although we used the same appliances."),
        ("health", "The health station in our commune has no doctor at weekends."),
        ("admin_procedure", "How do I register the birth of my baby, and can I do it online?"),
        ("environment", "A factory is dumping waste into the river and the smell is unbearable."),
        ("transport", "The road through Hòa Khánh ward in Đà Nẵng is full of potholes."),
    ],
)
def test_english_messages(classifier: TopicClassifier, topic: str, text: str) -> None:
    assert classifier.classify(text).topic == topic


def test_power_company_named_in_a_scam_report_is_security(classifier: TopicClassifier) -> None:
    complaint = "Điện lực cắt điện cả ngày không báo trước, đề nghị xem lại."
    scam = "Có người gọi điện mạo danh điện lực đòi chuyển tiền ngay kẻo bị cắt điện, bà con cẩn thận bị lừa."
    assert classifier.classify(complaint).topic == "electricity"
    assert classifier.classify(scam).topic == "security"


def test_land_papers_after_a_merger_are_reorganization(classifier: TopicClassifier) -> None:
    plain = "Tôi muốn làm thủ tục cấp sổ đỏ lần đầu cho mảnh đất bố mẹ cho."
    merger = "Sau khi sáp nhập xã thì sổ đỏ của tôi có phải đổi sang địa chỉ mới không?"
    assert classifier.classify(plain).topic == "land"
    assert classifier.classify(merger).topic == "reorganization"


def test_land_file_after_districts_are_abolished_is_reorganization(classifier: TopicClassifier) -> None:
    text = "Hồ sơ đất đai của tôi nộp ở huyện từ năm ngoái, giờ bỏ cấp huyện rồi thì hỏi ở đâu?"
    assert classifier.classify(text).topic == "reorganization"


def test_school_merger_is_education_not_reorganization(classifier: TopicClassifier) -> None:
    text = "Điểm trường lẻ của thôn bị sáp nhập vào trường chính, học sinh phải đi xa 7 km."
    assert classifier.classify(text).topic == "education"


def test_abbreviations_are_expanded() -> None:
    words = Abbreviations({"ko": "không", "dc": "được", "ubnd": "ủy ban nhân dân"}).analyse("ubnd ko dc")
    assert [w.decode() for w in words.canon] == ["ủy", "ban", "nhân", "dân", "không", "được"]
    assert [w.decode() for w in words.folded] == ["uy", "ban", "nhan", "dan", "khong", "duoc"]


@pytest.mark.parametrize(
    "text",
    ["“Mất điện” – cả xóm… 😡", "mất điện, 中文 mixed", "Ｍất điện", "MẤT ĐIỆN TỪ SÁNG", "mất\tđiện"],
)
def test_punctuation_emoji_and_other_scripts_do_not_break_matching(
    classifier: TopicClassifier, text: str
) -> None:
    assert classifier.classify(text).topic == "electricity"


def test_chat_abbreviations_reach_the_topic(classifier: TopicClassifier) -> None:
    # "ko co nc" is "không có nước": no water.
    assert classifier.classify("nha e ko co nc dung may hom nay r, bh moi co a").topic == "water"


def test_accented_match_weighs_more_than_a_folded_one(classifier: TopicClassifier) -> None:
    accented = classifier.explain("Nhà tôi có tranh chấp đất với hàng xóm")
    folded = classifier.explain("Nha toi co tranh chap dat voi hang xom")
    assert accented.tag.topic == folded.tag.topic == "land"
    assert accented.scores["land"] > folded.scores["land"]


def test_a_word_with_other_accents_is_not_the_phrase(classifier: TopicClassifier) -> None:
    # "dắt" (to lead) folds like "đất" (land) but is a different word.
    assert classifier.explain("Chiều nay tôi dắt con đi chơi").scores.get("land", 0.0) == 0.0
    assert classifier.explain("Chiều nay tôi xem đất").scores.get("land", 0.0) > 0.0


URGENT_PAIRS = [
    (
        "Cột điện bị đổ chắn ngang đường, dây điện đang nằm dưới đất, trẻ con vẫn đi qua lại.",
        "Tuần trước cột điện đầu ngõ bị đổ, nay đã dựng lại nhưng chưa chắc chắn.",
    ),
    (
        "Nước lũ đang dâng vào nhà, có ba người già bị mắc kẹt trên gác, xin cứu giúp.",
        "Năm ngoái lũ làm ngập nhà tôi, đến nay vẫn chưa được hỗ trợ đồng nào.",
    ),
    (
        "dang co 2 nhom thanh nien cam dao danh nhau truoc cong cho, nguy hiem lam",
        "Vụ đánh nhau năm ngoái ở xóm tôi đến giờ vẫn chưa xử lý xong.",
    ),
    (
        "A landslide just blocked the road and a car is trapped under the rocks, please come now.",
        "There is a pothole on our road that needs fixing.",
    ),
    (
        "Đập đất đầu thôn đang rò rỉ mạnh, nước chảy ra thành dòng, dân ở dưới rất nguy hiểm.",
        "Theo lịch thì thứ năm cắt điện cả ngày, xin hỏi có đúng không?",
    ),
]


@pytest.mark.parametrize(("urgent", "calm"), URGENT_PAIRS)
def test_urgent_and_not_urgent(classifier: TopicClassifier, urgent: str, calm: str) -> None:
    assert classifier.classify(urgent).urgent
    assert not classifier.classify(calm).urgent


@pytest.mark.parametrize("text", ["Hôm nay trời đẹp quá", "ok", "", "..."])
def test_no_evidence_goes_to_other_for_review(classifier: TopicClassifier, text: str) -> None:
    tag = classifier.classify(text)
    assert (tag.topic, tag.needs_review) == (OTHER, True)
    assert tag.confidence < classifier.min_confidence


def test_weak_ambiguous_evidence_goes_to_other_for_review(classifier: TopicClassifier) -> None:
    # One weak word for each of two topics (a fence: land; a vehicle: roads): neither wins.
    tag = classifier.classify("Cho hỏi chuyện cái hàng rào với chiếc xe")
    assert (tag.topic, tag.needs_review) == (OTHER, True)


def test_default_taxonomy_has_the_sixteen_topics_with_slas(classifier: TopicClassifier) -> None:
    assert classifier.codes == [
        "land", "compensation", "transport", "water", "electricity", "environment", "construction",
        "education", "health", "social_welfare", "security", "admin_procedure", "reorganization",
        "agriculture", "officials", "other",
    ]  # fmt: skip
    assert all(dict(t.sla) == {"answer": "5d", "first_response": "1d"} for t in classifier.topics)
    assert classifier.urgent_sla == "4h"
    assert classifier.info("land").name_vi == "Đất đai"


def _edited_taxonomy(tmp_path: Path, edit: dict[str, object]) -> Path:
    data = yaml.safe_load(default_taxonomy_path().read_text(encoding="utf-8"))
    data.update(edit)
    path = tmp_path / "topics.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_an_edited_taxonomy_takes_effect(tmp_path: Path) -> None:
    text = "Khu du lịch sinh thái đầu xã bán vé quá đắt"
    assert TopicClassifier.load().classify(text).topic == OTHER
    data = yaml.safe_load(default_taxonomy_path().read_text(encoding="utf-8"))
    data["topics"].insert(
        -1,
        {
            "code": "tourism",
            "name_vi": "Du lịch",
            "name_en": "Tourism",
            "phrases": {5: ["khu du lịch", "bán vé"]},
        },
    )
    path = _edited_taxonomy(tmp_path, {"topics": data["topics"]})
    edited = TopicClassifier.load(path)
    assert edited.classify(text).topic == "tourism"
    assert edited.info("tourism").name_en == "Tourism"


def test_an_edited_urgent_threshold_takes_effect(tmp_path: Path) -> None:
    text = "Đường vào xóm bị sạt lở một đoạn"
    assert not TopicClassifier.load().classify(text).urgent
    data = yaml.safe_load(default_taxonomy_path().read_text(encoding="utf-8"))
    urgent = dict(data["urgent"], threshold=2)
    assert TopicClassifier.load(_edited_taxonomy(tmp_path, {"urgent": urgent})).classify(text).urgent


def test_a_broken_taxonomy_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "topics.yaml"
    path.write_text("topics:\n  - code: land\n    phrases: {3: [sổ đỏ]}\n", encoding="utf-8")
    with pytest.raises(TaxonomyError, match="other"):
        TopicClassifier.load(path)
    path.write_text("topics: [{code: other, combos: [{all: [nope]}]}]\n", encoding="utf-8")
    with pytest.raises(TaxonomyError, match="nope"):
        TopicClassifier.load(path)


# --- message analysis: the letter-byte path gives the words of the general path ----------------

ANALYSIS_TEXTS = [
    "Nhà tôi MẤT ĐIỆN từ sáng, ko có nước!!! Bao giờ có lại ạ?",
    "“Mất điện” – cả xóm… 😡😡 đề nghị UBND xã xem xét",
    "mat dien...nuoc cung ko co - - - xin cam on",
    "Hoà bình, thuỷ lợi, khoẻ mạnh, quý, hoàng, xoè. Hoà",
    "The street lights are broken; the potholes are deep and motorbikes fall",
    "nhà\u00a0tôi\tmất\u00a0điện\n\ncafé naïve ½ ² × ÷",
    "sđt của cb xã là bn vậy a, mn ơi",
]


@pytest.mark.parametrize("text", ANALYSIS_TEXTS)
def test_letter_bytes_and_word_lists_analyse_alike(classifier: TopicClassifier, text: str) -> None:
    abbreviations = classifier.abbreviations
    fast = abbreviations.analyse(text)
    general = abbreviations._analyse_words(*split_words(canonical_fast(text)))
    assert (fast.canon, fast.folded, fast.english) == (general.canon, general.folded, general.english)
    assert classifier._scanner.scan(fast) == classifier._scanner.scan(general)


def test_emoji_and_curly_quotes_separate_words() -> None:
    words = Abbreviations({}).analyse("“Mất điện”–cả xóm…😡")
    assert [w.decode() for w in words.canon] == ["mất", "điện", "cả", "xóm"]
    assert [w.decode() for w in words.folded] == ["mat", "dien", "ca", "xom"]


def test_old_style_tone_placement_is_put_right_as_the_normaliser_does() -> None:
    for text in ["hoà", "Thuỷ lợi", "quý", "hoàng", "hoà.", "xoè😡", "khoẻ1", "toạ đàm", "QUỲ"]:
        letters = canonical_letters(text)
        assert letters is not None
        assert from_letter_bytes(letters).lower() == canonical_fast(text).replace("😡", " ")
    assert canonical_letters("hoà\u0301") is None  # a combining mark: the general path decides


@pytest.mark.parametrize(
    "text", ["mất - - - điện", "mất!!!điện", "mất , , điện", "mất...\n\nđiện", "Mất\x01ĐIỆN", "mất 😡 điện"]
)
def test_a_phrase_is_found_across_any_punctuation(classifier: TopicClassifier, text: str) -> None:
    assert classifier.explain(text).matches == {"mất điện": 1.0}


def test_a_phrase_with_mixed_or_other_accents(classifier: TopicClassifier) -> None:
    assert classifier.explain("tranh chấp dat").matches == {"tranh chấp đất": 0.85}
    assert classifier.explain("tranh chấp dắt").matches == {"tranh chấp đất": 0.2}


def test_words_without_letter_bytes_still_match(classifier: TopicClassifier) -> None:
    assert classifier.classify("Ωmega: mất điện cả ngày, ΟΔΟΣ tối om").topic == "electricity"


def test_words_without_letter_bytes_are_weighed_as_word_by_word(classifier: TopicClassifier) -> None:
    # "m²" and Greek words have no letter bytes: the canonical text marks them UNKNOWN, and a match
    # over them is weighed from the word lists, as without that text.
    text = "Tranh chấp đất 100 m² với nhà bên, ΟΔΟΣ mất điện, tranh chap dắt"
    words = classifier.abbreviations.analyse(text)
    assert words.canon_text is not None
    assert UNKNOWN.decode() in words.canon_text
    word_by_word = Analysed(words.folded_text, None, words.english, canon=words.canon, folded=words.folded)
    assert classifier._scanner.scan(words) == classifier._scanner.scan(word_by_word)


def test_an_expansion_that_does_not_line_up_goes_through_word_lists() -> None:
    # "phís" folds to "phis", stemmed to "phi": the folded expansion is shorter than the accented one.
    words = Abbreviations({"xyz": "phís bús", "ko": "không"}).analyse("xyz ko dc 😡")
    assert [w.decode() for w in words.canon] == ["phís", "bús", "không", "dc"]
    assert [w.decode() for w in words.folded] == ["phi", "bus", "khong", "dc"]
