"""The digest as a PNG chart: tickets per day (received / answered / resolved) and on-time rate per unit.

Drawn with matplotlib's object API on an Agg canvas (no pyplot, no backend switch, nothing global left
behind; font settings apply only inside ``rc_context``). DejaVu Sans, bundled with matplotlib, has every
Vietnamese glyph. The image is always ``WIDTH`` × ``HEIGHT`` pixels.

The top panel puts the three daily counts side by side rather than stacked: they count events
(a ticket can be received and answered the same day), so a stacked total would mean nothing. Their sums
over the period are the digest's ``received``, ``answered`` and ``resolved``. Periods longer than
``DAILY_LIMIT`` days are drawn per ISO week. The bottom panel is the units' league
(``DigestFigures.units``); units with nothing due have no rate and are left out (their number is said);
beyond ``UNIT_LIMIT`` units, the best and the worst halves are shown.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from bot.digest.figures import DigestFigures, UnitRow
from bot.digest.period import Period
from bot.digest.render_text import format_date, format_int, format_percent
from bot.digest.scope import Scope
from bot.i18n import N_, gettext_for
from storage.database import Database
from storage.repositories.digest_rows import DayCounts, DigestRowsRepository

WIDTH, HEIGHT, DPI = 1200, 900, 100
DAILY_LIMIT = 45
UNIT_LIMIT = 20
MIN_UNIT_SLOTS = 6
NAME_LIMIT = 42
FONT = "DejaVu Sans"
DEFAULT_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

RECEIVED_COLOUR = "#3b6fb6"
ANSWERED_COLOUR = "#f0a030"
RESOLVED_COLOUR = "#3a9a5b"
GOOD, FAIR, POOR = "#3a9a5b", "#e0a030", "#c8463d"

WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))


@dataclass(frozen=True, slots=True)
class Bucket:
    """One bar group: a day (or a week, for long periods) and its three counts."""

    first_day: date
    days: int
    received: int
    answered: int
    resolved: int


def _t(locale: str, msgid: str, /, **values: object) -> str:
    """Translated plain text (no HTML escaping: this is drawn, not sent)."""
    return gettext_for(locale, msgid).format(**values)


def day_boundaries(period: Period) -> list[datetime]:
    """The period's local midnights as UTC instants: ``days + 1`` of them."""
    return [
        datetime.combine(
            period.first_day + timedelta(days=offset), datetime.min.time(), period.tz
        ).astimezone(ZoneInfo("UTC"))
        for offset in range(period.days + 1)
    ]


async def load_daily(database: Database, scope: Scope, period: Period) -> list[DayCounts]:
    """The period's per-day counts in ``scope`` (one entry per local day, in order)."""
    if scope.is_empty:
        boundaries = day_boundaries(period)
        return [DayCounts(start, end) for start, end in itertools.pairwise(boundaries)]
    async with database.session() as session:
        return await DigestRowsRepository(session).daily_counts(scope.unit_ids, day_boundaries(period))


def buckets(figures: DigestFigures, daily: Sequence[DayCounts]) -> list[Bucket]:
    """One bucket per day, or per ISO week (Monday first) when the period is longer than ``DAILY_LIMIT``."""
    days = [
        Bucket(figures.first_day + timedelta(days=index), 1, item.received, item.answered, item.resolved)
        for index, item in enumerate(daily)
    ]
    if len(days) <= DAILY_LIMIT:
        return days
    weeks: dict[date, Bucket] = {}
    for item in days:
        monday = item.first_day - timedelta(days=item.first_day.weekday())
        key = max(monday, figures.first_day)
        found = weeks.get(key)
        if found is None:
            weeks[key] = Bucket(key, 1, item.received, item.answered, item.resolved)
        else:
            weeks[key] = Bucket(
                key,
                found.days + 1,
                found.received + item.received,
                found.answered + item.answered,
                found.resolved + item.resolved,
            )
    return list(weeks.values())


def _period_end(figures: DigestFigures, tz: ZoneInfo) -> datetime:
    return datetime.combine(figures.last_day + timedelta(days=1), datetime.min.time(), tz)


def render_chart(
    figures: DigestFigures,
    daily: Sequence[DayCounts],
    locale: str,
    scope_name: str | None = None,
    tz: ZoneInfo = DEFAULT_TZ,
) -> bytes:
    """The chart as PNG bytes, ``WIDTH`` × ``HEIGHT`` pixels, titles in ``locale``, times in ``tz``.

    A period not over yet says when its figures were taken (its last days have no bars yet)."""
    with matplotlib.rc_context(
        {
            "font.family": "sans-serif",
            "font.sans-serif": [FONT],
            "font.size": 11,
            "axes.titlesize": 13,
            "axes.titleweight": "bold",
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    ):
        figure = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI, layout="constrained")
        FigureCanvasAgg(figure)
        period = f"{format_date(figures.first_day)} – {format_date(figures.last_day)}"
        title = (
            _t(locale, N_("Weekly digest {period}"), period=period)
            if figures.week is not None
            else _t(locale, N_("Digest {period}"), period=period)
        )
        scope = (
            _t(locale, N_("All units"))
            if scope_name is None
            else _t(locale, N_("{unit} and the units below it"), unit=scope_name)
        )
        figure.suptitle(f"{title}\n{scope}", fontsize=15, fontweight="bold")
        if figures.as_of < _period_end(figures, tz):
            moment = figures.as_of.astimezone(tz)
            figure.text(
                0.995,
                0.995,
                _t(
                    locale,
                    N_("Figures as of {moment}"),
                    moment=f"{format_date(moment.date())} {moment:%H:%M}",
                ),
                ha="right",
                va="top",
                fontsize=9,
                color="#555555",
            )
        grid = figure.add_gridspec(2, 1, height_ratios=(1.0, 1.15))
        _daily_panel(figure.add_subplot(grid[0]), figures, buckets(figures, daily), locale)
        _units_panel(figure.add_subplot(grid[1]), figures.units, locale)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _daily_panel(axes: Any, figures: DigestFigures, groups: list[Bucket], locale: str) -> None:
    weekly = any(group.days > 1 for group in groups) or len(groups) > DAILY_LIMIT
    axes.set_title(
        _t(locale, N_("Tickets per week")) if weekly else _t(locale, N_("Tickets per day")), loc="left"
    )
    width = 0.27
    positions = range(len(groups))
    series = (
        (N_("Received"), [g.received for g in groups], RECEIVED_COLOUR, -width),
        (N_("Answered"), [g.answered for g in groups], ANSWERED_COLOUR, 0.0),
        (N_("Resolved"), [g.resolved for g in groups], RESOLVED_COLOUR, width),
    )
    # value labels while they fit: few bars, short numbers
    labelled = len(groups) <= 10 and max((g.received for g in groups), default=0) < 10_000
    for msgid, values, colour, shift in series:
        total = format_int(sum(values))
        bars = axes.bar(
            [p + shift for p in positions],
            values,
            width=width,
            color=colour,
            label=f"{_t(locale, msgid)} ({total})",
        )
        if labelled:
            axes.bar_label(
                bars,
                labels=[format_int(v) if v else "" for v in values],
                padding=2,
                fontsize=9,
                color="#333333",
            )
    axes.set_xticks(list(positions))
    axes.set_xticklabels([_bucket_label(group, locale, weekly) for group in groups])
    if len(groups) > 16:
        axes.tick_params(axis="x", labelrotation=90, labelsize=8)
    axes.set_xlim(-0.6, max(len(groups), 1) - 0.4)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=6))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: format_int(int(value))))
    top = max((max(g.received, g.answered, g.resolved) for g in groups), default=0)
    axes.set_ylim(0, max(top * 1.18, 1))
    axes.set_ylabel(_t(locale, N_("Tickets")))
    axes.grid(axis="y", color="#dddddd", linewidth=0.8)
    axes.set_axisbelow(True)
    axes.legend(loc="lower right", ncols=3, frameon=False, bbox_to_anchor=(1.0, 1.0), borderaxespad=0.2)


def _bucket_label(group: Bucket, locale: str, weekly: bool) -> str:
    day = group.first_day
    if weekly:
        return f"{day.day:02d}/{day.month:02d}"
    return f"{_t(locale, WEEKDAYS[day.weekday()])}\n{day.day:02d}/{day.month:02d}"


def shown_units(units: Sequence[UnitRow]) -> tuple[list[UnitRow], int]:
    """The units drawn (those with something due, league order; the best and worst halves beyond
    ``UNIT_LIMIT``) and how many units with something due are not drawn."""
    rated = [row for row in units if row.on_time_rate is not None]
    if len(rated) <= UNIT_LIMIT:
        return rated, 0
    half = UNIT_LIMIT // 2
    return rated[:half] + rated[-half:], len(rated) - UNIT_LIMIT


def _units_panel(axes: Any, units: Sequence[UnitRow], locale: str) -> None:
    axes.set_title(_t(locale, N_("Answered on time, by unit")), loc="left")
    shown, hidden = shown_units(units)
    unrated = sum(1 for row in units if row.on_time_rate is None)
    notes = []
    if hidden:
        notes.append(
            _t(locale, N_("{count} units in the middle of the table not shown"), count=format_int(hidden))
        )
    if unrated:
        notes.append(_t(locale, N_("{count} units had nothing due"), count=format_int(unrated)))
    if notes:
        axes.text(
            1.0,
            1.01,
            "; ".join(notes),
            transform=axes.transAxes,
            ha="right",
            va="bottom",
            fontsize=9,
            color="#555555",
        )
    axes.set_xlim(0, 118)
    axes.set_xticks([0, 25, 50, 75, 100])
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{int(value)}%"))
    axes.grid(axis="x", color="#dddddd", linewidth=0.8)
    axes.set_axisbelow(True)
    if not shown:
        axes.set_yticks([])
        axes.text(
            0.5,
            0.5,
            _t(locale, N_("Nothing was due this period")),
            transform=axes.transAxes,
            ha="center",
            va="center",
            fontsize=12,
            color="#555555",
        )
        return
    rows = list(reversed(shown))  # the best at the top
    rates = [(row.on_time_rate or 0.0) * 100 for row in rows]
    colours = [GOOD if rate >= 90 else FAIR if rate >= 70 else POOR for rate in rates]
    positions = list(range(len(rows)))
    height = 0.7
    bars = axes.barh(positions, rates, height=height, color=colours)
    axes.bar_label(
        bars,
        labels=[
            f"{format_percent(row.on_time_rate)} ({format_int(row.on_time)}/{format_int(row.due)})"
            for row in rows
        ],
        padding=4,
        fontsize=9 if len(rows) > 12 else 10,
    )
    axes.set_yticks(positions)
    axes.set_yticklabels([_short(row.name) for row in rows], fontsize=9 if len(rows) > 12 else 10)
    # a few units stay at the top with bars of the usual thickness instead of filling the panel
    axes.set_ylim(len(rows) - max(len(rows), MIN_UNIT_SLOTS) - 0.6, len(rows) - 0.4)
    if hidden:
        # a dotted line where the middle of the table was left out
        axes.axhline(len(rows) / 2 - 0.5, color="#999999", linestyle=":", linewidth=1)
    axes.axvline(100, color="#bbbbbb", linewidth=0.8)


def _short(name: str) -> str:
    return name if len(name) <= NAME_LIMIT else name[: NAME_LIMIT - 1].rstrip() + "…"


__all__ = [
    "DAILY_LIMIT",
    "HEIGHT",
    "UNIT_LIMIT",
    "WIDTH",
    "Bucket",
    "buckets",
    "day_boundaries",
    "load_daily",
    "render_chart",
    "shown_units",
]
