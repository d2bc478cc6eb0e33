"""The digest's files (PNG chart, XLSX workbook, CSV) on the hand-built history of ``tests/digest``,
read back as an admin's tools would read them; the queries behind them on both databases."""

from __future__ import annotations

import csv
import dataclasses
import io
import struct
import warnings
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import matplotlib
import pytest
from matplotlib import image as mpimg
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy import update

from bot.cli import main
from bot.digest.chart import HEIGHT, UNIT_LIMIT, WIDTH, buckets, load_daily, render_chart, shown_units
from bot.digest.csv_export import BOM, render_csv
from bot.digest.figures import Counts, DigestFigures, UnitRow
from bot.digest.period import Period, parse_period
from bot.digest.render_text import Labels
from bot.digest.scope import Scope
from bot.digest.service import DigestService
from bot.digest.workbook import load_tickets, render_workbook
from bot.workflow.worktime import WorkCalendar
from storage.database import Database
from storage.models import Citizen
from storage.repositories.digest_rows import DayCounts, TicketExportRow
from tests.digest.history import CITIZEN, CITIZEN_NAME, CITIZEN_USERNAME, VN, build_history

NOW = datetime(2026, 12, 10, tzinfo=UTC)
W48 = parse_period("2026-W48", VN)
LABELS = Labels(topic=lambda code, locale: f"topic {code}", ward=lambda code: f"Phường {code}, Hà Nội")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# W48 per local day (worked out in tests/digest/history.py): (received, answered, resolved)
W48_DAILY = [(1, 1, 0), (1, 0, 0), (2, 3, 1), (1, 0, 1), (0, 0, 1), (1, 0, 0), (1, 0, 0)]
# received (2, 4, 5, 8, 10, 12, 13), answered (1, 2, 4, 12), resolved (2, 4, 12), due (1, 2, 3, 8, 12),
# open and overdue at the end (3, 9); never #6 (all in W47), #7 (merged) or #11 (W49). Oldest first.
W48_TICKETS = [9, 3, 1, 2, 4, 12, 8, 13, 5, 10]


@pytest.fixture
async def history(db: Database) -> DigestService:
    await build_history(db)
    return DigestService(db, WorkCalendar.load())


async def _everything(
    service: DigestService, db: Database, period: Period = W48, include_citizens: bool = False
) -> tuple[DigestFigures, list[DayCounts], list[TicketExportRow]]:
    scope = Scope.everything()
    figures = await service.build(scope, period, now=NOW)
    return (
        figures,
        await load_daily(db, scope, period),
        await load_tickets(db, scope, period, include_citizens),
    )


# ---- the queries ------------------------------------------------------------------------------------


async def test_daily_counts_add_up_to_the_figures(db: Database, history: DigestService) -> None:
    figures, daily, _ = await _everything(history, db)
    assert [(d.received, d.answered, d.resolved) for d in daily] == W48_DAILY
    assert daily[0].start == W48.start and daily[-1].end == W48.end
    assert sum(d.received for d in daily) == figures.received
    assert sum(d.answered for d in daily) == figures.answered
    assert sum(d.resolved for d in daily) == figures.resolved
    # a unit's scope: commune B received #12 (Wed) and #10 (Sun 23:59:59), answered and resolved #12
    scope = await history.scope_of_unit("xa-b")
    daily_b = await load_daily(db, scope, W48)
    assert [(d.received, d.answered, d.resolved) for d in daily_b] == [
        (0, 0, 0), (0, 0, 0), (1, 1, 0), (0, 0, 0), (0, 0, 1), (0, 0, 0), (1, 0, 0),
    ]  # fmt: skip
    one_day = parse_period("2026-11-25", VN)
    assert [
        (d.received, d.answered, d.resolved) for d in await load_daily(db, Scope.everything(), one_day)
    ] == [(2, 3, 1)]
    assert all(d.received == 0 for d in await load_daily(db, Scope(frozenset()), W48))


async def test_ticket_rows_are_the_period_s_scoped_and_nameless(db: Database, history: DigestService) -> None:
    _, _, rows = await _everything(history, db)
    assert [row.id for row in rows] == W48_TICKETS
    assert all(row.citizen_name is None and row.citizen_username is None for row in rows)
    by_id = {row.id: row for row in rows}
    assert by_id[1].unit_name == "UBND Xã A <b>" and by_id[13].unit_id is None and by_id[13].unit_name is None
    assert by_id[2].urgent is True and by_id[2].rating == 2
    scope = await history.scope_of_unit("xa-b")
    assert [row.id for row in await load_tickets(db, scope, W48)] == [12, 10]
    assert await load_tickets(db, Scope(frozenset()), W48) == []
    named = await load_tickets(db, Scope.everything(), W48, include_citizens=True)
    assert {(row.citizen_name, row.citizen_username) for row in named} == {(CITIZEN_NAME, CITIZEN_USERNAME)}
    async with db.transaction() as session:
        await session.execute(update(Citizen).where(Citizen.user_id == CITIZEN).values(anonymous=True))
    hidden = await load_tickets(db, Scope.everything(), W48, include_citizens=True)
    assert all(row.citizen_anonymous and row.citizen_name is None for row in hidden)


# ---- the workbook -----------------------------------------------------------------------------------


def _cells(workbook) -> list[object]:  # type: ignore[no-untyped-def]
    return [cell.value for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


async def test_workbook_reads_back(db: Database, history: DigestService, tmp_path: Path) -> None:
    figures, _, rows = await _everything(history, db)
    data = render_workbook(figures, rows, "vi", scope_name="UBND Tỉnh", tz=VN, labels=LABELS)
    path = tmp_path / "digest.xlsx"
    path.write_bytes(data)
    book = load_workbook(path)
    assert book.sheetnames == ["Tổng hợp", "Phản ánh", "Đơn vị", "Lĩnh vực"]
    summary, tickets, units, topics = book.worksheets

    # Summary: the headline figures with the previous period and the change
    assert summary["A1"].value == "Bản tin tuần 23/11/2026 – 29/11/2026"
    assert summary["B3"].value == datetime(2026, 11, 23) and summary["B3"].number_format == "dd/mm/yyyy"
    assert summary["B4"].value == datetime(2026, 11, 29)
    table = {row[0]: row[1:] for row in summary.iter_rows(min_row=8, max_row=12, values_only=True)}
    changes = figures.changes()
    assert table["Tiếp nhận"] == (figures.received, figures.previous.received, changes["received"])
    assert table["Đã trả lời"] == (figures.answered, figures.previous.answered, changes["answered"])
    assert table["Đã giải quyết"] == (figures.resolved, figures.previous.resolved, changes["resolved"])
    assert table["Còn tồn cuối kỳ"] == (figures.open, figures.previous.open, changes["open"])
    assert table["Quá hạn cuối kỳ"] == (figures.overdue, figures.previous.overdue, changes["overdue"])
    assert summary["A7"].font.b and summary["A7"].fill.fgColor.rgb.endswith("1F4E78")
    assert summary.freeze_panes == "A8"
    others = {row[0]: row[1:3] for row in summary.iter_rows(min_row=14, values_only=True) if row[0]}
    assert others["Trả lời đúng hạn"] == (pytest.approx(figures.on_time_rate), figures.due)
    assert others["Đánh giá của người dân (thang điểm 5)"] == (figures.rating_avg, figures.rating_count)

    # Tickets: real local datetimes, translated words, header style, frozen panes, filter
    header = [cell.value for cell in tickets[1]]
    assert header[:3] == ["Số", "Thời điểm tiếp nhận", "Lĩnh vực"] and len(header) == 12
    assert all(cell.font.b and cell.fill.fill_type == "solid" for cell in tickets[1])
    assert tickets.freeze_panes == "B2" and tickets.auto_filter.ref == "A1:L11"
    assert [row[0] for row in tickets.iter_rows(min_row=2, values_only=True)] == W48_TICKETS
    first = {cell.column_letter: cell for cell in tickets[4]}  # ticket #1: Sunday 22/11 23:59:59 local
    assert first["B"].is_date and first["B"].value == datetime(2026, 11, 22, 23, 59, 59)
    assert first["B"].number_format == "dd/mm/yyyy hh:mm"
    assert (first["C"].value, first["D"].value, first["E"].value) == (
        "topic electricity",
        "Phường 100, Hà Nội",
        "UBND Xã A <b>",
    )
    assert (first["F"].value, first["G"].value, first["K"].value) == ("đã trả lời", "Không", "Có")
    assert first["H"].value == datetime(2026, 11, 25, 17) and first["I"].value == datetime(2026, 11, 23, 9)
    late = {cell.column_letter: cell.value for cell in tickets[5]}  # #2: urgent, answered after its deadline
    assert (late["G"], late["K"], late["L"]) == ("Có", "Không", 2)
    unrouted = {cell.column_letter: cell.value for cell in tickets[9]}
    assert unrouted["A"] == 13 and unrouted["E"] == "chưa chuyển đơn vị" and unrouted["K"] is None
    assert tickets.column_dimensions["E"].width >= len("UBND Xã A <b>")

    # Units: the league table, equal to the figures
    assert [cell.value for cell in units[1]][:3] == ["Hạng", "Đơn vị", "Mã đơn vị"]
    league = list(units.iter_rows(min_row=2, values_only=True))
    assert [(r[2], r[3], r[4], r[5], r[6]) for r in league] == [
        (u.id, u.received, u.answered, u.due, u.on_time) for u in figures.units
    ]
    assert [r[7] for r in league] == [u.on_time_rate for u in figures.units]
    assert units["H2"].number_format == "0.0%" and units.freeze_panes == "A2"

    # Topics
    assert [row[1:3] for row in topics.iter_rows(min_row=2, values_only=True)] == [
        list(t) for t in figures.by_topic
    ] or [tuple(row[1:3]) for row in topics.iter_rows(min_row=2, values_only=True)] == list(figures.by_topic)

    # nobody's name, by default
    text = " ".join(str(value) for value in _cells(book) if value is not None)
    assert CITIZEN_NAME not in text and CITIZEN_USERNAME not in text


async def test_workbook_in_english_and_with_citizens(db: Database, history: DigestService) -> None:
    async with db.transaction() as session:
        await session.execute(
            update(Citizen).where(Citizen.user_id == CITIZEN).values(display_name='=HYPERLINK("http://x")')
        )
    figures, _, rows = await _everything(history, db, include_citizens=True)
    book = load_workbook(
        io.BytesIO(render_workbook(figures, rows, "en", tz=VN, labels=LABELS, include_citizens=True))
    )
    assert book.sheetnames == ["Summary", "Tickets", "Units", "Topics"]
    tickets = book["Tickets"]
    assert [cell.value for cell in tickets[1]][-2:] == ["Citizen", "Username"]
    name = tickets["M2"]
    assert name.value == '=HYPERLINK("http://x")' and name.data_type == "s"  # text, never a formula
    assert tickets["N2"].value == CITIZEN_USERNAME
    # asked for names but not allowed (the flag is the caller's decision): nothing
    plain = load_workbook(io.BytesIO(render_workbook(figures, rows, "en", tz=VN, labels=LABELS)))
    assert CITIZEN_USERNAME not in " ".join(str(v) for v in _cells(plain) if v is not None)


def test_empty_workbook_still_has_its_sheets() -> None:
    figures = _figures(date(2026, 11, 23), date(2026, 11, 29), units=())
    book = load_workbook(io.BytesIO(render_workbook(figures, [], "vi", labels=LABELS)))
    assert len(book.sheetnames) == 4
    assert book.worksheets[1].max_row == 1 and book.worksheets[1].auto_filter.ref == "A1:L2"


# ---- the chart --------------------------------------------------------------------------------------


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _no_warnings_render(*args, **kwargs) -> bytes:  # type: ignore[no-untyped-def]
    before = (matplotlib.get_backend(), dict(matplotlib.rcParams))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph ("Glyph 7871 missing from font") fails the test
        data = render_chart(*args, **kwargs)
    assert (matplotlib.get_backend(), dict(matplotlib.rcParams)) == before  # no global state left behind
    return data


@pytest.mark.parametrize("locale", ["vi", "en"])
async def test_chart_is_a_png_of_the_expected_size(
    db: Database, history: DigestService, tmp_path: Path, locale: str
) -> None:
    figures, daily, _ = await _everything(history, db)
    data = _no_warnings_render(figures, daily, locale, "Ủy ban nhân dân Phường Hồng Hà — Quận Hoàn Kiếm", VN)
    assert _png_size(data) == (WIDTH, HEIGHT) == (1200, 900)
    path = tmp_path / "chart.png"
    path.write_bytes(data)
    assert mpimg.imread(path).shape[:2] == (HEIGHT, WIDTH)


def test_chart_of_a_long_period_with_many_units() -> None:
    first, last = date(2026, 9, 1), date(2026, 11, 29)
    long_name = "Ủy ban nhân dân xã Thượng Ấm số {} rất dài tên tỉnh Tuyên Quang"
    rated = [UnitRow(f"u{i:02d}", long_name.format(i), 9, 8, 10, i % 11) for i in range(37)]
    units = (*rated, UnitRow("idle", "Không đến hạn", 1, 0, 0, 0))
    figures = _figures(first, last, units=units)
    daily = [
        DayCounts(NOW, NOW, received=i % 7, answered=i % 5, resolved=i % 3)
        for i in range((last - first).days + 1)
    ]
    groups = buckets(figures, daily)
    assert len(groups) == 13 and groups[0].first_day == first and groups[0].days == 6  # Tue 1/9 to Sun 6/9
    assert sum(g.received for g in groups) == sum(d.received for d in daily)
    shown, hidden = shown_units(figures.units)
    assert len(shown) == UNIT_LIMIT and hidden == 37 - UNIT_LIMIT and all(u.due for u in shown)
    assert _png_size(_no_warnings_render(figures, daily, "vi")) == (WIDTH, HEIGHT)
    empty = _figures(first, first, units=())
    assert _png_size(_no_warnings_render(empty, [DayCounts(NOW, NOW)], "en")) == (WIDTH, HEIGHT)


def _figures(first: date, last: date, units: tuple[UnitRow, ...]) -> DigestFigures:
    return DigestFigures(
        first_day=first,
        last_day=last,
        week=None,
        scope_unit_id=None,
        as_of=datetime.combine(last + timedelta(days=1), datetime.min.time(), VN),
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
        units=units,
    )


# ---- CSV --------------------------------------------------------------------------------------------


async def test_csv_has_a_bom_a_header_and_the_rows(db: Database, history: DigestService) -> None:
    figures, _, rows = await _everything(history, db)
    data = render_csv(figures, rows, "vi", tz=VN, labels=LABELS)
    assert data.startswith(BOM.encode("utf-8"))
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert lines[0][:4] == ["Số", "Thời điểm tiếp nhận", "Lĩnh vực", "Xã, phường"] and len(lines[0]) == 12
    assert [int(line[0]) for line in lines[1:]] == W48_TICKETS
    first = lines[3]
    assert first[1] == "2026-11-22 23:59" and first[4] == "UBND Xã A <b>" and first[10] == "Có"
    assert CITIZEN_NAME not in data.decode("utf-8")
    named = [dataclasses.replace(rows[0], citizen_name="=1+2", citizen_username="bimat")]
    line = list(
        csv.reader(
            io.StringIO(
                render_csv(figures, named, "en", tz=VN, labels=LABELS, include_citizens=True).decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert line[0][-2:] == ["Citizen", "Username"] and line[1][-2:] == ["'=1+2", "bimat"]


# ---- the command ------------------------------------------------------------------------------------


@pytest.fixture
def url(digest_history_url: str) -> str:
    return digest_history_url


def test_cli_writes_each_file(url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for fmt in ("xlsx", "png", "csv"):
        out = tmp_path / f"w48.{fmt}"
        assert (
            main(["digest", "--scope", "xa-a", "--week", "2026-W48", "--format", fmt, "--out", str(out)]) == 0
        )
        assert out.stat().st_size > 0
    assert _png_size((tmp_path / "w48.png").read_bytes()) == (WIDTH, HEIGHT)
    book = load_workbook(tmp_path / "w48.xlsx")
    assert book.sheetnames == ["Tổng hợp", "Phản ánh", "Đơn vị", "Lĩnh vực"]
    assert book["Tổng hợp"]["B2"].value == "UBND Xã A <b> và các đơn vị trực thuộc"
    numbers = [row[0] for row in book["Phản ánh"].iter_rows(min_row=2, values_only=True)]
    assert numbers == [9, 3, 1, 2, 4, 8, 5]  # xa-a and its police post only
    assert CITIZEN_NAME not in (tmp_path / "w48.csv").read_text(encoding="utf-8-sig")


def test_cli_binary_formats_need_out(url: str, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    for fmt in ("xlsx", "png"):
        assert main(["digest", "--week", "2026-W48", "--format", fmt]) == 2
        assert b"give --out FILE" in capsysbinary.readouterr().err
    assert main(["digest", "--week", "2026-W48", "--format", "csv", "--lang", "en"]) == 0
    out = capsysbinary.readouterr().out
    assert out.startswith(BOM.encode()) and b"Number,Created" in out


def test_cli_names_citizens_only_when_asked_for_the_whole_organisation(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain, named = tmp_path / "plain.xlsx", tmp_path / "named.xlsx"
    assert main(["digest", "--week", "2026-W48", "--format", "xlsx", "--out", str(plain)]) == 0
    assert (
        main(["digest", "--week", "2026-W48", "--format", "xlsx", "--with-citizens", "--out", str(named)])
        == 0
    )
    assert CITIZEN_NAME not in _cells(load_workbook(plain))
    assert CITIZEN_NAME in _cells(load_workbook(named))
    capsys.readouterr()
    refused = ["digest", "--scope", "xa-a", "--week", "2026-W48", "--format", "xlsx", "--with-citizens"]
    assert main([*refused, "--out", str(tmp_path / "x.xlsx")]) == 2
    assert "--scope all" in capsys.readouterr().err
