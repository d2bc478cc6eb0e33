"""The digest as one Telegram HTML message, in the reader's language with Vietnamese number formatting.

Numbers are written the Vietnamese way in both languages (1.234; 33,3%; 13,5), dates as dd/mm/yyyy.
Everything taken from the database (unit names, place and topic names) is escaped by ``render``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import TYPE_CHECKING

from bot.digest.figures import TOP_TOPICS, TOP_WARDS, DigestFigures, TicketAge
from bot.i18n import N_, Safe, render

if TYPE_CHECKING:
    from bot.tagging.topics import TopicClassifier

TopicLabel = Callable[[str, str], str]
"""(topic code, locale) → the topic's name."""
WardLabel = Callable[[int], str]
"""ward code → "Phường X, Tỉnh Y"."""


@dataclass(frozen=True, slots=True)
class Labels:
    topic: TopicLabel
    ward: WardLabel


def format_int(value: int) -> str:
    """1234567 → "1.234.567"."""
    return f"{value:,}".replace(",", ".")


def format_decimal(value: float, digits: int = 1) -> str:
    """13.5 → "13,5"; 1234.25 → "1.234,3" (trailing zeros dropped: 2.0 → "2")."""
    text = f"{value:,.{digits}f}".replace(",", "\u0001").replace(".", ",").replace("\u0001", ".")
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return text


def format_percent(share: float | None) -> str:
    """0.5 → "50%"; 1/3 → "33,3%"; None → "—"."""
    return "—" if share is None else f"{format_decimal(share * 100, 1)}%"


def format_date(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def format_change(change: int) -> str:
    """+4, −2 (a real minus sign), ±0."""
    if change > 0:
        return f"+{format_int(change)}"
    if change < 0:
        return f"−{format_int(-change)}"
    return "±0"


def format_age(locale: str, age: timedelta) -> str:
    days, rest = divmod(int(age.total_seconds()), 86_400)
    hours = rest // 3_600
    if days:
        return render(locale, N_("{days} d {hours} h"), days=days, hours=hours)
    return render(locale, N_("{hours} h"), hours=hours)


def _topic_label_from_taxonomy(code: str, locale: str) -> str:
    classifier = _classifier()
    if code not in classifier.codes:
        return code
    info = classifier.info(code)
    return info.name_en if locale == "en" else info.name_vi


def _ward_label_from_gazetteer(code: int) -> str:
    from bot.tagging import get_tagger

    try:
        return get_tagger().localities.ward_label(code)
    except KeyError:
        return str(code)


@cache
def _classifier() -> TopicClassifier:
    from bot.tagging.topics import TopicClassifier

    return TopicClassifier.load()


DEFAULT_LABELS = Labels(topic=_topic_label_from_taxonomy, ward=_ward_label_from_gazetteer)


def render_digest(
    figures: DigestFigures, locale: str, scope_name: str | None = None, labels: Labels = DEFAULT_LABELS
) -> str:
    """The digest message; ``scope_name`` is the unit's name (None: all units)."""
    lines: list[str] = []
    period = Safe(f"{format_date(figures.first_day)} – {format_date(figures.last_day)}")
    if figures.week is not None:
        lines.append(render(locale, N_("<b>📊 Weekly digest {period}</b>"), period=period))
    else:
        lines.append(render(locale, N_("<b>📊 Digest {period}</b>"), period=period))
    if scope_name is None:
        lines.append(render(locale, N_("Scope: all units")))
    else:
        lines.append(render(locale, N_("Scope: {unit} and the units below it"), unit=scope_name))
    lines.append("")
    changes = figures.changes()
    for msgid, value, key in (
        (N_("📥 Received: {count} ({change})"), figures.received, "received"),
        (N_("💬 Answered: {count} ({change})"), figures.answered, "answered"),
        (N_("✅ Resolved: {count} ({change})"), figures.resolved, "resolved"),
        (N_("📂 Still open: {count} ({change})"), figures.open, "open"),
        (N_("⏰ Overdue: {count} ({change})"), figures.overdue, "overdue"),
    ):
        lines.append(render(locale, msgid, count=format_int(value), change=format_change(changes[key])))
    lines.append(render(locale, N_("<i>(change against the previous period)</i>")))
    lines.append("")
    lines.append(
        render(
            locale,
            N_("🎯 Answered on time: {rate} ({on_time}/{due} due this period)"),
            rate=format_percent(figures.on_time_rate),
            on_time=format_int(figures.on_time),
            due=format_int(figures.due),
        )
    )
    lines.append(
        render(
            locale,
            N_("⏱ Median time to first response: {hours} ({count} tickets)"),
            hours=_hours(locale, figures.median_first_response_hours),
            count=format_int(figures.first_response_count),
        )
    )
    lines.append(
        render(
            locale,
            N_("🏁 Median time to resolution: {hours} ({count} tickets)"),
            hours=_hours(locale, figures.median_resolution_hours),
            count=format_int(figures.resolution_count),
        )
    )
    average = "—" if figures.rating_avg is None else format_decimal(figures.rating_avg, 2)
    lines.append(
        render(
            locale,
            N_("⭐ Citizens' rating: {average}/5 ({count} ratings)"),
            average=average,
            count=format_int(figures.rating_count),
        )
    )
    lines.append(
        render(
            locale,
            N_('🙁 Said "not resolved": {share} ({count}/{total})'),
            share=format_percent(figures.not_resolved_share),
            count=format_int(figures.not_resolved_count),
            total=format_int(figures.verdict_count),
        )
    )
    if figures.by_topic:
        lines += ["", render(locale, N_("<b>By topic</b>"))]
        for code, count in figures.by_topic[:TOP_TOPICS]:
            lines.append(
                render(locale, "• {name}: {count}", name=labels.topic(code, locale), count=format_int(count))
            )
    if figures.by_ward or figures.no_ward:
        lines += ["", render(locale, N_("<b>By ward</b>"))]
        for ward_code, count in figures.by_ward[:TOP_WARDS]:
            lines.append(
                render(locale, "• {name}: {count}", name=labels.ward(ward_code), count=format_int(count))
            )
        if figures.no_ward:
            lines.append(render(locale, N_("• No ward yet: {count}"), count=format_int(figures.no_ward)))
    if figures.units:
        lines += ["", render(locale, N_("<b>Units by on-time rate</b>"))]
        for place, row in enumerate(figures.units, start=1):
            lines.append(
                render(
                    locale,
                    N_(
                        "{place}. {name}: {rate} on time ({on_time}/{due}); {received} received, {answered} answered"
                    ),
                    place=place,
                    name=row.name,
                    rate=format_percent(row.on_time_rate),
                    on_time=format_int(row.on_time),
                    due=format_int(row.due),
                    received=format_int(row.received),
                    answered=format_int(row.answered),
                )
            )
    lines += [
        "",
        render(
            locale,
            N_("<b>🚨 Urgent tickets this period: {count}</b>"),
            count=format_int(figures.urgent_count),
        ),
    ]
    lines += _ticket_lines(locale, figures.urgent, labels)
    if figures.urgent_count > len(figures.urgent):
        lines.append(
            render(
                locale, N_("… and {count} more"), count=format_int(figures.urgent_count - len(figures.urgent))
            )
        )
    if figures.oldest_open:
        lines += ["", render(locale, N_("<b>🕰 Oldest open tickets</b>"))]
        lines += _ticket_lines(locale, figures.oldest_open, labels)
    return "\n".join(lines)


def _hours(locale: str, hours: float | None) -> str:
    if hours is None:
        return "—"
    return render(locale, N_("{hours} working hours"), hours=format_decimal(hours, 1))


def _ticket_lines(locale: str, tickets: tuple[TicketAge, ...], labels: Labels) -> list[str]:
    return [
        render(
            locale,
            N_("#{number} · {topic} · {age} old"),
            number=item.id,
            topic=labels.topic(item.topic, locale),
            age=format_age(locale, item.age),
        )
        for item in tickets
    ]


__all__ = [
    "DEFAULT_LABELS",
    "Labels",
    "format_age",
    "format_change",
    "format_date",
    "format_decimal",
    "format_int",
    "format_percent",
    "render_digest",
]
