import io

from bot.demo import ANSWER, run_demo


async def test_the_demo_plays_the_whole_conversation() -> None:
    out = io.StringIO()
    assert await run_demo(out) == 0
    text = out.getvalue()
    assert "Đã tiếp nhận phản ánh #1" in text
    assert "Phản ánh #1" in text and "Cán bộ UBND xã Vĩnh Tường" in text
    assert f"Trả lời phản ánh #1 — UBND xã Vĩnh Tường:\n      \n      {ANSWER}" in text
