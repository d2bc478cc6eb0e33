"""The Telegram text of a digest: Vietnamese number and date formatting, both languages, escaping."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.digest.figures import Counts, DigestFigures, TicketAge, UnitRow
from bot.digest.render_text import (
    Labels,
    format_age,
    format_change,
    format_date,
    format_decimal,
    format_int,
    format_percent,
    render_digest,
)

LABELS = Labels(
    topic=lambda code, locale: {"land": ("Đất đai", "Land"), "water": ("Nước <sạch>", "Water")}[code][
        locale == "en"
    ],
    ward=lambda code: {26734: "Phường Bến Thành, Hồ Chí Minh"}.get(code, str(code)),
)
AS_OF = datetime(2026, 11, 29, 17, tzinfo=UTC)


def figures() -> DigestFigures:
    return DigestFigures(
        first_day=date(2026, 11, 23),
        last_day=date(2026, 11, 29),
        week="2026-W48",
        scope_unit_id="tinh",
        as_of=AS_OF,
        current=Counts(received=12_345, answered=1_000, resolved=999, open=2_500, overdue=0),
        previous=Counts(received=12_000, answered=1_200, resolved=999, open=2_400, overdue=3),
        due=1_500,
        on_time=1_234,
        median_first_response_hours=2.25,
        first_response_count=1_100,
        median_resolution_hours=31.0,
        resolution_count=999,
        rating_count=400,
        rating_sum=1_530,
        verdict_count=300,
        not_resolved_count=45,
        by_topic=(("land", 7_000), ("water", 5_345)),
        by_ward=((26734, 10_000),),
        no_ward=2_345,
        units=(UnitRow("xa-a", "UBND <Xã A>", 12_345, 1_000, 1_500, 1_234),),
        urgent=(
            TicketAge(
                77,
                AS_OF - timedelta(days=2, hours=5),
                timedelta(days=2, hours=5),
                "new",
                "water",
                "xa-a",
                26734,
            ),
        ),
        urgent_count=3,
        oldest_open=(
            TicketAge(5, AS_OF, timedelta(days=400, hours=23, minutes=59), "forwarded", "land", "xa-a", None),
        ),
    )


def test_vietnamese_formatting() -> None:
    assert format_int(1_234_567) == "1.234.567" and format_int(12) == "12"
    assert (
        format_decimal(1234.56) == "1.234,6" and format_decimal(2.0) == "2" and format_decimal(13.5) == "13,5"
    )
    assert format_percent(1 / 3) == "33,3%" and format_percent(0.5) == "50%" and format_percent(None) == "—"
    assert format_date(date(2026, 1, 5)) == "05/01/2026"
    assert (format_change(1234), format_change(-2), format_change(0)) == ("+1.234", "−2", "±0")
    assert format_age("vi", timedelta(days=3, hours=14, minutes=59)) == "3 ngày 14 giờ"
    assert format_age("en", timedelta(hours=5)) == "5 h"


def test_the_vietnamese_digest() -> None:
    assert render_digest(figures(), "vi", "UBND Tỉnh & <Huyện>", LABELS) == "\n".join(
        [
            "<b>📊 Bản tin tuần 23/11/2026 – 29/11/2026</b>",
            "Phạm vi: UBND Tỉnh &amp; &lt;Huyện&gt; và các đơn vị trực thuộc",
            "",
            "📥 Tiếp nhận: 12.345 (+345)",
            "💬 Đã trả lời: 1.000 (−200)",
            "✅ Đã giải quyết: 999 (±0)",
            "📂 Còn tồn: 2.500 (+100)",
            "⏰ Quá hạn: 0 (−3)",
            "<i>(so với kỳ trước)</i>",
            "",
            "🎯 Trả lời đúng hạn: 82,3% (1.234/1.500 phản ánh đến hạn trong kỳ)",
            "⏱ Thời gian phản hồi đầu tiên (trung vị): 2,2 giờ làm việc (1.100 phản ánh)",
            "🏁 Thời gian giải quyết (trung vị): 31 giờ làm việc (999 phản ánh)",
            "⭐ Đánh giá của người dân: 3,83/5 (400 lượt)",
            '🙁 Cho biết "chưa được giải quyết": 15% (45/300)',
            "",
            "<b>Theo lĩnh vực</b>",
            "• Đất đai: 7.000",
            "• Nước &lt;sạch&gt;: 5.345",
            "",
            "<b>Theo xã, phường</b>",
            "• Phường Bến Thành, Hồ Chí Minh: 10.000",
            "• Chưa xác định xã, phường: 2.345",
            "",
            "<b>Xếp hạng đơn vị theo tỷ lệ đúng hạn</b>",
            "1. UBND &lt;Xã A&gt;: 82,3% đúng hạn (1.234/1.500); tiếp nhận 12.345, trả lời 1.000",
            "",
            "<b>🚨 Phản ánh khẩn cấp trong kỳ: 3</b>",
            "#77 · Nước &lt;sạch&gt; · đã 2 ngày 5 giờ",
            "… và 2 phản ánh khác",
            "",
            "<b>🕰 Phản ánh tồn lâu nhất</b>",
            "#5 · Đất đai · đã 400 ngày 23 giờ",
        ]
    )


def test_the_english_digest_of_everything() -> None:
    text = render_digest(figures(), "en", None, LABELS)
    assert text.splitlines()[:4] == [
        "<b>📊 Weekly digest 23/11/2026 – 29/11/2026</b>",
        "Scope: all units",
        "",
        "📥 Received: 12.345 (+345)",
    ]
    assert "🎯 Answered on time: 82,3% (1.234/1.500 due this period)" in text
    assert "⭐ Citizens' rating: 3,83/5 (400 ratings)" in text
    assert "1. UBND &lt;Xã A&gt;: 82,3% on time (1.234/1.500); 12.345 received, 1.000 answered" in text
    assert "#77 · Water · 2 d 5 h old" in text and "… and 2 more" in text


def test_an_empty_digest_of_a_date_range() -> None:
    empty = DigestFigures(
        first_day=date(2026, 11, 1),
        last_day=date(2026, 11, 30),
        week=None,
        scope_unit_id=None,
        as_of=AS_OF,
        current=Counts(),
        previous=Counts(),
        due=0,
        on_time=0,
        median_first_response_hours=None,
        first_response_count=0,
        median_resolution_hours=None,
        resolution_count=0,
        rating_count=0,
        rating_sum=0,
        verdict_count=0,
        not_resolved_count=0,
    )
    text = render_digest(empty, "vi", None, LABELS)
    assert text.splitlines()[0] == "<b>📊 Bản tin 01/11/2026 – 30/11/2026</b>"
    assert "🎯 Trả lời đúng hạn: — (0/0 phản ánh đến hạn trong kỳ)" in text
    assert "⏱ Thời gian phản hồi đầu tiên (trung vị): — (0 phản ánh)" in text
    assert "⭐ Đánh giá của người dân: —/5 (0 lượt)" in text
    assert "Theo lĩnh vực" not in text and "Phản ánh tồn lâu nhất" not in text
    assert "<b>🚨 Phản ánh khẩn cấp trong kỳ: 0</b>" in text
