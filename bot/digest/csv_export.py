"""The digest's Tickets rows as CSV: the workbook's Tickets sheet, one line per ticket.

UTF-8 with a byte order mark so Excel reads the Vietnamese text correctly; comma-separated, quoted as
needed (RFC 4180), lines ending in CRLF. Times are local and written ``YYYY-MM-DD HH:MM``: unlike
dd/mm/yyyy, Excel and every other tool read them the same way whatever the reader's regional settings
(an en-US Excel would swap day and month of "05/11/2026"). Text starting like a formula ("=", "+",
"-", "@") gets a leading apostrophe so a spreadsheet never runs it. Citizens' names only with
``include_citizens`` (global admins), as in the workbook.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.digest.figures import DigestFigures
from bot.digest.render_text import DEFAULT_LABELS, Labels
from bot.digest.workbook import DEFAULT_TZ, TicketFormatter
from storage.repositories.digest_rows import TicketExportRow

BOM = "\ufeff"


def render_csv(
    figures: DigestFigures,
    tickets: Sequence[TicketExportRow],
    locale: str,
    *,
    tz: ZoneInfo = DEFAULT_TZ,
    labels: Labels = DEFAULT_LABELS,
    include_citizens: bool = False,
) -> bytes:
    """The Tickets rows as CSV bytes (UTF-8 with BOM), headers in ``locale``."""
    formatter = TicketFormatter(locale, tz, figures.as_of, labels, include_citizens)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(formatter.headers())
    for row in tickets:
        writer.writerow([_cell(value) for value in formatter.values(row)])
    return (BOM + buffer.getvalue()).encode("utf-8")


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        # Excel would run "=HYPERLINK(…)" typed as a name: a leading apostrophe keeps it text.
        return "'" + value
    return str(value)


__all__ = ["BOM", "render_csv"]
