"""The digest as an Excel workbook: Summary, Tickets, Units and Topics sheets, in the reader's language.

Numbers, dates and rates are real cells (numbers, dates, percentages) with number formats, so Excel
sorts, filters and sums them and shows them with the reader's separators; dates are written dd/mm/yyyy.
Times are local (the digest's time zone) because Excel cells have no time zone.

The Tickets sheet lists the tickets behind the period's figures (``DigestRowsRepository.ticket_rows``):
received, answered, resolved or due in the period, or open and overdue at its end. Citizens' names and
usernames are never written unless ``include_citizens`` is given, which only a global admin may ask for;
a citizen who chose anonymity stays anonymous even then.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from bot.digest.figures import DigestFigures
from bot.digest.period import Period
from bot.digest.render_text import DEFAULT_LABELS, Labels, format_date
from bot.digest.scope import Scope
from bot.i18n import N_, gettext_for
from bot.texts import ANONYMOUS, STATUS_NAMES
from storage.database import Database
from storage.models import TicketStatus
from storage.repositories.digest_rows import DigestRowsRepository, TicketExportRow

DEFAULT_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
DATE_FORMAT = "dd/mm/yyyy"
INT_FORMAT = "#,##0"
CHANGE_FORMAT = "+#,##0;-#,##0;0"
RATE_FORMAT = "0.0%"
HOURS_FORMAT = "#,##0.0"
RATING_FORMAT = "0.00"

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", start_color="1F4E78", end_color="1F4E78")
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
HEADER_BORDER = Border(bottom=Side(style="thin", color="000000"))
TITLE_FONT = Font(bold=True, size=14)
MAX_WIDTH = 48

SHEETS = (N_("Summary"), N_("Tickets"), N_("Units"), N_("Topics"))


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    """English msgid."""
    number_format: str | None = None
    width: int | None = None


TICKET_COLUMNS = (
    Column(N_("Number"), "0", 9),
    Column(N_("Created"), DATETIME_FORMAT, 17),
    Column(N_("Topic")),
    Column(N_("Ward")),
    Column(N_("Unit")),
    Column(N_("Status")),
    Column(N_("Urgent"), None, 10),
    Column(N_("Answer due"), DATETIME_FORMAT, 17),
    Column(N_("Answered at"), DATETIME_FORMAT, 17),
    Column(N_("Resolved at"), DATETIME_FORMAT, 17),
    Column(N_("On time"), None, 10),
    Column(N_("Rating"), "0", 9),
)
CITIZEN_COLUMNS = (Column(N_("Citizen")), Column(N_("Username")))


def _t(locale: str, msgid: str, /, **values: object) -> str:
    """Translated plain text (no HTML escaping: this goes in a file, not a Telegram message)."""
    return gettext_for(locale, msgid).format(**values)


async def load_tickets(
    database: Database, scope: Scope, period: Period, include_citizens: bool = False
) -> list[TicketExportRow]:
    """The Tickets rows of ``scope`` over ``period`` (names only with ``include_citizens``: global admins)."""
    if scope.is_empty:
        return []
    async with database.session() as session:
        return await DigestRowsRepository(session).ticket_rows(
            scope.unit_ids, period.start, period.end, include_citizens=include_citizens
        )


def on_time(row: TicketExportRow, as_of: datetime) -> bool | None:
    """Answered by the deadline? None when there is no deadline, it is not yet passed, or it was withdrawn."""
    if row.answer_due is None or row.status == TicketStatus.CANCELLED:
        return None
    if row.answered_at is not None:
        return row.answered_at <= row.answer_due
    return False if row.answer_due < as_of else None


class TicketFormatter:
    """The Tickets columns of one row as cell values (local naive datetimes, translated words)."""

    def __init__(
        self,
        locale: str,
        tz: ZoneInfo,
        as_of: datetime,
        labels: Labels = DEFAULT_LABELS,
        include_citizens: bool = False,
    ) -> None:
        self.locale, self.tz, self.as_of, self.labels = locale, tz, as_of, labels
        self.include_citizens = include_citizens
        self._wards: dict[int, str] = {}
        self._topics: dict[str, str] = {}
        self.yes, self.no = _t(locale, N_("Yes")), _t(locale, N_("No"))

    @property
    def columns(self) -> tuple[Column, ...]:
        return TICKET_COLUMNS + (CITIZEN_COLUMNS if self.include_citizens else ())

    def headers(self) -> list[str]:
        return [_t(self.locale, column.header) for column in self.columns]

    def local(self, moment: datetime | None) -> datetime | None:
        return None if moment is None else moment.astimezone(self.tz).replace(tzinfo=None)

    def topic(self, code: str) -> str:
        if code not in self._topics:
            self._topics[code] = self.labels.topic(code, self.locale)
        return self._topics[code]

    def ward(self, code: int | None) -> str:
        if code is None:
            return ""
        if code not in self._wards:
            self._wards[code] = self.labels.ward(code)
        return self._wards[code]

    def status(self, status: str) -> str:
        try:
            return _t(self.locale, STATUS_NAMES[TicketStatus(status)])
        except (KeyError, ValueError):
            return status

    def values(self, row: TicketExportRow) -> list[Any]:
        timely = on_time(row, self.as_of)
        values: list[Any] = [
            row.id,
            self.local(row.created_at),
            self.topic(row.topic),
            self.ward(row.ward_code),
            row.unit_name or (_t(self.locale, N_("not routed yet")) if row.unit_id is None else row.unit_id),
            self.status(row.status),
            self.yes if row.urgent else self.no,
            self.local(row.answer_due),
            self.local(row.answered_at),
            self.local(row.resolved_at),
            None if timely is None else self.yes if timely else self.no,
            row.rating,
        ]
        if self.include_citizens:
            if row.citizen_anonymous:
                values += [_t(self.locale, ANONYMOUS), None]
            else:
                values += [row.citizen_name, row.citizen_username]
        return values


def render_workbook(
    figures: DigestFigures,
    tickets: Sequence[TicketExportRow],
    locale: str,
    *,
    scope_name: str | None = None,
    tz: ZoneInfo = DEFAULT_TZ,
    labels: Labels = DEFAULT_LABELS,
    include_citizens: bool = False,
) -> bytes:
    """The workbook as XLSX bytes. ``include_citizens`` adds the citizens' names: global admins only."""
    workbook = Workbook()
    workbook.properties.creator = "Đối Thoại"
    workbook.properties.title = _title(figures, locale)
    summary = workbook.active
    summary.title = _t(locale, SHEETS[0])
    _summary(summary, figures, locale, scope_name, tz)
    formatter = TicketFormatter(locale, tz, figures.as_of, labels, include_citizens)
    _table(
        workbook.create_sheet(_t(locale, SHEETS[1])),
        formatter.columns,
        locale,
        (formatter.values(row) for row in tickets),
        freeze="B2",
    )
    units = [
        [place, row.name, row.id, row.received, row.answered, row.due, row.on_time, row.on_time_rate]
        for place, row in enumerate(figures.units, start=1)
    ]
    _table(
        workbook.create_sheet(_t(locale, SHEETS[2])),
        (
            Column(N_("Place"), "0", 8),
            Column(N_("Unit")),
            Column(N_("Unit id")),
            Column(N_("Received"), INT_FORMAT, 12),
            Column(N_("Answered"), INT_FORMAT, 12),
            Column(N_("Due"), INT_FORMAT, 12),
            Column(N_("Answered on time"), INT_FORMAT, 14),
            Column(N_("On-time rate"), RATE_FORMAT, 12),
        ),
        locale,
        units,
    )
    topics = [
        [formatter.topic(code), code, count, count / figures.received if figures.received else None]
        for code, count in figures.by_topic
    ]
    _table(
        workbook.create_sheet(_t(locale, SHEETS[3])),
        (
            Column(N_("Topic")),
            Column(N_("Code")),
            Column(N_("Received"), INT_FORMAT, 12),
            Column(N_("Share"), RATE_FORMAT, 10),
        ),
        locale,
        topics,
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _title(figures: DigestFigures, locale: str) -> str:
    period = f"{format_date(figures.first_day)} – {format_date(figures.last_day)}"
    if figures.week is not None:
        return _t(locale, N_("Weekly digest {period}"), period=period)
    return _t(locale, N_("Digest {period}"), period=period)


def _style_header(cells: Sequence[Any]) -> None:
    for cell in cells:
        cell.font, cell.fill, cell.alignment, cell.border = (
            HEADER_FONT,
            HEADER_FILL,
            HEADER_ALIGNMENT,
            HEADER_BORDER,
        )


def _summary(sheet: Any, figures: DigestFigures, locale: str, scope_name: str | None, tz: ZoneInfo) -> None:
    sheet.append([_title(figures, locale)])
    sheet["A1"].font = TITLE_FONT
    scope = (
        _t(locale, N_("All units"))
        if scope_name is None
        else _t(locale, N_("{unit} and the units below it"), unit=scope_name)
    )
    sheet.append([_t(locale, N_("Scope")), scope])
    sheet.append([_t(locale, N_("From")), figures.first_day])
    sheet.append([_t(locale, N_("To")), figures.last_day])
    sheet.append([_t(locale, N_("Figures as of")), figures.as_of.astimezone(tz).replace(tzinfo=None)])
    for row in range(2, 6):
        sheet.cell(row, 1).font = Font(bold=True)
        sheet.cell(row, 2).alignment = Alignment(horizontal="left")
    sheet["B3"].number_format = sheet["B4"].number_format = DATE_FORMAT
    sheet["B5"].number_format = DATETIME_FORMAT
    sheet.append([])
    sheet.append(
        [_t(locale, text) for text in (N_("Figure"), N_("This period"), N_("Previous period"), N_("Change"))]
    )
    header_row = sheet.max_row
    _style_header(sheet[header_row][:4])
    changes = figures.changes()
    for msgid, key in (
        (N_("Received"), "received"),
        (N_("Answered"), "answered"),
        (N_("Resolved"), "resolved"),
        (N_("Still open at the end"), "open"),
        (N_("Overdue at the end"), "overdue"),
    ):
        sheet.append(
            [_t(locale, msgid), getattr(figures.current, key), getattr(figures.previous, key), changes[key]]
        )
        row = sheet.max_row
        for column in (2, 3):
            sheet.cell(row, column).number_format = INT_FORMAT
        sheet.cell(row, 4).number_format = CHANGE_FORMAT
    sheet.append([])
    sheet.append([_t(locale, text) for text in (N_("Figure"), N_("Value"), N_("Out of"))])
    _style_header(sheet[sheet.max_row][:3])
    for msgid, value, value_format, basis in (
        (N_("Answered on time"), figures.on_time_rate, RATE_FORMAT, figures.due),
        (N_("Answered on time (tickets)"), figures.on_time, INT_FORMAT, figures.due),
        (
            N_("Median time to first response (working hours)"),
            figures.median_first_response_hours,
            HOURS_FORMAT,
            figures.first_response_count,
        ),
        (
            N_("Median time to resolution (working hours)"),
            figures.median_resolution_hours,
            HOURS_FORMAT,
            figures.resolution_count,
        ),
        (N_("Citizens' rating (of 5)"), figures.rating_avg, RATING_FORMAT, figures.rating_count),
        (N_('Said "not resolved"'), figures.not_resolved_share, RATE_FORMAT, figures.verdict_count),
        (N_("Urgent tickets received"), figures.urgent_count, INT_FORMAT, None),
        (N_("Received with no ward yet"), figures.no_ward, INT_FORMAT, figures.received),
    ):
        sheet.append([_t(locale, msgid), "—" if value is None else value, basis])
        row = sheet.max_row
        sheet.cell(row, 2).number_format = value_format
        sheet.cell(row, 2).alignment = Alignment(horizontal="right")
        sheet.cell(row, 3).number_format = INT_FORMAT
    sheet.append([])
    sheet.append(
        [
            _t(
                locale,
                N_(
                    '"Out of": the tickets each figure is measured over (due, responded, resolved, rated, asked).'
                ),
            )
        ]
    )
    sheet.cell(sheet.max_row, 1).font = Font(italic=True, color="666666")
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.column_dimensions["A"].width = 46
    for letter in "BCD":
        sheet.column_dimensions[letter].width = 18


def _table(
    sheet: Any,
    columns: Sequence[Column],
    locale: str,
    rows: Iterable[Sequence[Any]],
    freeze: str = "A2",
) -> None:
    headers = [_t(locale, column.header) for column in columns]
    sheet.append(headers)
    _style_header(sheet[1])
    widths = [len(header) + 3 for header in headers]
    formats = [column.number_format for column in columns]
    for values in rows:
        sheet.append(values)
        row = sheet.max_row
        for index, value in enumerate(values):
            if value is None:
                continue
            cell = sheet.cell(row, index + 1)
            if formats[index] is not None:
                cell.number_format = formats[index]
            if isinstance(value, str):
                if value.startswith("="):
                    cell.data_type = "s"  # text that looks like a formula (a citizen's name) stays text
                widths[index] = max(widths[index], len(value) + 2)
    for index, column in enumerate(columns):
        width = column.width if column.width is not None else min(max(widths[index], 10), MAX_WIDTH)
        sheet.column_dimensions[get_column_letter(index + 1)].width = max(width, len(headers[index]) + 3)
    sheet.row_dimensions[1].height = 30
    sheet.freeze_panes = freeze
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(sheet.max_row, 2)}"


__all__ = [
    "CITIZEN_COLUMNS",
    "TICKET_COLUMNS",
    "Column",
    "TicketFormatter",
    "load_tickets",
    "on_time",
    "render_workbook",
]
