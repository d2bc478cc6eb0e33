"""Duplicate suggestions on Vietnamese reports written for these tests."""

from __future__ import annotations

import pytest

from bot.workflow.duplicates import (
    DEFAULT_THRESHOLD,
    content_syllables,
    find_similar,
    text_similarity,
)

POTHOLE = "Đường vào thôn 3 có ổ gà rất lớn ngay trước cổng trường tiểu học, xe máy đi qua dễ ngã."
GARBAGE = "Bãi rác tự phát cạnh chợ Đồng Xuân bốc mùi hôi thối, ruồi nhặng bay khắp nơi."
POLE = "Cột điện trước nhà số 12 đường Nguyễn Trãi bị nghiêng sắp đổ, dây điện võng xuống thấp."
LAMP = "Đèn đường ở ngõ 45 phố Chùa Bộc bị hỏng cả tuần nay, tối đi rất tối."

SAME_PROBLEM = [
    (POTHOLE, "Trước cổng trường tiểu học thôn 3 mặt đường bị ổ gà to, hôm qua có người đi xe máy bị ngã"),
    (POTHOLE, "duong truoc cong truong tieu hoc o ga to qua, xe may nga hoai, de nghi xa va lai"),
    (GARBAGE, "Cạnh chợ Đồng Xuân có bãi rác tự phát, mùi hôi thối quá, mong phường dọn giúp"),
    (POLE, "Cot dien o so 12 Nguyen Trai nghieng lam, day dien vong sat dau nguoi di duong"),
]
SAME_TOPIC_OTHER_PROBLEM = [
    (POTHOLE, "Đường liên xã đoạn qua chợ bị ngập nước mỗi khi mưa to, xe không đi được."),
    (POTHOLE, "Đường thôn 5 chưa được đổ bê tông, mùa mưa lầy lội, học sinh đi học rất vất vả."),
    (GARBAGE, "Xe chở rác đổ nước rỉ rác ra đường Lê Lợi mỗi đêm"),
    (GARBAGE, "Rác thải ở khu chợ Đồng Xuân không được thu gom đúng giờ"),
    (POLE, "Điện nhà số 12 Nguyễn Trãi mất liên tục, hóa đơn tiền điện tăng cao"),
    (LAMP, "Đèn đường ngõ 12 sáng cả ban ngày, lãng phí điện."),
]


@pytest.mark.parametrize(("first", "second"), SAME_PROBLEM)
def test_the_same_problem_in_other_words_is_similar(first: str, second: str) -> None:
    assert text_similarity(first, second) >= DEFAULT_THRESHOLD


@pytest.mark.parametrize(("first", "second"), SAME_TOPIC_OTHER_PROBLEM)
def test_another_problem_of_the_same_topic_is_not(first: str, second: str) -> None:
    assert text_similarity(first, second) < 0.3


def test_a_short_report_of_the_same_problem_is_found_with_a_lower_threshold() -> None:
    terse = "den duong ngo 45 hong 1 tuan roi, toi rat nguy hiem"
    assert 0.4 <= text_similarity(LAMP, terse) < DEFAULT_THRESHOLD
    assert [ticket_id for ticket_id, _ in find_similar(terse, [(7, LAMP)], threshold=0.4)] == [7]


def test_accents_do_not_matter() -> None:
    accented = "Cột điện trước nhà số 12 bị nghiêng, dây điện võng xuống thấp, rất nguy hiểm."
    typed_without = "Cot dien truoc nha so 12 bi nghieng, day dien vong xuong thap, rat nguy hiem."
    assert text_similarity(accented, typed_without) == 1.0
    assert text_similarity(accented.upper(), accented) == 1.0


def test_filler_written_with_accents_is_dropped_but_the_same_letters_as_content_are_kept() -> None:
    assert content_syllables("Đường ở ngõ 5 có ổ gà") == ["duong", "ngo", "5", "o", "ga"]
    assert content_syllables("Tôi thấy đèn đường tối om") == ["den", "duong", "toi", "om"]


def test_find_similar_ranks_best_first_and_drops_the_rest() -> None:
    candidates = [
        (11, SAME_TOPIC_OTHER_PROBLEM[0][1]),
        (12, SAME_PROBLEM[1][1]),
        (13, POTHOLE + " Mong xã sớm cho sửa."),
        (14, GARBAGE),
    ]
    found = find_similar(POTHOLE, candidates)
    assert [ticket_id for ticket_id, _ in found] == [13, 12]
    assert found[0][1] > found[1][1] >= DEFAULT_THRESHOLD


def test_equal_scores_put_the_older_ticket_first() -> None:
    assert [ticket_id for ticket_id, _ in find_similar(POLE, [(30, POLE), (21, POLE)])] == [21, 30]


def test_texts_without_content_match_nothing() -> None:
    greeting = "Xin chào anh chị ạ, cảm ơn nhiều"
    assert find_similar(greeting, [(1, greeting)], threshold=0.0) == []
    assert find_similar(POTHOLE, []) == []
